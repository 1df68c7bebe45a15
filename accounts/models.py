"""The user model: one account per person, with the role that decides what they may see."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import phonenumbers
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.photos import photo_storage, photo_upload_to


def normalise_uk_phone(raw: str) -> str:
    """Return a phone number in E.164 form, reading national numbers as UK ones."""
    try:
        parsed = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Enter a phone number, like 07700 900123.") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError("That does not look like a whole phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class Role(models.TextChoices):
    CHILD = "child", "Child or young person"
    ADVOCATE = "advocate", "Advocate"
    IRO = "iro", "Independent Reviewing Officer"
    MANAGER = "manager", "IRO manager"
    CICC = "cicc", "Children in Care Council member"
    ADMIN = "admin", "Administrator"
    # The council's out-of-hours social work team: sees urgent alerts raised out of hours, while open.
    EDT = "edt", "Emergency duty team"
    # Allocated to children like IROs (reviews.models.WorkerAllocation); they read what a child sends them.
    SOCIAL_WORKER = "social_worker", "Social worker"
    # Leaving-care personal adviser, for young people 16-25 (Children (Leaving Care) Act 2000; CA 1989 s.23D).
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    # The council's case system, fetching what a webhook names through the API with a key: reads only.
    CASE_SYSTEM = "case_system", "Case system integration"


# Roles with an inbox of the messages children send them (managers see every child's).
INBOX_ROLES = frozenset({Role.IRO, Role.MANAGER, Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER})


class IROContract(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    SESSIONAL = "sessional", "Sessional"


class NotifyBy(models.TextChoices):
    SMS = "sms", _("By text message")
    APP = "app", _("In the app only")
    EMAIL = "email", _("By email")


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Another gender"


# English regions (ONS), plus Wales and Scotland, for where an IRO works and where a child lives.
class Region(models.TextChoices):
    NORTH_EAST = "NE", "North East"
    NORTH_WEST = "NW", "North West"
    YORKSHIRE = "YH", "Yorkshire and the Humber"
    EAST_MIDLANDS = "EM", "East Midlands"
    WEST_MIDLANDS = "WM", "West Midlands"
    EAST = "EE", "East of England"
    LONDON = "LN", "London"
    SOUTH_EAST = "SE", "South East"
    SOUTH_WEST = "SW", "South West"
    WALES = "WA", "Wales"
    SCOTLAND = "SC", "Scotland"


ABOUT_ME_MAX_LENGTH = 300


def display_name_of(first_name: str, username: str) -> str:
    """The name a person is shown by: their first name if known, else their username."""
    return first_name or username


class User(AbstractUser):
    """A person who signs in to Heard; the role decides what they may see and do."""

    # Roles that see children's words and so must sign in with a second factor.
    MFA_ROLES = frozenset({Role.IRO, Role.MANAGER, Role.ADMIN, Role.EDT, Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER})

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CHILD)
    phone = models.CharField(max_length=20, blank=True, default="", help_text="E.164, e.g. +447700900123")
    phone_verified = models.BooleanField(default=False)
    iro_contract = models.CharField(
        max_length=16, choices=IROContract.choices, blank=True, default="", help_text="IROs only."
    )
    # Full-time equivalent, for caseloads measured against 50-70 children per full-time IRO.
    fte = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"))
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True, default="")
    languages = models.CharField(
        max_length=200, blank=True, default="", help_text="Languages an IRO works in, comma-separated."
    )
    regions = models.CharField(
        max_length=100, blank=True, default="", help_text="Region codes an IRO travels to, comma-separated."
    )
    # Managers receive escalated safeguarding alerts in this order: 1 is the duty manager.
    escalation_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    # How a child wants to hear that their IRO read or answered them.
    notify_by = models.CharField(max_length=8, choices=NotifyBy.choices, default=NotifyBy.APP)
    # Staff only, written by the person themself for the children they work with (accounts/views.py: my_profile).
    # The photo is re-encoded on upload (accounts/photos.py) and served only to those who may see this person.
    photo = models.ImageField(upload_to=photo_upload_to, storage=photo_storage, blank=True, default="")
    about_me = models.CharField(
        max_length=ABOUT_ME_MAX_LENGTH, blank=True, default="", help_text="A few words for children, by the person."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="accounts_user_phone_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.get_username()

    def clean(self) -> None:
        super().clean()
        if self.phone:
            self.phone = normalise_uk_phone(self.phone)

    @property
    def is_child(self) -> bool:
        return self.role == Role.CHILD

    @property
    def is_advocate(self) -> bool:
        return self.role == Role.ADVOCATE

    @property
    def is_iro(self) -> bool:
        return self.role == Role.IRO

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_edt(self) -> bool:
        return self.role == Role.EDT

    @property
    def is_worker(self) -> bool:
        """A social worker or personal adviser: allocated to children, reading what they are sent."""
        return self.role in (Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER)

    @property
    def is_cicc(self) -> bool:
        return self.role == Role.CICC

    @property
    def needs_mfa(self) -> bool:
        return self.role in self.MFA_ROLES

    @property
    def language_list(self) -> list[str]:
        return [item.strip().lower() for item in self.languages.split(",") if item.strip()]

    @property
    def region_list(self) -> list[str]:
        return [item.strip().upper() for item in self.regions.split(",") if item.strip()]

    @property
    def photo_url(self) -> str:
        """The guarded address of this person's photo ("" for none); a new photo gets a new address."""
        if not self.photo:
            return ""
        version = Path(self.photo.name).stem[:12]
        return f"{reverse('accounts:person_photo', args=[self.pk])}?v={version}"

    @property
    def display_name(self) -> str:
        """The name shown to others: first name if known, else the username."""
        return display_name_of(self.first_name, self.get_username())


