"""Care records: the child, who their IRO and advocates are, and their statutory reviews."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Gender, Region, normalise_uk_phone


class Sex(models.TextChoices):
    # SSDA903 codes.
    MALE = "1", "Male"
    FEMALE = "2", "Female"


class PlacementType(models.TextChoices):
    # In words staff use; the SSDA903 placement codes are more finely grained.
    FOSTER_COUNCIL = "foster_council", "Foster care with the council's own carers"
    FOSTER_AGENCY = "foster_agency", "Foster care through an agency"
    KINSHIP = "kinship", "Family or friends (kinship) care"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SECURE = "secure", "Secure children's home"
    RESIDENTIAL_SCHOOL = "residential_school", "Residential school"
    SUPPORTED = "supported", "Supported accommodation (16 and over)"
    WITH_PARENTS = "with_parents", "Placed with parents"
    ADOPTION = "adoption", "Placed for adoption"
    OTHER = "other", "Other"


class Avatar(models.TextChoices):
    """The pictures a child may choose to stand for them (static/heard/avatars/<value>.svg): animals, not faces."""

    FOX = "fox", _("Fox")
    OWL = "owl", _("Owl")
    CAT = "cat", _("Cat")
    BEAR = "bear", _("Bear")
    RABBIT = "rabbit", _("Rabbit")
    WHALE = "whale", _("Whale")
    PENGUIN = "penguin", _("Penguin")
    HEDGEHOG = "hedgehog", _("Hedgehog")
    ROBOT = "robot", _("Robot")
    DRAGON = "dragon", _("Dragon")


class Child(models.Model):
    """A looked-after child, known to Heard by the council's case reference, not by name."""

    case_reference = models.CharField(max_length=20, unique=True)
    # The name the child likes to be called, shown only to the child and the staff allowed to
    # see them; never put in a link, an SMS or an export.
    known_as = models.CharField(max_length=60, blank=True, default="")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_record",
    )
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    # DfE ethnicity codes as used in SSDA903 (e.g. WBRI, MWBC, AIND, BAFR, OOTH, REFU, NOBT).
    ethnicity = models.CharField(max_length=4)
    first_language = models.CharField(max_length=40, default="English")
    # The language Heard speaks to the child in (pages, texts, emails); blank follows their phone or browser.
    preferred_language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text="Pages, texts and emails to the child are in this language; blank follows their phone or browser.",
    )
    # The picture the child chose to stand for them on their own pages; blank until they choose.
    avatar = models.CharField(max_length=16, choices=Avatar.choices, blank=True, default="")
    communication_needs = models.TextField(blank=True, default="")
    uses_symbols = models.BooleanField(default=False, help_text="Give this child symbol-based forms.")
    placed_out_of_area = models.BooleanField(default=False)
    placement_region = models.CharField(max_length=2, choices=Region.choices, blank=True, default="")
    # Where the child lives now and how to reach that home, for whoever must act on a safeguarding
    # alert (at night too); shown only to staff who may see the child.
    placement_type = models.CharField(max_length=20, choices=PlacementType.choices, blank=True, default="")
    placement_address = models.TextField(blank=True, default="")
    placement_phone = models.CharField(
        max_length=20, blank=True, default="", help_text="The home's own number (a children's home's office)."
    )
    social_worker = models.ForeignKey(
        "consultations.ChildContact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The child's allocated social worker: one of their professional contacts.",
    )
    preferred_iro_gender = models.CharField(
        max_length=8, choices=Gender.choices, blank=True, default="", help_text="A preference the child recorded."
    )
    became_looked_after = models.DateField()
    # The last day an IRO may be allocated (5 working days on), kept so reports can count in SQL.
    iro_allocation_due = models.DateField(null=True, blank=True)
    left_care = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(left_care__isnull=True) | Q(left_care__gte=models.F("became_looked_after")),
                name="reviews_child_left_after_arrived",
            ),
            models.CheckConstraint(
                condition=Q(became_looked_after__gte=models.F("date_of_birth")),
                name="reviews_child_looked_after_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.case_reference

    def clean(self) -> None:
        super().clean()
        if self.social_worker is not None and self.social_worker.child_id != self.pk:
            raise ValidationError({"social_worker": "Choose one of this child's own contacts."})
        if self.placement_phone:
            self.placement_phone = normalise_uk_phone(self.placement_phone)

    def age_on(self, day: date) -> int:
        """Return the child's age in whole years on the given day."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_looked_after(self) -> bool:
        return self.left_care is None


class IROAllocation(models.Model):
    """One period in which an IRO is allocated to a child; at most one is current."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="iro_allocations")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_allocations")
    allocated_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One current IRO per child, enforced by the database.
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="reviews_one_current_iro_per_child"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("allocated_on")),
                name="reviews_iroallocation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["iro", "ended_on"], name="reviews_alloc_iro_current")]

    def __str__(self) -> str:
        return f"{self.child} → {self.iro} from {self.allocated_on}"


