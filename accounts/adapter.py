"""The allauth adapter: closed sign-up, phone numbers on the user row, codes by our SMS backend."""

import logging
from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from allauth.core import context
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.fields import UKPhoneField
from accounts.models import User, normalise_uk_phone
from reviews.selectors import child_of_user, chosen_language_for_email
from sms.models import CODE_MASK, Purpose
from sms.outbound import sms_queue

logger = logging.getLogger("heard.accounts")

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
        return UKPhoneField(**kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # A child's email (a sign-in code, a new password) is in the language on their record;
        # anyone else's follows the page they asked from. The record is read for every address alike.
        chosen = chosen_language_for_email(email)
        with translation.override(chosen or translation.get_language()):
            super().send_mail(template_prefix, email, context)

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        asked_in = translation.get_language()

        def queue() -> None:
            # A child's code is in the language on their record, else the page's they asked from.
            child = child_of_user(user)
            with translation.override((child.preferred_language if child else "") or asked_in):
                text = gettext("Your Heard code is %(code)s. It works for 5 minutes. Don't share it.")
            # No name and nothing about care in the text: the phone may be shared or seen. The SMS log
            # keeps it with the code masked; the code goes only to the task that sends the text.
            sms_queue(
                to=phone,
                body=text % {"code": CODE_MASK},
                purpose=Purpose.LOGIN_CODE,
                # Once per code, without the code or anything that gives it away.
                key=f"login:{salted_hmac('heard.sign-in-code', f'{phone}:{code}').hexdigest()}",
                user=user,
                code=code,
            )

        # Queued (and the record read) only once the answer has gone, so asking for a code takes as
        # long whether or not the number is a child's: the answer's timing must not tell who is in care.
        _after_response(context.request, queue)

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Nothing is sent to a number we do not know: we never text strangers. Answering the app,
        # allauth reads a known person's row once more to describe the next step (Login.deserialize);
        # read a row here too, one that cannot exist, so that answer also takes as long either way.
        request = context.request
        if request is not None and getattr(getattr(request, "allauth", None), "headless", None) is not None:
            User.objects.filter(pk=0).first()
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

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins against the text typed, and every phone login against one
        # key. Count them against the account the login names instead, however it was typed (the
        # maintainers' advice for changing this key: allauth issue #3584), and an unknown login
        # against what was typed, tidied the same way, so guessing is still limited.
        user = self._account_for_login(credentials)
        if user is not None:
            return f"user:{user.pk}"
        typed = next((str(credentials[m]) for m in ("phone", "email", "username") if credentials.get(m)), "")
        try:
            return f"login:{normalise_uk_phone(typed)}"
        except ValidationError:
            return f"login:{typed.strip().lower()}"

    def _account_for_login(self, credentials: dict[str, Any]) -> User | None:
        """Return the account a login names, found as allauth's backend finds it, or None."""
        for typed in (credentials.get("username"), credentials.get("email")):
            if typed and "@" in typed:
                by_email = filter_users_by_email(typed)
                if by_email:
                    return by_email[0]
        username = credentials.get("username")
        if username:
            # As allauth's backend: a username matches whatever its case, if only one account has it.
            by_username = list(filter_users_by_username(username)[:2])
            if len(by_username) == 1:
                return by_username[0]
        phone = credentials.get("phone")
        return self.get_user_by_phone(phone) if phone else None


def _after_response(request: HttpRequest | None, work: Callable[[], Any]) -> None:
    """Do `work` once the response has been sent; at once when there is no request.

    Django closes the request after the server has sent the response (the handler adds
    `request.close` to the response's closers, under WSGI, ASGI and the test client alike), so the
    work is chained onto that close, which runs before `request_finished` tidies the database
    connection. A failure is logged: Django ignores errors from closers.
    """
    if request is None:
        work()
        return
    pending: list[Callable[[], Any]] | None = request.__dict__.get("_heard_after_response")
    if pending is None:
        pending = request.__dict__["_heard_after_response"] = []
        close = request.close

        def close_then_work() -> None:
            close()
            for item in pending:
                try:
                    item()
                except Exception:
                    logger.exception("Work after the response failed")

        request.close = close_then_work  # type: ignore[method-assign]
    pending.append(work)
