"""The allauth adapter: closed sign-up, phone numbers on the user row, codes by our SMS backend."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from accounts.models import User, normalise_uk_phone


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the council; children may sign in with a code sent to their phone."""

    def is_open_for_signup(self, request: Any) -> bool:
        return False

    def clean_phone(self, phone: str) -> str:
        return normalise_uk_phone(phone)

    def phone_form_field(self, **kwargs: Any) -> Any:
        from accounts.fields import UKPhoneField

        return UKPhoneField(**kwargs)

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        from sms.models import Purpose
        from sms.services import sms_queue

        # No name and nothing about care in the text: the phone may be shared or seen.
        sms_queue(
            to=phone,
            body=f"Your Heard code is {code}. It works for 5 minutes. Don't share it.",
            purpose=Purpose.LOGIN_CODE,
            key=f"login:{phone}:{code}",
            user=user,
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Nothing is sent to a number we do not know: we never text strangers.
        return None

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone = normalise_uk_phone(phone)
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        if user.phone:
            return user.phone, user.phone_verified
        return None

    def set_phone_verified(self, user: Any, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=normalise_uk_phone(phone)).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone: str) -> Any:
        try:
            phone = normalise_uk_phone(phone)
        except ValidationError:
            return None
        return User.objects.filter(phone=phone, is_active=True).first()
