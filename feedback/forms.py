"""Forms for writing a statement in the browser."""

from django import forms
from django.conf import settings

from feedback.models import Category


class StatementForm(forms.Form):
    """What a child writes: what it is about, and their own words."""

    category = forms.ChoiceField(
        choices=Category.choices,
        widget=forms.RadioSelect,
        label="What is it about?",
        error_messages={"required": "Choose what your message is about."},
    )
    body = forms.CharField(
        label="What do you want your IRO to know?",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Please write something before you send it."},
    )
    # Sent with the form so a double tap or a resubmitted page stores the message once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.HEARD_STATEMENT_MAX_LENGTH


class OnBehalfStatementForm(StatementForm):
    """What an advocate writes for a child, with the child's agreement recorded."""

    consent_given = forms.BooleanField(
        label="The child agreed to me sending this for them",
        error_messages={"required": "Record that the child agreed to this being sent for them."},
    )
