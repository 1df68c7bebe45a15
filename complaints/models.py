"""A complaint or representation about a looked-after child's care, and where it is in the three stages."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Long enough for a letter, short enough for one read; the same limit on every channel.
WORDS_MAX_LENGTH = 5000


class Kind(models.TextChoices):
    # Staff words (English); the child is asked in their own words (complaints.forms.CHILD_KINDS).
    # Children Act 1989 s.26(3) covers "representations (including any complaint)": a representation
    # is recorded and answered, but only a complaint goes on to stages 2 and 3 (SI 2006/1738 reg 17-19).
    COMPLAINT = "complaint", "Complaint"
    REPRESENTATION = "representation", "Representation"


class MadeBy(models.TextChoices):
    # s.26(3): the child, a parent, someone with parental responsibility, a foster carer, or another
    # person with sufficient interest (an advocate may make it on the child's behalf, s.26A).
    CHILD = "child", "Child"
    PARENT = "parent", "Parent (or with parental responsibility)"
    CARER = "carer", "Carer (foster or residential)"
    ADVOCATE = "advocate", "Advocate for the child"
    OTHER = "other", "Someone else with an interest"


class ComplaintChannel(models.TextChoices):
    WEB = "web", "Web"
    APP = "app", "App"
    SMS = "sms", "SMS"
    # A parent or carer has no Heard account: a manager records what they said by phone, letter or in person.
    RECORDED = "recorded", "Recorded by staff"


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RESOLVED = "resolved", _("Resolved")


class Complaint(models.Model):
    """One complaint or representation and each stage's dates, all set from complaints.clock."""

    child = models.ForeignKey("reviews.Child", on_delete=models.PROTECT, related_name="complaints")
    # The account that made it: the child, or their advocate; none for a parent or carer a manager recorded.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by_relationship = models.CharField(max_length=10, choices=MadeBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.COMPLAINT)
    # The child's (or their parent's, carer's) own words: staff reads of them are logged like statements'.
    words = models.TextField()
    channel = models.CharField(max_length=8, choices=ComplaintChannel.choices)
    received_on = models.DateField()
    advocate_wanted = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    acknowledgement_due = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)

    stage1_due = models.DateField()
    stage1_extended_due = models.DateField(null=True, blank=True)
    stage1_responded_on = models.DateField(null=True, blank=True)
    stage1_outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True, default="")

    stage2_requested_on = models.DateField(null=True, blank=True)
    stage2_due = models.DateField(null=True, blank=True)
    stage2_extended_due = models.DateField(null=True, blank=True)
    stage2_responded_on = models.DateField(null=True, blank=True)
    stage2_outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True, default="")

    stage3_requested_on = models.DateField(null=True, blank=True)
    stage3_panel_due = models.DateField(null=True, blank=True)
    stage3_panel_held_on = models.DateField(null=True, blank=True)
    stage3_findings_due = models.DateField(null=True, blank=True)
    stage3_response_due = models.DateField(null=True, blank=True)
    stage3_responded_on = models.DateField(null=True, blank=True)
    stage3_outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True, default="")

    # Set when nothing is waiting on the council: an answer given (the complainant may still escalate,
    # which opens it again) or the complaint withdrawn.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on"], name="complaints_received_on")]
        constraints = [
            models.UniqueConstraint(
                fields=["made_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="complaints_one_per_idempotency_key",
            ),
            # Stages 2 and 3 are for complaints only (SI 2006/1738 regs 17-19).
            models.CheckConstraint(
                condition=Q(kind="complaint") | Q(stage2_requested_on__isnull=True),
                name="complaints_representations_stop_at_stage_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} for {self.child}"

    @property
    def stage(self) -> int:
        """The stage it has reached: 1 (local resolution), 2 (investigation) or 3 (review panel)."""
        if self.stage3_requested_on:
            return 3
        if self.stage2_requested_on:
            return 2
        return 1

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def stage1_answer_due(self):
        """The day the stage 1 answer is due: the extended day once extended."""
        return self.stage1_extended_due or self.stage1_due

    @property
    def stage2_answer_due(self):
        return self.stage2_extended_due or self.stage2_due

    @property
    def final_outcome(self) -> str:
        """The outcome of the last stage answered ("" while none)."""
        return self.stage3_outcome or self.stage2_outcome or self.stage1_outcome

    @property
    def last_answered_on(self) -> date | None:
        """The day of the last answer given (None while none has been)."""
        return self.stage3_responded_on or self.stage2_responded_on or self.stage1_responded_on

    @property
    def final_outcome_label(self) -> str:
        return str(Outcome(self.final_outcome).label) if self.final_outcome else ""