class Team(models.Model):
    """A team of IROs, so a manager can read the reports for the children the team's IROs look after."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(
        User, related_name="teams", blank=True, limit_choices_to={"role": Role.IRO}, help_text="The team's IROs."
    )
    manager = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_managed",
        limit_choices_to={"role": Role.MANAGER},
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in user, for views behind login_required."""

    user: User


class AccessLogQuerySet(models.QuerySet):
    """The access log only grows: no bulk change or deletion through the application."""

    def update(self, **kwargs):
        raise PermissionError("The access log cannot be changed.")

    def delete(self):
        raise PermissionError("The access log cannot be deleted from.")

    def append(self, *, user_id: int, action: str, what: str, purpose: str, reason: str, records) -> None:
        """Add one entry per (object id, child id) in `records`, all alike otherwise, in one INSERT statement.

        Rows, not model instances: a read of 300 messages would build 300 objects only to take their
        values apart again. bulk_create would also wrap its insert in a transaction (BEGIN and COMMIT:
        two more round trips on every staff read); one statement is atomic by itself, and inside a
        caller's transaction it is part of that one. On PostgreSQL each column goes as one array
        (UNNEST), so a read of 300 messages is 8 parameters, not 2,400 for the driver to splice in.
        """
        if not records:
            return
        connection = connections[self.db]
        quote = connection.ops.quote_name
        columns = ["at", "user_id", "action", "what", "object_id", "child_id", "purpose", "reason"]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = [[now, user_id, action, what, str(object_id), child, purpose, reason] for object_id, child in records]
        into = f"INSERT INTO {quote(AccessLogEntry._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        # The SQL text holds only our own table and column names, type casts and %s markers; values go as parameters.
        if connection.vendor == "postgresql":
            types = ["timestamptz", "bigint", "text", "text", "text", "bigint", "text", "text"]
            sql = into + "SELECT * FROM UNNEST(" + ", ".join(f"%s::{t}[]" for t in types) + ")"  # noqa: S608
            params: list[Any] = [list(column) for column in zip(*rows, strict=True)]
        else:
            sql = into + "VALUES " + ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
            params = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def expire_before(self, cutoff) -> int:
        """The one way entries leave: the retention job, once they are older than the council's period."""
        connection = connections[self.db]
        on_postgresql = connection.vendor == "postgresql"
        with transaction.atomic(using=self.db):
            # The database refuses deletes from the log except while the retention job says it is
            # deleting (accounts/migrations/0006); it says so for this delete only.
            if on_postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL heard.access_log_retention = 'on'")
            deleted, _ = models.QuerySet.delete(self.filter(at__lt=cutoff))
            if on_postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL heard.access_log_retention = 'off'")
        return deleted


class AccessPurpose(models.TextChoices):
    """Why a member of staff read a child's words or records: the access log's "Why" column."""

    INBOX = "inbox", "Going through their inbox"
    MESSAGES = "messages", "Looking through messages"
    STATEMENT = "statement", "Reading a child's message"
    MARK_READ = "mark_read", "Marking a child's message read"
    REPLY = "reply", "Replying to a child's message"
    ALERT = "alert", "Dealing with a safeguarding alert"
    PACK = "pack", "Preparing for a review (pre-review pack)"
    CONSULTATION = "consultation", "Filling in a consultation form with the child"
    CHILD_RECORD = "child_record", "Looking at the children they work with"
    ADVOCACY_REQUEST = "advocacy_request", "Answering a request for an advocate"
    PRACTICE_ALERT = "practice_alert", "Raising a practice alert"
    QUOTE_CHECK = "quote_check", "Checking a quote for the Children in Care Council"
    EXPORT = "export", "Statutory return to the DfE (SSDA903)"
    SUBJECT_ACCESS = "subject_access", "Answering a subject access request"
    COMPLAINT = "complaint", "Handling a complaint (Children Act 1989 s.26)"
    # Only for entries written before the log kept a purpose; nothing new is logged with it.
    UNRECORDED = "unrecorded", "Not recorded (logged before Heard kept the reason)"


class AccessLogEntry(models.Model):
    """One staff read or export of a child's words or records: who, what, when and why."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    what = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True, default="")
    child = models.ForeignKey("reviews.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=AccessPurpose.choices)
    # A free-text note beside the purpose, if staff ever give one.
    reason = models.CharField(max_length=200, blank=True, default="")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "access log entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=AccessPurpose.values), name="accounts_accesslogentry_purpose_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.what} {self.object_id} ({self.purpose})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("An access log entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("An access log entry cannot be deleted.")
