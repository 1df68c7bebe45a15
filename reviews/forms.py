"""Forms for allocation, absences, advocacy requests, review summaries and practice alerts."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from reviews.models import PracticeAlertCategory, PracticeAlertStage
from reviews.participation import ParticipationCode, ViewsConveyed


def _iros():
    return User.objects.filter(role=Role.IRO, is_active=True).order_by("first_name", "username")


class IsoDateInput(forms.DateInput):
    """A browser date picker; `<input type="date">` drops any value that is not an ISO date (2026-12-09)."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class IROChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.get_iro_contract_display() or 'IRO'})"


class AllocateForm(forms.Form):
    iro = IROChoiceField(queryset=_iros(), label="IRO", empty_label="Choose an IRO")
    allocated_on = forms.DateField(label="Allocated on", initial=timezone.localdate, widget=IsoDateInput())


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.get_role_display().lower()})"


class WorkerAllocateForm(forms.Form):
    """A manager allocates a child's social worker or personal adviser (each one at a time, history kept)."""

    worker = WorkerChoiceField(
        queryset=User.objects.filter(role__in=[Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER], is_active=True).order_by(
            "role", "first_name", "username"
        ),
        label="Social worker or personal adviser",
        empty_label="Choose who",
    )
    allocated_on = forms.DateField(label="From", initial=timezone.localdate, widget=IsoDateInput())


class AbsenceForm(forms.Form):
    iro = IROChoiceField(queryset=_iros(), label="IRO who is away", empty_label="Choose an IRO")
    starts_on = forms.DateField(widget=IsoDateInput())
    ends_on = forms.DateField(widget=IsoDateInput())
    cover_iro = IROChoiceField(queryset=_iros(), label="Covering IRO", empty_label="Choose an IRO")


class ReviewSummaryForm(forms.Form):
    child_summary = forms.CharField(
        label="What happened at the review, for the child",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The child reads this. Use words they will understand; say what was decided and what happens next.",
    )


class PracticeAlertForm(forms.Form):
    category = forms.ChoiceField(choices=PracticeAlertCategory.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class PracticeAlertAdvanceForm(forms.Form):
    stage = forms.ChoiceField(choices=[c for c in PracticeAlertStage.choices if c[0] != PracticeAlertStage.INFORMAL])
    on = forms.DateField(initial=timezone.localdate, widget=IsoDateInput())
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Needed to resolve.")


class RecordReviewForm(forms.Form):
    """What the IRO records once the review has been held."""

    held_on = forms.DateField(label="Held on", widget=IsoDateInput())
    late_reason = forms.CharField(label="If it was late, why", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attended = forms.TypedChoiceField(
        label="Did the child attend?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    views = forms.ChoiceField(
        label="How were the child's views given?", choices=ViewsConveyed.choices, widget=forms.RadioSelect
    )
    met_alone = forms.TypedChoiceField(
        label="Did you meet the child on their own before the review?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    code = forms.ChoiceField(
        label="Participation code",
        required=False,
        choices=[("", "Heard's proposal, worked out from your answers"), *ParticipationCode.choices],
        widget=forms.RadioSelect,
        help_text="Heard proposes the code from what you record; PN0 follows the child's age and cannot be changed.",
    )

    def offer_proposal(self, proposal: str) -> None:
        """Put Heard's proposed code first as a one-click choice, chosen unless the IRO chose another.

        Under 4 it is the only choice: PN0 follows the child's age (DfE rules 440/441).
        """
        labels = dict(ParticipationCode.choices)
        first = (proposal, f"Use {proposal}, Heard's proposal: {labels[proposal].split(': ', 1)[-1]}")
        others = [(c, label) for c, label in labels.items() if c not in (proposal, ParticipationCode.PN0)]
        field = cast(forms.ChoiceField, self.fields["code"])
        field.choices = [first] if proposal == ParticipationCode.PN0 else [first, *others]
        if self.is_bound and not self.data.get("code"):
            # Every field here takes one value, so a plain copy of the answers keeps them all.
            self.data = {**{name: self.data.get(name) for name in self.data}, "code": proposal}


class RecordConfirmForm(forms.Form):
    """Recording a review as held is final: the IRO says they have checked it."""

    confirm = forms.BooleanField(
        label="I have checked these answers and the code: record the review as held (this is final)",
        error_messages={"required": "Tick to confirm before recording the review: it cannot be undone."},
    )


class AdvocacyAskForm(forms.Form):
    note = forms.CharField(
        label=_("What would you like help with? (You don't have to say.)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AdvocateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class AdvocateAssignForm(forms.Form):
    advocate = AdvocateChoiceField(
        queryset=User.objects.filter(role=Role.ADVOCATE, is_active=True).order_by("first_name", "username"),
        label="Advocate",
    )