class AdvocateAssignment(models.Model):
    """An advocate assigned to help a child be heard."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="advocate_assignments")
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advocate_assignments"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "advocate"],
                condition=Q(ended_on__isnull=True),
                name="reviews_one_current_assignment_per_advocate_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.advocate} for {self.child}"


class WorkerKind(models.TextChoices):
    """The allocated workers besides the IRO; each is also the role of the worker's account."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"


class WorkerAllocation(models.Model):
    """One period in which a social worker or personal adviser is allocated to a child; one of each is current.

    As with IROs, a worker sees the child's messages sent to them only while allocated: access ends
    with the allocation, and history is kept.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="worker_allocations")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worker_allocations")
    kind = models.CharField(max_length=16, choices=WorkerKind.choices)
    allocated_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind"], condition=Q(ended_on__isnull=True), name="reviews_one_current_worker_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("allocated_on")),
                name="reviews_workerallocation_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(kind__in=WorkerKind.values), name="reviews_workerallocation_kind_valid"),
        ]
        indexes = [models.Index(fields=["worker", "ended_on"], name="reviews_walloc_worker_current")]

    def __str__(self) -> str:
        return f"{self.child} → {self.worker} ({self.get_kind_display()}) from {self.allocated_on}"


class AdvocacyRequestOutcome(models.TextChoices):
    ASSIGNED = "assigned", "An advocate was assigned"
    NOT_WANTED = "not_wanted", "The child decided they did not want one"


class AdvocacyRequest(models.Model):
    """A child asks for an advocate (Children Act 1989 s.26A: the council must provide one)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="advocacy_requests")
    # The child's account; none when a child without one said yes in their consultation form.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, default="", help_text="What the child wants help with, if they said.")
    channel = models.CharField(max_length=8, default="web")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=AdvocacyRequestOutcome.choices, blank=True, default="")

    class Meta:
        constraints = [
            # One open request per child: asking again while waiting is the same request.
            models.UniqueConstraint(
                fields=["child"], condition=Q(resolved_at__isnull=True), name="reviews_one_open_advocacy_request"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, outcome="") | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="reviews_advocacy_request_outcome_iff_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"Advocacy request for {self.child}"


class Review(models.Model):
    """A statutory looked-after review: when it is due, and when it was held."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="reviews")
    # 1 for the first review after becoming looked after, 2 for the second, and so on.
    sequence = models.PositiveIntegerField()
    due_by = models.DateField(help_text="The last day the statute allows.")
    scheduled_for = models.DateField(null=True, blank=True, help_text="The day the meeting is booked for.")
    held_on = models.DateField(null=True, blank=True)
    late_reason = models.TextField(blank=True, default="")
    # How the child took part, recorded with the held review (see reviews/participation.py).
    child_attended = models.BooleanField(null=True, blank=True)
    views_conveyed = models.CharField(max_length=20, blank=True, default="")
    met_child_alone_before = models.BooleanField(null=True, blank=True)
    participation_code = models.CharField(max_length=3, blank=True, default="")
    # The IRO who chaired it (the child's IRO, or the cover, on the day it was recorded).
    chaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_code = models.CharField(max_length=3, blank=True, default="", help_text="What Heard proposed.")
    # "What happened at your review", written by the IRO for the child.
    child_summary = models.TextField(blank=True, default="")
    summary_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["child", "sequence"], name="reviews_review_sequence_unique"),
            # A held review always has a participation code, and only a held review has one
            # (DfE rule 167).
            models.CheckConstraint(
                condition=Q(held_on__isnull=True, participation_code="")
                | (Q(held_on__isnull=False) & ~Q(participation_code="")),
                name="reviews_review_code_when_held",
            ),
            # Only one review per child is waiting to be held at a time.
            models.UniqueConstraint(
                fields=["child"], condition=Q(held_on__isnull=True), name="reviews_one_upcoming_review_per_child"
            ),
        ]
        indexes = [models.Index(fields=["held_on", "due_by"], name="reviews_review_upcoming")]

    def __str__(self) -> str:
        return f"Review {self.sequence} for {self.child}"

    @property
    def date(self) -> date:
        """The day the review was, or will be, held: held, else booked, else due."""
        return self.held_on or self.scheduled_for or self.due_by

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def on_time(self) -> bool | None:
        """True when held by its due date, False when held late, None while not yet held."""
        if self.held_on is None:
            return None
        return self.held_on <= self.due_by


class IROAbsence(models.Model):
    """An IRO away for some days, and who covers their children meanwhile."""

    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField()
    cover_iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covering")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="reviews_absence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(cover_iro=models.F("iro")), name="reviews_absence_cover_is_someone_else"
            ),
        ]
        indexes = [models.Index(fields=["iro", "starts_on", "ends_on"], name="reviews_absence_when")]

    def __str__(self) -> str:
        return f"{self.iro} away {self.starts_on} to {self.ends_on}, cover {self.cover_iro}"


class PracticeAlertCategory(models.TextChoices):
    DRIFT = "drift", "Drift or delay in care planning"
    VISITS = "visits", "Statutory visits not done"
    RECORDING = "recording", "Recording"
    EDUCATION = "education", "Education plan"
    HEALTH = "health", "Health"
    PLACEMENT_MOVE = "placement_move", "Placement move without consulting the IRO"
    OTHER = "other", "Other"


class PracticeAlertStage(models.TextChoices):
    # The LA's dispute resolution process: informal first, then formal stages, then resolved.
    INFORMAL = "informal", "Informal resolution"
    FORMAL_1 = "formal_1", "Formal stage 1 (team manager)"
    FORMAL_2 = "formal_2", "Formal stage 2 (service manager)"
    FORMAL_3 = "formal_3", "Formal stage 3 (director)"
    RESOLVED = "resolved", "Resolved"


PRACTICE_ALERT_STAGE_ORDER: list[str] = [
    PracticeAlertStage.INFORMAL,
    PracticeAlertStage.FORMAL_1,
    PracticeAlertStage.FORMAL_2,
    PracticeAlertStage.FORMAL_3,
    PracticeAlertStage.RESOLVED,
]


class PracticeAlert(models.Model):
    """An IRO's challenge to the council about a child's care plan (dispute resolution)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="practice_alerts")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    category = models.CharField(max_length=16, choices=PracticeAlertCategory.choices)
    description = models.TextField()
    # The child's words that prompted it, when it came from a statement.
    statement = models.ForeignKey(
        "feedback.Statement", null=True, blank=True, on_delete=models.SET_NULL, related_name="practice_alerts"
    )
    stage = models.CharField(max_length=10, choices=PracticeAlertStage.choices, default=PracticeAlertStage.INFORMAL)
    outcome = models.TextField(blank=True, default="")
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="resolved") | (Q(resolved_on__isnull=False) & ~Q(outcome="")),
                name="reviews_practice_alert_resolved_with_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"Practice alert {self.pk} ({self.get_category_display()})"


