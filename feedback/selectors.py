"""Reads of statements, scoped to the user, and the IRO's inbox."""

from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from accounts.models import Role, User
from feedback.models import SafeguardingAlert, Statement
from reviews.models import Child, Review
from reviews.selectors import children_visible_to
from sms.models import FAILED_STATES, OutboundMessage


def statements_visible_to(user: User) -> QuerySet[Statement]:
    """Return the statements this user may read.

    A child sees their own; an advocate sees what they wrote; an IRO sees the statements of the
    children currently allocated to them (past ones too, and no longer once re-allocated);
    managers see all; a CiCC member sees none.
    """
    statements = Statement.objects.select_related("child", "author", "read_by", "review")
    if not user.is_authenticated or not user.is_active:
        return statements.none()
    if user.role in (Role.MANAGER, Role.ADMIN):
        return statements
    if user.role == Role.IRO:
        return statements.filter(child__in=children_visible_to(user))
    if user.role == Role.ADVOCATE:
        return statements.filter(author=user)
    if user.role == Role.CHILD:
        return statements.filter(child__user=user)
    return statements.none()


def statement_get_for_user(user: User, statement_id: int | str) -> Statement:
    """Return the statement if this user may read it; 404 whether missing or not theirs."""
    try:
        return statements_visible_to(user).get(pk=statement_id)
    except (Statement.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such statement.") from exc


@dataclass
class InboxGroup:
    """One child's upcoming review and the statements waiting for it."""

    child: Child
    review: Review | None
    statements: list[Statement] = field(default_factory=list)
    last_held: Review | None = None

    @property
    def failed_text(self) -> OutboundMessage | None:
        """The latest text to this child that could not be delivered, if any."""
        user = self.child.user
        failed = getattr(user, "failed_texts", []) if user else []
        return failed[0] if failed else None

    @property
    def unread_count(self) -> int:
        return sum(1 for statement in self.statements if not statement.is_read)


def iro_inbox(user: User) -> list[InboxGroup]:
    """Return the user's inbox: a group per child, soonest upcoming review first.

    Each group holds the statements for the child's upcoming review and any still unread from
    before it. A fixed number of queries however large the caseload.
    """
    pending = Statement.objects.filter(Q(review__held_on__isnull=True) | Q(read_at__isnull=True)).select_related(
        "author", "read_by", "review"
    )
    failed_texts = OutboundMessage.objects.filter(status__in=FAILED_STATES).order_by("-created_at")
    # Only each child's latest held review: a child in care for years has dozens.
    latest_held = (
        Review.objects.filter(held_on__isnull=False)
        .annotate(
            newest=Window(RowNumber(), partition_by=[F("child_id")], order_by=[F("held_on").desc(), F("pk").desc()])
        )
        .filter(newest=1)
    )
    children = (
        children_visible_to(user)
        .filter(left_care__isnull=True)
        .select_related("user")
        .prefetch_related(
            Prefetch("user__sms_messages", queryset=failed_texts, to_attr="failed_texts"),
            Prefetch("reviews", queryset=Review.objects.filter(held_on__isnull=True), to_attr="upcoming"),
            Prefetch("reviews", queryset=latest_held, to_attr="held"),
            Prefetch("statements", queryset=pending, to_attr="pending"),
        )
    )
    groups = []
    for child in children:
        if user.role == Role.MANAGER and not child.pending:
            continue  # a manager's inbox lists only the children with messages waiting
        review = child.upcoming[0] if child.upcoming else None
        last_held = child.held[0] if child.held else None
        groups.append(InboxGroup(child=child, review=review, statements=child.pending, last_held=last_held))
    groups.sort(key=lambda group: (group.review.date if group.review else date.max, group.child.case_reference))
    return groups


def alerts_visible_to(user: User) -> QuerySet[SafeguardingAlert]:
    """Return the safeguarding alerts this user may see: managers all, an IRO their children's."""
    alerts = SafeguardingAlert.objects.select_related("child", "assigned_to", "acknowledged_by", "statement")
    if not user.is_authenticated or not user.is_active:
        return alerts.none()
    if user.role in (Role.MANAGER, Role.ADMIN):
        return alerts
    if user.role == Role.IRO:
        return alerts.filter(Q(child__in=children_visible_to(user)) | Q(assigned_to=user))
    return alerts.none()


def open_alerts_for(user: User) -> list[SafeguardingAlert]:
    """Return the open alerts this user may see, the oldest unacknowledged first."""
    return list(alerts_visible_to(user).filter(closed_at__isnull=True).order_by("acknowledged_at", "raised_at"))


def alert_get_for_user(user: User, alert_id: int) -> SafeguardingAlert:
    """Return the alert if this user may see it; 404 whether missing or not theirs."""
    try:
        return alerts_visible_to(user).get(pk=alert_id)
    except (SafeguardingAlert.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such alert.") from exc


@dataclass
class ResponseTimes:
    """How quickly statements and alerts were read and acknowledged, for one IRO or overall."""

    label: str
    statements: int = 0
    to_read: list[float] = field(default_factory=list)
    to_acknowledge: list[float] = field(default_factory=list)
    alerts: int = 0
    alert_to_acknowledge: list[float] = field(default_factory=list)

    @staticmethod
    def _median(hours: list[float]) -> float | None:
        return round(median(hours), 1) if hours else None

    @property
    def median_hours_to_read(self) -> float | None:
        return self._median(self.to_read)

    @property
    def median_hours_to_acknowledge(self) -> float | None:
        return self._median(self.to_acknowledge)

    @property
    def median_hours_alert_to_acknowledge(self) -> float | None:
        return self._median(self.alert_to_acknowledge)

    @property
    def unread(self) -> int:
        return self.statements - len(self.to_read)


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def response_times(*, since: datetime, until: datetime) -> tuple[list[ResponseTimes], ResponseTimes]:
    """Return time from submission to first read and to acknowledgement, per IRO and overall."""
    overall = ResponseTimes(label="All IROs")
    by_iro: dict[int | None, ResponseTimes] = {}
    names = {iro.pk: iro.display_name for iro in User.objects.filter(role=Role.IRO).only("first_name", "username")}
    rows = Statement.objects.filter(created_at__gte=since, created_at__lt=until).values_list(
        "routed_to_id", "created_at", "read_at", "acknowledged_at"
    )
    for iro_id, created, read, acknowledged in rows:
        row = by_iro.setdefault(iro_id, ResponseTimes(label=names.get(iro_id, "No IRO allocated")))
        for times in (row, overall):
            times.statements += 1
            if (hours := _hours(created, read)) is not None:
                times.to_read.append(hours)
            if (hours := _hours(created, acknowledged)) is not None:
                times.to_acknowledge.append(hours)
    alerts = SafeguardingAlert.objects.filter(raised_at__gte=since, raised_at__lt=until).values_list(
        "statement__routed_to_id", "raised_at", "acknowledged_at"
    )
    for iro_id, raised, acknowledged in alerts:
        row = by_iro.setdefault(iro_id, ResponseTimes(label=names.get(iro_id, "No IRO allocated")))
        for times in (row, overall):
            times.alerts += 1
            if (hours := _hours(raised, acknowledged)) is not None:
                times.alert_to_acknowledge.append(hours)
    return sorted(by_iro.values(), key=lambda r: r.label), overall
