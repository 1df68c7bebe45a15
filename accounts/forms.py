"""Sign-in forms that add to allauth's: asking for a code needs a number (or an email) to send it to."""

from typing import Any

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.headless.account.inputs import RequestLoginCodeInput as AllauthRequestLoginCodeInput
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ABOUT_ME_MAX_LENGTH


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


class ProfileForm(forms.Form):
    """What a member of staff tells the children they work with: first name, a few words, a photo (staff English)."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        help_text="Children see your first name only.",
        error_messages={"required": "Write the first name children will know you by."},
    )
    about_me = forms.CharField(
        label="About me",
        required=False,
        max_length=ABOUT_ME_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ABOUT_ME_MAX_LENGTH}),
        help_text=f"A few friendly words for children, up to {ABOUT_ME_MAX_LENGTH} characters: "
        "what you do, something you like. Children see this where they write to you.",
        error_messages={"max_length": f"Keep it to {ABOUT_ME_MAX_LENGTH} characters or fewer."},
    )
    # A plain file field: accounts/photos.py checks what it is, so every channel refuses a bad file the same way.
    photo = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="Optional. JPEG, PNG or WebP, under 5 MB. Only children you work with and staff can see it; "
        "location and camera details are removed.",
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)
