"""Forms for a child's complaint, a complaint recorded for a parent or carer, and each stage's step."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import WORDS_MAX_LENGTH, Kind, MadeBy
from complaints.services import ANSWER_OUTCOMES
from reviews.forms import IsoDateInput
from reviews.models import Child

# Said the way a child would say it; the values are the model's.
CHILD_KINDS = [
    (Kind.COMPLAINT, _("Something is wrong and I want it put right (a complaint)")),
    (Kind.REPRESENTATION, _("I want to tell you something or suggest an idea")),
]


class ChildComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=CHILD_KINDS, initial=Kind.COMPLAINT, widget=forms.RadioSelect
    )
    words = forms.CharField(
        label=_("Tell us what happened"),
        max_length=WORDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what is wrong and what you would like to happen."),
        error_messages={"required": _("Tell us what it is about.")},
    )
    advocate_wanted = forms.BooleanField(
        label=_("I would like an advocate to help me with this"),
        required=False,
        help_text=_("An advocate is on your side and can help you say what you want. It's free."),
    )


class CaseReferenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.case_reference


class RecordComplaintForm(forms.Form):
    """A manager records a complaint a parent, carer or someone else made by phone, letter or in person."""

    child = CaseReferenceChoiceField(
        queryset=Child.objects.filter(left_care__isnull=True).order_by("case_reference"), label="Child (case reference)"
    )
    # The parent or carer first (they have no account); "child" covers one who told a manager in person.
    made_by_relationship = forms.ChoiceField(
        label="Made by",
        choices=[*(c for c in MadeBy.choices if c[0] != MadeBy.CHILD), (MadeBy.CHILD, MadeBy.CHILD.label)],
    )
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.COMPLAINT)
    received_on = forms.DateField(label="Received on", initial=timezone.localdate, widget=IsoDateInput())
    words = forms.CharField(
        label="What they said",
        max_length=WORDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In their words, as near as you can.",
    )


class DayForm(forms.Form):
    on = forms.DateField(label="On", initial=timezone.localdate, widget=IsoDateInput())


class OutcomeForm(DayForm):
    outcome = forms.ChoiceField(choices=[("", "Choose the outcome"), *[(o.value, o.label) for o in ANSWER_OUTCOMES]])
