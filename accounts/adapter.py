"""The allauth adapter: closed sign-up, phone numbers on the user row, codes by our SMS backend."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normalise_uk_phone

_TRY_AGAIN_LATER = _("Too many tries. To keep your account safe, please wait a few minutes and try again.")
_LINK_USED_UP = _("This link doesn't work any more. Ask for a new one.")


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the council; children may sign in with a code sent to their phone."""

    # Heard's own words for what can go wrong while signing in: read by children of 8 and up, and by staff.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _(
            "This account is closed. If you think that's a mistake, ask your IRO, social worker or carer."
        ),
        "email_password_mismatch": _("That email and password don't match. Check them and try again."),
        "phone_password_mismatch": _("That mobile number and password don't match. Check them and try again."),
        "username_password_mismatch": _("That username and password don't match. Check them and try again."),
        "incorrect_code": _("That code isn't right. Check the message and try again."),
        "incorrect_password": _("That password isn't right. Try again."),
        "invalid_login": _("We couldn't sign you in. Check what you typed and try again."),
        "invalid_or_expired_key": _LINK_USED_UP,
        "invalid_password_reset": _LINK_USED_UP,
        "too_many_login_attempts": _TRY_AGAIN_LATER,
        "rate_limited": _TRY_AGAIN_LATER,
        "select_only_one": _("Type your mobile number or your email, not both."),
        "unknown_email": _("We don't know that email address. Check it, or ask your IRO, social worker or carer."),
        "unknown_phone": _("We don't know that number. Check it, or ask your IRO, social worker or carer."),
    }

    def is_open_for_signup(self, request: Any) -> bool:
        return False

    def clean_phone(self, phone: str) -> str:
        try:
            return normalise_uk_phone(phone)
        except ValidationError as exc:
            raise ValidationError(
                _("That doesn't look like a mobile number. Type it like this: 07700 900123."), code="invalid_phone"
            ) from exc

    def phone_form_field(self, **kwargs: Any) -> Any:
        from accounts.fields import UKPhoneField

        return UKPhoneField(**kwargs)

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        from sms.models import Purpose
        from sms.services import sms_queue

        # No name and nothing about care in the text: the phone may be shared or seen.
        sms_queue(
            to=phone,
            body=gettext("Your Heard code is %(code)s. It works for 5 minutes. Don't share it.") % {"code": code},
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
