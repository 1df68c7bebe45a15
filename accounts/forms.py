"""Sign-in forms that add to allauth's: asking for a code needs a number (or an email) to send it to."""

from typing import Any

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.headless.account.inputs import RequestLoginCodeInput as AllauthRequestLoginCodeInput
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class _NeedsSomewhereToSendTheCode:
    """allauth lets both the phone and the email be empty, then fails on the missing account (a 500)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):  # type: ignore[attr-defined]
            raise ValidationError(_("Type your mobile number."), code="required")
        return cleaned


class RequestLoginCodeForm(_NeedsSomewhereToSendTheCode, AllauthRequestLoginCodeForm):
    """The web page's "text me a code" form (ACCOUNT_FORMS)."""


class RequestLoginCodeInput(_NeedsSomewhereToSendTheCode, AllauthRequestLoginCodeInput):
    """The app's /auth/code/request input (backend/urls.py)."""
