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
        fields = ["display_name", "time_zone", "cohort_limit"]
        labels = {"display_name": "Your name"}
        # The hint beside the field (templates/accounts/profile.html) is read with it.
        widgets = {
            "cohort_limit": forms.NumberInput(attrs={"aria-describedby": "cohort-limit-hint"})
        }


class AccountDeleteForm(forms.Form):
    """Confirms that the person at the keyboard owns the account: their password, or, for
    an account that never had one, its email address typed out.

    `limited` says the person has used up their tries for now (allauth's
    "reauthenticate" rate limit), so that a borrowed session cannot guess the password.
    """

    password = forms.CharField(
        label="Your password", strip=False, required=False, widget=forms.PasswordInput
    )
    email = forms.CharField(label="Your email address", required=False)

    def __init__(self, *args, user, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.limited = user, limited
        if user.has_usable_password():
            del self.fields["email"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["email"].required = True
            self.fields["email"].help_text = f"Type {user.email} to confirm."

    def clean(self):
        if self.limited:
            raise forms.ValidationError("You have tried too often. Wait a minute, then try again.")
        password, email = self.cleaned_data.get("password"), self.cleaned_data.get("email")
        if password and not self.user.check_password(password):
            self.add_error("password", "That is not your password.")
        if email and email.strip().lower() != self.user.email.lower():
            self.add_error("email", f"Type the address exactly: {self.user.email}.")
        return self.cleaned_data
