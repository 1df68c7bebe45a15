"""Reads of statements, scoped to the user, and the IRO's inbox."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from feedback.models import Statement
from reviews.models import Child, Review
from reviews.selectors import children_visible_to


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


def statement_get_for_user(user: User, statement_id: int) -> Statement:
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

    @property
    def unread_count(self) -> int:
        return sum(1 for statement in self.statements if not statement.is_read)


def iro_inbox(user: User) -> list[InboxGroup]:
    """Return the user's inbox: a group per child, soonest upcoming review first.

    Each group holds the statements for the child's upcoming review and any still unread from
    before it. Three queries however large the caseload.
    """
    pending = Statement.objects.filter(Q(review__held_on__isnull=True) | Q(read_at__isnull=True)).select_related(
        "author", "read_by"
    )
    children = (
        children_visible_to(user)
        .filter(left_care__isnull=True)
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.filter(held_on__isnull=True), to_attr="upcoming"),
            Prefetch("statements", queryset=pending, to_attr="pending"),
        )
    )
    groups = []
    for child in children:
        review = child.upcoming[0] if child.upcoming else None
        groups.append(InboxGroup(child=child, review=review, statements=child.pending))
    groups.sort(key=lambda group: (group.review.date if group.review else date.max, group.child.case_reference))
    return groups