class PracticeAlertStep(models.Model):
    """A move of a practice alert from one stage to the next, with who and why."""

    alert = models.ForeignKey(PracticeAlert, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=10, choices=PracticeAlertStage.choices)
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.alert} → {self.get_stage_display()}"


class ReviewParent(models.Model):
    """Whether one parent was consulted before a review, and took part in it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="parents")
    contact = models.ForeignKey("consultations.ChildContact", on_delete=models.PROTECT, related_name="+")
    consulted = models.BooleanField()
    took_part = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "contact"], name="reviews_review_parent_once")]

    def __str__(self) -> str:
        return f"{self.contact} at {self.review}"


class IroActivityKind(models.TextChoices):
    """What an IRO did for a child between reviews, as an annual report counts it."""

    VISIT = "visit", "Visited the child between reviews"
    SEEN_BEFORE_REVIEW = "seen_before_review", "Saw the child before their review"
    MIDWAY_REVIEW = "midway_review", "Midway review of the care plan"
    CARE_PLAN_UPDATED = "care_plan_updated", "Care plan updated after the review"
    REPORT_SHARED = "report_shared", "Consultation or report shared with the child or family in advance"


# Where "seen alone" means something: the IRO was with the child.
SEEING_KINDS = frozenset({IroActivityKind.VISIT, IroActivityKind.SEEN_BEFORE_REVIEW})
# Each of these is about one review, so it names it.
REVIEW_KINDS = frozenset(
    {IroActivityKind.SEEN_BEFORE_REVIEW, IroActivityKind.CARE_PLAN_UPDATED, IroActivityKind.REPORT_SHARED}
)
ACTIVITY_NOTE_MAX_LENGTH = 1000


class IroActivity(models.Model):
    """Something the child's IRO did between reviews: a visit, seeing the child first, a midway review, and so on.

    The Care Planning, Placement and Case Review (England) Regulations 2010 and the IRO Handbook
    (DCSF, 2010) expect the IRO to speak with the child in private before each review and to monitor
    the child's care plan between reviews; the annual report counts what was done.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="iro_activities")
    # The review it is about; for a visit or a midway review, the next review after it.
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="iro_activities")
    kind = models.CharField(max_length=20, choices=IroActivityKind.choices)
    on = models.DateField()
    seen_alone = models.BooleanField(default=False, help_text="Only for a visit or seeing the child before a review.")
    # The IRO's own words, never the child's.
    note = models.CharField(max_length=ACTIVITY_NOTE_MAX_LENGTH, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = "IRO activity"
        verbose_name_plural = "IRO activities"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=IroActivityKind.values), name="reviews_iroactivity_kind_valid"),
            models.CheckConstraint(
                condition=Q(seen_alone=False) | Q(kind__in=sorted(SEEING_KINDS)),
                name="reviews_iroactivity_seen_alone_only_when_seeing",
            ),
            models.CheckConstraint(
                condition=Q(review__isnull=False) | ~Q(kind__in=sorted(REVIEW_KINDS)),
                name="reviews_iroactivity_review_when_about_one",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "on"], name="reviews_iroactivity_child_on"),
            models.Index(fields=["kind", "on"], name="reviews_iroactivity_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child} on {self.on}"
