"""Which reports a user may see, over which children."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role, User
from reporting.periods import Period
from reporting.reports import MANAGER_ONLY, REPORTS, report
from reporting.tables import Table
from reviews.models import Child
from reviews.selectors import children_visible_to


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


def report_for_user(user: User, name: str, period: Period) -> Table:
    """Return the named report scoped to the user; 404 for an unknown or manager-only one."""
    if name not in report_names_for(user):
        raise Http404("No such report.")
    return report(name, period, report_scope(user))
