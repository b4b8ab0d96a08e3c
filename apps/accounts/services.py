from allauth.account.models import EmailAddress
from django.db import transaction

from apps.accounts.models import User


@transaction.atomic
def user_ensure(
    *,
    email: str,
    password: str,
    display_name: str = "",
    time_zone: str = "UTC",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user with a verified address, or bring an existing one in line.

    Used for demo and seeded accounts, whose addresses are known to be real
    and so need no verification email.
    """
    user, _ = User.objects.update_or_create(
        email=email.lower(),
        defaults={
            "display_name": display_name,
            "time_zone": time_zone,
            "is_staff": is_staff or is_superuser,
            "is_superuser": is_superuser,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def user_update_profile(*, user: User, display_name: str, time_zone: str) -> None:
    user.display_name = display_name
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
