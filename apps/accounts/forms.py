from django import forms

from apps.accounts.models import User
from apps.accounts.timezones import timezone_names


def _timezone_field(guess: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Time zone",
        choices=[(name, name.replace("_", " ")) for name in timezone_names()],
        initial="UTC",
        help_text="Meeting times and deadlines are shown in this zone.",
        # The page preselects the browser's own zone when it can.
        widget=forms.Select(attrs={"data-guess-timezone": guess}),
    )


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (wired in by ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label="Your name",
        max_length=100,
        required=False,
        help_text="How other people in your cohort see you.",
    )
    time_zone = _timezone_field("preselect")

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = _timezone_field("offer")

    class Meta:
        model = User
        fields = ["display_name", "time_zone"]
        labels = {"display_name": "Your name"}
