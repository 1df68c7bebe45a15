"""Which reports a user may see, over which children; response times per IRO; quotes, themes and the access log."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import AccessLogEntry, Role, Team, User
from reporting.models import Quote, Theme, YouSaidWeDid, YouSaidWeDidVersion
from reporting.periods import Period
from reporting.reports import MANAGER_ONLY, REPORTS, report, response_waits
from reporting.tables import Table
from reviews.models import Child
from reviews.selectors import children_of_iros_on, children_visible_to

ACCESS_LOG_SHOWN = 300
YOU_SAID_WE_DID_KEPT_SHOWN = 50


def report_scope(user: User) -> QuerySet[Child] | None:
    """Managers see the whole council (None); an IRO their own caseload; anyone else nothing (404)."""
    if user.role in (Role.MANAGER, Role.ADMIN):
        return None
    if user.role == Role.IRO:
        return children_visible_to(user)
    raise Http404("No such report.")


def report_names_for(user: User) -> list[str]:
    """The reports this user may open."""
    scope = report_scope(user)
    return [name for name in REPORTS if scope is None or name not in MANAGER_ONLY]


def teams_for(user: User) -> QuerySet[Team]:
    """The IRO teams a user may choose for the reports: every team for managers, none for anyone else."""
    return Team.objects.all() if user.role in (Role.MANAGER, Role.ADMIN) else Team.objects.none()


def report_team(user: User, team_id: str | None) -> Team | None:
    """Return the team asked for (None for none); a ValidationError naming `team` for a bad one or an IRO."""
    if not team_id:
        return None
    if report_scope(user) is not None:  # 404 first for those who see no reports
        raise ValidationError({"team": "Only a manager chooses a team: your reports are of your own caseload."})
    team = teams_for(user).filter(pk=int(team_id)).first() if str(team_id).isdigit() else None
    if team is None:
        raise ValidationError({"team": f"There is no team {team_id!r}: choose one from the list."})
    return team


def team_scope(team: Team, period: Period) -> QuerySet[Child]:
    """The children whose IRO on the period's last day was one of the team's."""
    return children_of_iros_on(team.members.all(), period.end)


def report_for_user(user: User, name: str, period: Period, team: Team | None = None) -> Table:
    """Return the named report scoped to the user (and the team, for a manager); 404 for an unknown or
    manager-only one."""
    if name not in report_names_for(user):
        raise Http404("No such report.")
    scope = report_scope(user)
    if team is not None:
        scope = team_scope(team, period)
    return report(name, period, scope)


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


def _hours(waited: timedelta | None) -> float | None:
    return None if waited is None else waited.total_seconds() / 3600


def response_times_by_iro(*, since: datetime, until: datetime) -> tuple[list[ResponseTimes], ResponseTimes]:
    """Return the median hours from a message to its first read and to its acknowledgement, per IRO and overall."""
    overall = ResponseTimes(label="All IROs")
    by_iro: dict[int | None, ResponseTimes] = {}
    names = {iro.pk: iro.display_name for iro in User.objects.filter(role=Role.IRO).only("first_name", "username")}
    statements, alerts = response_waits(since, until)
    for iro_id, to_read, to_acknowledge in statements.values_list("routed_to_id", "to_read", "to_acknowledge"):
        row = by_iro.setdefault(iro_id, ResponseTimes(label=names.get(iro_id, "No IRO allocated")))
        for times in (row, overall):
            times.statements += 1
            if (hours := _hours(to_read)) is not None:
                times.to_read.append(hours)
            if (hours := _hours(to_acknowledge)) is not None:
                times.to_acknowledge.append(hours)
    for iro_id, to_acknowledge in alerts.values_list("statement__routed_to_id", "to_acknowledge"):
        row = by_iro.setdefault(iro_id, ResponseTimes(label=names.get(iro_id, "No IRO allocated")))
        for times in (row, overall):
            times.alerts += 1
            if (hours := _hours(to_acknowledge)) is not None:
                times.alert_to_acknowledge.append(hours)
    return sorted(by_iro.values(), key=lambda r: r.label), overall


def themes() -> QuerySet[Theme]:
    """Return the council's themes, by name."""
    return Theme.objects.all()


def theme_get(theme_id: int) -> Theme | None:
    """Return the theme, or None when there is no such theme."""
    return Theme.objects.filter(pk=theme_id).first()


def quotes_waiting() -> list[Quote]:
    """Return the quotes waiting for a participation officer's check, with their theme and child."""
    return list(Quote.objects.filter(approved_at__isnull=True).select_related("theme", "statement__child"))


def quote_waiting_get(quote_id: int) -> Quote:
    """Return a quote still waiting for its check; 404 when there is none, or it was approved already."""
    try:
        return Quote.objects.get(pk=quote_id, approved_at__isnull=True)
    except Quote.DoesNotExist as exc:
        raise Http404("No such quote.") from exc


def access_log_recent(case_reference: str = "") -> list[AccessLogEntry]:
    """Return the latest reads and exports of children's words and records, newest first; one child's when given."""
    entries = AccessLogEntry.objects.select_related("user", "child")
    if case_reference:
        entries = entries.filter(child__case_reference=case_reference)
    return list(entries[:ACCESS_LOG_SHOWN])


def you_said_we_did_visible_to(user: User) -> QuerySet[YouSaidWeDid]:
    """Return what the CiCC has published and not withdrawn: for children, the CiCC and managers; none for others."""
    if user.role not in (Role.CHILD, Role.CICC, Role.MANAGER):
        return YouSaidWeDid.objects.none()
    return YouSaidWeDid.objects.filter(withdrawn_at__isnull=True).select_related("theme")


def you_said_we_did_kept_by(user: User) -> list[YouSaidWeDid]:
    """Return what the CiCC has published, withdrawn items and earlier words too, newest first: the CiCC only."""
    if user.role != Role.CICC:
        return []
    return list(
        YouSaidWeDid.objects.select_related("theme", "withdrawn_by").prefetch_related(
            Prefetch("versions", queryset=YouSaidWeDidVersion.objects.select_related("theme", "edited_by"))
        )[:YOU_SAID_WE_DID_KEPT_SHOWN]
    )


def you_said_we_did_get_for_member(user: User, item_id: int) -> YouSaidWeDid:
    """Return an item for a CiCC member to change or withdraw; 404 for anyone else, or no such item."""
    if user.role != Role.CICC:
        raise Http404("No such item.")
    try:
        return YouSaidWeDid.objects.select_related("theme", "withdrawn_by").get(pk=item_id)
    except YouSaidWeDid.DoesNotExist as exc:
        raise Http404("No such item.") from exc
