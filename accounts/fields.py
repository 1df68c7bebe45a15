"""Form fields for signing in."""

from allauth.account.fields import PhoneField

from accounts.models import normalise_uk_phone


class UKPhoneField(PhoneField):
    """A phone field that accepts numbers as a child types them: "07700 900123" as well as E.164."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("validators", [])
        kwargs.setdefault("help_text", "The mobile number the council has for you, like 07700 900123.")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_uk_phone(value) if value else value
