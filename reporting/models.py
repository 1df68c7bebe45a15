"""Themes from children's words, and what the Children in Care Council sees and publishes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

WITHDRAWN_REASON_MAX = 500


class Theme(models.Model):
    """A topic children raise, counted for the Children in Care Council (never a child)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ThemeSource(models.TextChoices):
    CATEGORY = "category", "The child's chosen category"
    PHRASE = "phrase", "The council's phrase rules"
    IRO = "iro", "Tagged by the IRO"


class StatementTheme(models.Model):
    """A theme a statement carries, and where it came from."""

    statement = models.ForeignKey("feedback.Statement", on_delete=models.CASCADE, related_name="themes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=ThemeSource.choices)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "theme"], name="reporting_statement_theme_once")]

    def __str__(self) -> str:
        return f"{self.theme} ({self.get_source_display()})"


class ResponseTheme(models.Model):
    """A theme a child's consultation answers carry (from which questions they answered)."""

    response = models.ForeignKey("consultations.Response", on_delete=models.CASCADE, related_name="themes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "theme"], name="reporting_response_theme_once")]

    def __str__(self) -> str:
        return str(self.theme)


class Quote(models.Model):
    """A child's words for the CiCC: only with their consent, redacted, and approved by an officer."""

    statement = models.OneToOneField("feedback.Statement", on_delete=models.CASCADE, related_name="quote")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(help_text="The redacted words: no names, numbers, emails, postcodes or schools.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(approved_by__isnull=False), name="reporting_quote_approved_by"
            )
        ]

    def __str__(self) -> str:
        return f"Quote on {self.theme}"


INDICATOR_MAX = 40


class YouSaidWeDid(models.Model):
    """What the council did about a theme or a wellbeing indicator, published by the CiCC for children to read."""

    # One or the other: a theme children raised, or a wellbeing indicator (consultations.wellbeing.INDICATORS).
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    indicator = models.CharField(max_length=INDICATOR_MAX, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    you_said = models.TextField()
    we_did = models.TextField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn, never deleted: children stop seeing it, the CiCC keeps the record and the reason.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=WITHDRAWN_REASON_MAX, blank=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | (Q(withdrawn_by__isnull=False) & ~Q(withdrawn_reason="")),
                name="reporting_you_said_we_did_withdrawn_by_and_why",
            ),
            models.CheckConstraint(
                condition=(Q(theme__isnull=False) & Q(indicator="")) | (Q(theme__isnull=True) & ~Q(indicator="")),
                name="reporting_you_said_we_did_theme_or_indicator",
            ),
        ]

    def __str__(self) -> str:
        return f"You said, we did: {self.about}"

    @property
    def about(self) -> str:
        """What it is about, in children's words: the theme's name or the indicator's plain name."""
        return self.theme.name if self.theme else indicator_name(self.indicator)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class YouSaidWeDidVersion(models.Model):
    """The words (and theme) an item had before one edit: who changed it and when."""

    item = models.ForeignKey(YouSaidWeDid, on_delete=models.CASCADE, related_name="versions")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=INDICATOR_MAX, blank=True)
    you_said = models.TextField()
    we_did = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"Earlier words of {self.item}"

    @property
    def about(self) -> str:
        return self.theme.name if self.theme else indicator_name(self.indicator)


def indicator_name(slug: str) -> str:
    """A wellbeing indicator's plain name, as children read it, in the language of the page."""
    return str(INDICATOR_NAMES.get(slug, slug))


# What each wellbeing indicator is about, in words a child reads on "You said, we did".
INDICATOR_NAMES = {
    "trusted_adult": _("Having an adult you trust"),
    "family_time": _("Seeing your family and friends"),
    "know_why_in_care": _("Knowing why you are in care"),
    "listened_to": _("Being listened to"),
    "good_friend": _("Having a good friend"),
    "school": _("School and college"),
    "enjoys_activities": _("Doing things you enjoy"),
    "settled": _("Where you live"),
    "happy": _("Feeling happy"),
    "not_worried": _("Worries"),
    "life_better": _("Life getting better"),
    "ons_life_satisfaction": _("How happy you are with your life"),
    "ons_worthwhile": _("Feeling the things you do are worthwhile"),
    "ons_happy": _("Feeling happy"),
    "ons_anxious": _("Feeling anxious"),
}


class WellbeingBenchmark(models.Model):
    """Another council's (or an aggregate's) wellbeing indicators for a period, from a benchmark file."""

    source_name = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    format_version = models.PositiveSmallIntegerField()
    # Per indicator: base, positive, percent, mean and ONS bands; never a child (docs/wellbeing-benchmark.md).
    indicators = models.JSONField()
    # The file's content, hashed: the same file imported twice is stored once.
    digest = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["source_name", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_name", "period_start", "period_end"], name="reporting_benchmark_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name}, {self.period_start} to {self.period_end}"


NARRATIVE_MAX = 8000


class NarrativeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "Waiting for review"
    APPROVED = "approved", "Approved"


class AnnualNarrative(models.Model):
    """What the service manager writes under one heading of one year's IRO annual report.

    `text` is the words being worked on; `approved_text` is what the published report carries, so a
    new draft after approval changes nothing published until it is approved in its turn.
    """

    year = models.PositiveSmallIntegerField(help_text="The year the reporting year starts in (April).")
    section = models.SlugField(max_length=40)
    status = models.CharField(max_length=12, choices=NarrativeStatus.choices, default=NarrativeStatus.DRAFT)
    text = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_text = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Counts every change, so two editors cannot overwrite.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "section"], name="reporting_narrative_one_per_heading"),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | (Q(approved_by__isnull=False) & ~Q(approved_text="")),
                name="reporting_narrative_approved_by_and_text",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_review") | Q(submitted_by__isnull=False),
                name="reporting_narrative_in_review_submitted_by",
            ),
        ]

    def __str__(self) -> str:
        return f"Annual report {self.year}: {self.section}"


class NarrativeStep(models.TextChoices):
    SAVED = "saved", "Saved as a draft"
    SUBMITTED = "submitted", "Sent for review"
    RETURNED = "returned", "Sent back with comments"
    APPROVED = "approved", "Approved"


class AnnualNarrativeVersion(models.Model):
    """One step in a narrative's life: the words at that moment, who did it, and any comment."""

    narrative = models.ForeignKey(AnnualNarrative, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    step = models.CharField(max_length=12, choices=NarrativeStep.choices)
    text = models.TextField()
    comment = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["narrative", "number"], name="reporting_narrative_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.narrative} v{self.number}"
