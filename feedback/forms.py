"""Forms for statements, replies and alerts in the browser."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import NotifyBy
from consultations.pictures import PICTURE_SLUGS
from feedback.crisis import crisis_categories
from feedback.models import ALERT_NOTE_MAX_LENGTH, EVERYONE, AssistedHow, Category, Feeling, Rating, Recipient
from feedback.recipients import Reader
from feedback.services import FEELING_REFUSED, REPLY_MAX_LENGTH, statement_max_length
from reviews.models import Avatar


class CategoryRadios(forms.RadioSelect):
    """The choices of what a message is about; those that show the crisis help at once are marked."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None) -> dict:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in crisis_categories():
            # static/heard/heard.css and app.js show the crisis help when one of these is chosen.
            option["attrs"]["data-crisis"] = "true"
        return option


class FeelingRadios(forms.RadioSelect):
    """The faces: none is chosen until the child chooses one (not even "I'd rather not say")."""

    # Any: Django's choice widgets give a list here, where django-stubs' Widget says a string.
    def format_value(self, value: Any) -> Any:
        return [] if value is None else super().format_value(value)


class StatementForm(forms.Form):
    """What a child writes: what it is about, and their own words."""

    category = forms.ChoiceField(
        choices=Category.choices,
        widget=CategoryRadios,
        label=_("What is it about?"),
        error_messages={"required": _("Choose what your message is about.")},
    )
    body = forms.CharField(
        label=_("What do you want your IRO to know?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Please write something before you send it.")},
    )
    # Optional: a child may send words without saying how they feel. The service checks the value too.
    feeling = forms.TypedChoiceField(
        # The blank choice lets a child who chose a face change their mind (a radio cannot be unticked).
        choices=[("", _("I'd rather not say")), *Feeling.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=FeelingRadios,
        label=_("How do you feel?"),
        help_text=_("You don't have to choose."),
        error_messages={"invalid_choice": FEELING_REFUSED},
    )
    quote_consent = forms.BooleanField(
        required=False,
        label=_("You can share my words with the Children in Care Council, with my name and any details taken out"),
    )
    # Who should read it: offered only when the child has more than their IRO (readers_offered).
    recipients = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Who should read this?"),
        help_text=_("Choose one or more."),
    )
    # Sent with the form so a double tap or a resubmitted page stores the message once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def __init__(self, *args, readers: list[Reader] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = statement_max_length()
        self.readers = readers or []
        if len(self.readers) > 1:
            field = cast(forms.MultipleChoiceField, self.fields["recipients"])
            everyone = (EVERYONE, _("Everyone who works with me"))
            field.choices = [*((reader.value, _reader_label(reader)) for reader in self.readers), everyone]
            self.initial.setdefault("recipients", [Recipient.IRO])
            self.fields["body"].label = _("What do you want them to know?")
        else:
            del self.fields["recipients"]

    @property
    def chosen_recipients(self) -> list[str] | None:
        """The readers chosen (None where the form offered no choice: the message goes to the IRO)."""
        if "recipients" not in self.fields:
            return None
        return list(self.cleaned_data.get("recipients") or [])

    @property
    def crisis_help_after(self) -> str:
        """The choice the crisis help follows on the page: the last of those that show it."""
        return crisis_categories()[-1]


def _reader_label(reader: Reader) -> str:
    """A reader as the child sees the choice: "My social worker: Sam" (the role alone when nobody is allocated yet)."""
    if reader.person is None:
        return reader.label
    return _("%(role)s: %(name)s") % {"role": reader.label, "name": reader.person.display_name}


class StatementWithdrawForm(forms.Form):
    """A child confirms taking a message back: only the confirm button sends this field."""

    confirm = forms.BooleanField()


