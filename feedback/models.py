"""A child's wishes-and-feelings statement, routed to their IRO and upcoming review."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    # Written for a child: these are the words they choose from.
    NEXT_REVIEW = "next_review", _("My next review")
    WORRIED = "worried", _("I'm worried about something")
    UNSAFE = "unsafe", _("I don't feel safe")
    GOOD_NEWS = "good_news", _("Good news")
    WHERE_I_LIVE = "where_i_live", _("Where I live")
    FAMILY_TIME = "family_time", _("Family time")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health")
    SOMETHING_ELSE = "something_else", _("Something else")


# Categories in which the child themselves tells us it is urgent.
URGENT_CATEGORIES = frozenset({Category.WORRIED, Category.UNSAFE})


class Feeling(models.IntegerChoices):
    """How a child feels, beside their words: five faces, worst to best, each with its word."""

    # Written for a child, and read aloud to them.
    REALLY_BAD = 1, _("Really bad")
    NOT_GOOD = 2, _("Not good")
    OK = 3, _("OK")
    GOOD = 4, _("Good")
    REALLY_GOOD = 5, _("Really good")


class Channel(models.TextChoices):
    WEB = "web", "Web"
    APP = "app", "App"
    SMS = "sms", "SMS"


class FoundIn(models.TextChoices):
    """Where words that raised a safeguarding alert were written, when it was not a message."""

    # Staff words (English): the message page and the alert say where the words came from.
    MESSAGE = "", "A message"
    COMPLAINT = "complaint", "A complaint"
    CONSULTATION = "consultation", "A consultation form"
    SERVICE_FEEDBACK = "service_feedback", "Feedback after a review"
    ADVOCACY_REQUEST = "advocacy_request", "A request for an advocate"


# What the child reads above their own words found elsewhere, on their messages page.
FOUND_IN_FOR_CHILD = {
    FoundIn.COMPLAINT: _("From your complaint"),
    FoundIn.CONSULTATION: _("From your answers before your review"),
    FoundIn.SERVICE_FEEDBACK: _("From what you told us about your review"),
    FoundIn.ADVOCACY_REQUEST: _("From your request for an advocate"),
}


class Recipient(models.TextChoices):
    """Who a child may choose to read their message; "everyone who works with me" chooses them all."""

    # Written for a child: the words on the "Who should read this?" choice.
    IRO = "iro", _("My IRO")
    SOCIAL_WORKER = "social_worker", _("My social worker")
    PERSONAL_ADVISER = "personal_adviser", _("My personal adviser")
    ADVOCATE = "advocate", _("My advocate")


EVERYONE = "everyone"
READER_WORDS_FOR_STAFF: dict[str, str] = {
    Recipient.IRO: "IRO",
    Recipient.SOCIAL_WORKER: "social worker",
    Recipient.PERSONAL_ADVISER: "personal adviser",
    Recipient.ADVOCATE: "advocate",
}


class AssistedHow(models.TextChoices):
    """How a child gave their views in a session with a worker who wrote them down."""

    SPOKE = "spoke", "Said it; the worker wrote down their words"
    PICTURES = "pictures", "Chose pictures or symbols"
    SIGNED = "signed", "Signed (BSL, Makaton or their own signs)"
    WROTE_OR_DREW = "wrote_or_drew", "Wrote or drew it themselves"
    PLAY = "play", "Through play or activity, as the worker understood it"
    OTHER = "other", "Another way (described in the note)"


class Statement(models.Model):
    """What a child wants their IRO (or whoever they choose) to know, in their own words."""

    child = models.ForeignKey("reviews.Child", on_delete=models.PROTECT, related_name="statements")
    category = models.CharField(max_length=20, choices=Category.choices)
    body = models.TextField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Who typed it: the child, or an advocate writing on the child's behalf. None only for words found
    # elsewhere (found_in) that came by a link, from a child or an adult with no Heard account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Words written somewhere other than a message (a complaint, a form, feedback) that hold a disclosure
    # are kept as a statement too, so the alert they raise follows the one safeguarding path (issue #14).
    found_in = models.CharField(max_length=20, choices=FoundIn.choices, blank=True, default="")
    found_in_pk = models.PositiveBigIntegerField(null=True, blank=True)
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
    # The IRO's acknowledgement, and their latest reply kept here too (each reply is a Reply in the
    # conversation; this copy saves the inbox, the API's lists and the reports a query per message).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, default="")
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The child agreed that their words, with names and details taken out, may be shared with the
    # Children in Care Council (ICO Children's code: high privacy by default, so off unless asked).
    quote_consent = models.BooleanField(default=False)
    is_urgent = models.BooleanField(default=False)
    # How the child said they feel, if they chose a face: optional, never needed to send words.
    feeling = models.PositiveSmallIntegerField(null=True, blank=True, choices=Feeling.choices)
    # When the IRO was told it arrived; and when a worker took the job of telling them. A claim that
    # is not followed by notified_at within a minute (the worker died) may be taken over.
    notified_at = models.DateTimeField(null=True, blank=True)
    notice_claimed_at = models.DateTimeField(null=True, blank=True)
    # Why it was urgent: the child's own choice, and/or the safeguarding phrases it matched.
    urgent_reasons = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # Words the child added to an earlier statement in the same conversation (by text, after saying
    # they were not safe): kept as their own statements and shown with the first one and its alert.
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups")
    # Who the child chose to read it (issue #18): only those chosen, while allocated, and managers may.
    # Whatever the choice, words that raise a safeguarding alert reach the IRO and the social worker.
    for_iro = models.BooleanField(default=True)
    for_social_worker = models.BooleanField(default=False)
    for_personal_adviser = models.BooleanField(default=False)
    for_advocate = models.BooleanField(default=False)
    # A worker sat with the child and recorded the child's own views (for under-8s and children with
    # additional needs): the author is the worker, the words the child's, with how they were given.
    assisted = models.BooleanField(default=False)
    assisted_how = models.CharField(max_length=16, choices=AssistedHow.choices, blank=True, default="")
    assisted_note = models.TextField(
        blank=True, default="", help_text="How the session went and how the child's views were understood."
    )
    # Pictures or symbols the child chose in the session (slugs of consultations.pictures).
    pictures = models.JSONField(default=list, blank=True)

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
            models.CheckConstraint(
                condition=Q(for_iro=True)
                | Q(for_social_worker=True)
                | Q(for_personal_adviser=True)
                | Q(for_advocate=True),
                name="feedback_statement_has_a_recipient",
            ),
            models.CheckConstraint(
                condition=Q(assisted=False, assisted_how="")
                | Q(assisted=True, consent_given=True) & ~Q(assisted_how=""),
                name="feedback_statement_assisted_how_and_consent",
            ),
            models.CheckConstraint(
                condition=Q(feeling__isnull=True)
                | Q(feeling__gte=Feeling.REALLY_BAD, feeling__lte=Feeling.REALLY_GOOD),
                name="feedback_statement_feeling_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "-created_at"], name="feedback_stmt_child_recent"),
            # The figures for a period and the notices' catch-up read by time across all children.
            models.Index(fields=["created_at"], name="feedback_stmt_created"),
        ]

    def __str__(self) -> str:
        return f"Statement {self.pk} ({self.get_category_display()})"

    @property
    def recipients(self) -> list[str]:
        """The recipients the child chose, as Recipient values, in the order they are offered."""
        chosen = {
            Recipient.IRO: self.for_iro,
            Recipient.SOCIAL_WORKER: self.for_social_worker,
            Recipient.PERSONAL_ADVISER: self.for_personal_adviser,
            Recipient.ADVOCATE: self.for_advocate,
        }
        return [str(value) for value, on in chosen.items() if on]

    @property
    def readers_display(self) -> str:
        """Who the child chose, for staff pages: "IRO, social worker"."""
        return ", ".join(READER_WORDS_FOR_STAFF[value] for value in self.recipients)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def found_in_for_child(self) -> str:
        """Where the child wrote these words, in their language; empty for a message."""
        return str(FOUND_IN_FOR_CHILD.get(FoundIn(self.found_in), "")) if self.found_in else ""


class ReplyFrom(models.TextChoices):
    """Which side of the conversation wrote a reply."""

    CHILD = "child", "The child"
    ADVOCATE = "advocate", "The child's advocate, for them"
    # The staff side: the child's IRO, or the social worker or personal adviser the child wrote to.
    IRO = "iro", "The child's IRO, or another worker they wrote to"


class Reply(models.Model):
    """One message in the conversation on a statement, from the child's side or their IRO's; never overwritten."""

    # A statement taken back goes with its conversation, words and all (feedback.services.statement_withdraw).
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender = models.CharField(max_length=8, choices=ReplyFrom.choices)
    body = models.TextField()
    # Not auto_now_add: the replies moved from Statement.reply keep the moment they were sent.
    created_at = models.DateTimeField(default=timezone.now)
    # First read by the other side: the child's IRO for the child's replies, the child for the IRO's.
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A reply from the child's side is matched for safeguarding phrases as a statement is.
    is_urgent = models.BooleanField(default=False)
    urgent_reasons = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "replies"
        constraints = [
            # A retried reply (same author, same Idempotency-Key) is stored once.
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="feedback_reply_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True, read_by__isnull=True)
                | Q(read_at__isnull=False, read_by__isnull=False),
                name="feedback_reply_read_at_and_by_together",
            ),
            models.CheckConstraint(condition=Q(sender__in=ReplyFrom.values), name="feedback_reply_sender_valid"),
        ]
        indexes = [
            # A conversation is read oldest first, a page at a time.
            models.Index(fields=["statement", "created_at", "id"], name="feedback_reply_thread"),
            # The inbox asks, for each message it lists, whether the child's side wrote anything unread.
            models.Index(fields=["statement"], condition=Q(read_at__isnull=True), name="feedback_reply_unread"),
        ]

    def __str__(self) -> str:
        return f"Reply {self.pk} on statement {self.statement_id}"

    @property
    def from_child_side(self) -> bool:
        return self.sender != ReplyFrom.IRO


class PhraseKind(models.TextChoices):
    SELF_HARM = "self_harm", "Self-harm or suicide"
    ABUSE = "abuse", "Abuse or harm by others"
    RUNNING_AWAY = "running_away", "Running away or going missing"
    UNSAFE = "unsafe", "Feeling unsafe"
    OTHER = "other", "Other"


# Shown beside the phrase in the admin; feedback/safeguarding.py is the matcher it describes.
PHRASE_HELP = (
    "Words that make a statement urgent. Capitals, apostrophes, accents and letters repeated for "
    'emphasis do not matter ("dont" is "don\'t", "hiiits" is "hits"), and common text-speak is read as '
    'words ("u", "wanna", "cos", "no1"). A phrase does not count where a negation directly before it '
    'denies it ("nobody hits me", "I\'m not going to run away"); a comma, full stop or joining word '
    '("but", "and", "because") ends a negation\'s reach. Patterns: "hit* me" matches any word '
    'starting "hit" (hits, hitting); "hits/kicks me" matches either word; "[so] scared" makes a word '
    'optional; "touch* ... private*" allows up to three words in between.'
)


class SafeguardingPhrase(models.Model):
    """A phrase that makes a statement urgent; the council maintains the list."""

    phrase = models.CharField(max_length=100, unique=True, help_text=PHRASE_HELP)
    kind = models.CharField(max_length=16, choices=PhraseKind.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "phrase"]

    def __str__(self) -> str:
        return self.phrase


class AlertLevel(models.IntegerChoices):
    IRO = 0, "Child's IRO"
    DUTY_MANAGER = 1, "Duty manager"
    NEXT_MANAGER = 2, "Next manager"


class SafeguardingAlert(models.Model):
    """An urgent statement that someone must act on; it escalates until acknowledged."""

    statement = models.OneToOneField(Statement, on_delete=models.PROTECT, related_name="alert")
    child = models.ForeignKey("reviews.Child", on_delete=models.PROTECT, related_name="alerts")
    level = models.PositiveSmallIntegerField(choices=AlertLevel.choices, default=AlertLevel.IRO)
    # Who must act now; None only when nobody at all could be found (then every manager sees it).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    escalate_at = models.DateTimeField(help_text="When it escalates if still not acknowledged.")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the council's emergency duty team was given it: at once when raised out of hours, or when
    # the working day ended with nobody having taken charge. The team may see and act on it while open.
    passed_to_edt_at = models.DateTimeField(null=True, blank=True)
    # The duty team taking charge out of hours does not stop the working-hours clock: the child's IRO
    # (or the duty manager after them) still takes it up on the next working morning.
    edt_acknowledged_at = models.DateTimeField(null=True, blank=True)
    edt_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            # An alert can never be closed without a recorded action.
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(action_taken=""), name="feedback_alert_closed_with_action"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(acknowledged_at__isnull=False),
                name="feedback_alert_closed_after_acknowledged",
            ),
        ]
        indexes = [models.Index(fields=["acknowledged_at", "escalate_at"], name="feedback_alert_escalation")]

    def __str__(self) -> str:
        return f"Alert {self.pk} for {self.child}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# Control characters other than tab and newline are dropped from what people write: PostgreSQL
# refuses NUL in text, and the others only ever arrive by accident.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The longest note staff may record on an alert's timeline (an action taken, a hand-over).
ALERT_NOTE_MAX_LENGTH = 1000


class AlertEventKind(models.TextChoices):
    RAISED = "raised", "Raised"
    NOTIFIED = "notified", "Notified"
    ESCALATED = "escalated", "Escalated"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REASSIGNED = "reassigned", "Reassigned"
    CLOSED = "closed", "Closed with action"
    ADDED = "added", "The child added to what they said"
    PASSED_TO_EDT = "passed_to_edt", "Passed to the emergency duty team"
    ACTION = "action", "Action recorded"
    HANDED_OVER = "handed_over", "Handed over"


class AlertEvent(models.Model):
    """One step in an alert's life: who did what, to whom, and when."""

    alert = models.ForeignKey(SafeguardingAlert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=AlertEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What happened, in a line; for an action recorded or a hand-over, the note itself.
    detail = models.CharField(max_length=ALERT_NOTE_MAX_LENGTH, blank=True, default="")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def shown_detail(self) -> str:
        """The detail for people to read: a raised or added step's detail is for machines (reason codes, ids)."""
        return "" if self.kind in (AlertEventKind.RAISED, AlertEventKind.ADDED) else self.detail


class Respondent(models.TextChoices):
    CHILD = "child", _("Child or young person")
    CARER = "carer", _("Carer")
    PARENT = "parent", _("Parent")
    PROFESSIONAL = "professional", _("Professional")


class Rating(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("A bit")
    NO = "no", _("No")


class ServiceFeedbackRequest(models.Model):
    """After a review, a request to one person (the child or an adult) to say how it went."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="feedback_requests")
    respondent = models.CharField(max_length=16, choices=Respondent.choices)
    contact = models.ForeignKey(
        "consultations.ChildContact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(contact__isnull=True), name="feedback_one_child_request_per_review"
            ),
            models.UniqueConstraint(
                fields=["review", "contact"],
                condition=Q(contact__isnull=False),
                name="feedback_one_request_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback request ({self.respondent}) for {self.review}"


class ServiceFeedback(models.Model):
    """How one person found a review: listened to, made a difference, what would have been better."""

    request = models.OneToOneField(ServiceFeedbackRequest, on_delete=models.CASCADE, related_name="answer")
    listened = models.CharField(max_length=8, choices=Rating.choices)
    made_difference = models.CharField(max_length=8, choices=Rating.choices)
    better = models.TextField(blank=True, default="")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Feedback on {self.request.review}"
