"""A child's wishes-and-feelings statement, routed to their IRO and upcoming review."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    # Written for a child: these are the words they choose from.
    NEXT_REVIEW = "next_review", "My next review"
    WORRIED = "worried", "I'm worried about something"
    GOOD_NEWS = "good_news", "Good news"
    WHERE_I_LIVE = "where_i_live", "Where I live"
    FAMILY_TIME = "family_time", "Family time"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    SOMETHING_ELSE = "something_else", "Something else"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    APP = "app", "App"
    SMS = "sms", "SMS"


class Statement(models.Model):
    """What a child wants their IRO to know, in their own words."""

    child = models.ForeignKey("reviews.Child", on_delete=models.PROTECT, related_name="statements")
    category = models.CharField(max_length=20, choices=Category.choices)
    body = models.TextField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Who typed it: the child, or an advocate writing on the child's behalf.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)
    consent_given = models.BooleanField(
        default=False, help_text="For a statement made on the child's behalf: the child agreed to it being sent."
    )
    # Where it was routed when it arrived. Who may read it follows the child's current IRO.
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review = models.ForeignKey(
        "reviews.Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # First read by the child's IRO: what the child sees as "read by your IRO".
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A retried submission (same author, same Idempotency-Key) is stored once.
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="feedback_statement_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(on_behalf=False) | Q(consent_given=True),
                name="feedback_statement_on_behalf_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True, read_by__isnull=True)
                | Q(read_at__isnull=False, read_by__isnull=False),
                name="feedback_statement_read_at_and_by_together",
            ),
        ]
        indexes = [models.Index(fields=["child", "-created_at"], name="feedback_stmt_child_recent")]

    def __str__(self) -> str:
        return f"Statement {self.pk} ({self.get_category_display()})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