class OnBehalfStatementForm(StatementForm):
    """What an advocate writes for a child, with the child's agreement recorded."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["feeling"].label = "How does the child say they feel?"
        self.fields["feeling"].help_text = "Optional: only if the child chose one."

    consent_given = forms.BooleanField(
        label="The child agreed to me sending this for them",
        error_messages={"required": "Record that the child agreed to this being sent for them."},
    )


class AssistedSessionForm(StatementForm):
    """What a worker records in a session with a child: the child's own views, how they gave them, their consent."""

    pictures = forms.MultipleChoiceField(
        required=False,
        # The faces are the feeling question's; these are the things a child points to.
        choices=[(slug, slug.replace("_", " ")) for slug in PICTURE_SLUGS],
        widget=forms.CheckboxSelectMultiple,
        label="Pictures or symbols the child chose",
        help_text="Optional: tick each one the child pointed to or chose.",
    )
    assisted_how = forms.ChoiceField(
        choices=AssistedHow.choices,
        widget=forms.RadioSelect,
        label="How did the child give their views?",
        error_messages={"required": "Choose how the child gave their views."},
    )
    assisted_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Your note on the session",
        help_text="Where you were, what helped, and how you understood the child. Not the child's words.",
    )
    consent_given = forms.BooleanField(
        label="The child agreed to their views being sent",
        error_messages={"required": "Record that the child agreed to their views being sent."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["quote_consent"]  # the child's own choice, asked of them in their own words, not here
        body = self.fields["body"]
        body.required = False
        body.label = "The child's words, as they said them"
        body.help_text = "Optional when the child chose pictures or a face. Write their words, not yours."
        self.fields["feeling"].label = "How did the child say they feel?"
        self.fields["feeling"].help_text = "Optional: only if the child chose one."
        self.fields["category"].label = "What is it about?"


class ChildReplyForm(forms.Form):
    """A child's reply in the conversation on one of their messages."""

    body = forms.CharField(
        label=_("Write a reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write something before you send it.")},
    )
    # Sent with the form so a double tap or a resubmitted page stores the reply once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = statement_max_length()


class ReplyForm(forms.Form):
    """The IRO's short reply to a child."""

    reply = forms.CharField(
        label="Reply to the child",
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The child sees this. Keep it short and in words they will understand.",
    )


class AlertCloseForm(forms.Form):
    """What was done about a safeguarding alert; required to close it."""

    action_taken = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record the action taken before closing the alert."},
    )
    # Closing is final (the alert leaves everyone's list), so the web page asks for it in so many words.
    safe_to_close = forms.BooleanField(
        label="I have recorded what was done and the child is safe to close this",
        error_messages={"required": "Tick to confirm the child is safe before closing the alert: it stays open."},
    )


class NotifyPreferenceForm(forms.Form):
    """How a child wants to hear that their IRO read or answered them."""

    notify_by = forms.ChoiceField(
        choices=NotifyBy.choices,
        widget=forms.RadioSelect,
        label="How should we tell you your IRO has read your message?",
    )


def _language_choices() -> list[tuple[str, object]]:
    # Each language in its own name (settings.LANGUAGES), as the footer shows them.
    return [("", _("The language of my phone or browser")), *settings.LANGUAGES]


class LanguageForm(forms.Form):
    """The language a child wants Heard in: pages, texts and emails."""

    preferred_language = forms.ChoiceField(
        choices=_language_choices, required=False, widget=forms.RadioSelect, label=_("Language")
    )


class AvatarForm(forms.Form):
    """The picture a child chooses to stand for them; the service checks the value too."""

    avatar = forms.ChoiceField(
        choices=[("", _("No picture")), *Avatar.choices],
        required=False,
        widget=forms.RadioSelect,
        label=_("My picture"),
        error_messages={"invalid_choice": _("Choose one of the pictures shown.")},
    )


class ServiceFeedbackForm(forms.Form):
    """Three short questions after a review, for children and adults alike."""

    listened = forms.ChoiceField(choices=Rating.choices, widget=forms.RadioSelect, label=_("Did you feel listened to?"))
    made_difference = forms.ChoiceField(
        choices=Rating.choices, widget=forms.RadioSelect, label=_("Did the review make a difference?")
    )
    better = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("What would have made it better?"),
    )


class AlertNoteForm(forms.Form):
    """An action taken on a safeguarding alert, or the emergency duty team's hand-over, for its timeline."""

    note = forms.CharField(
        label="What was done",
        max_length=ALERT_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done."},
    )
