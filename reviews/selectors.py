"""Reads of care records, always scoped to what the user may see."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role, User
from reviews import statutory
from reviews.models import Child, IROAllocation, Review


def children_visible_to(user: User) -> QuerySet[Child]:
    """Return the children this user may see: their own record, their caseload, or all for managers."""
    children = Child.objects.all()
    if not user.is_authenticated or not user.is_active:
        return children.none()
    if user.role in (Role.MANAGER, Role.ADMIN):
        return children
    if user.role == Role.IRO:
        # Only the child's current IRO: after re-allocation the old IRO no longer sees them.
        return children.filter(iro_allocations__iro=user, iro_allocations__ended_on__isnull=True)
    if user.role == Role.ADVOCATE:
        return children.filter(
            advocate_assignments__advocate=user, advocate_assignments__ended_on__isnull=True
        ).distinct()
    if user.role == Role.CHILD:
        return children.filter(user=user)
    return children.none()


def child_get_for_user(user: User, child_id: int) -> Child:
    """Return the child if this user may see them; 404 whether missing or not theirs."""
    try:
        return children_visible_to(user).get(pk=child_id)
    except (Child.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such child.") from exc


def current_iro_allocation(child: Child) -> IROAllocation | None:
    """Return the child's current IRO allocation, if any."""
    return IROAllocation.objects.filter(child=child, ended_on__isnull=True).select_related("iro").first()


def upcoming_review(child: Child) -> Review | None:
    """Return the review the child is waiting for, if any."""
    return Review.objects.filter(child=child, held_on__isnull=True).first()


def iro_allocated_on_time(child: Child) -> bool | None:
    """Return whether the first IRO was allocated within 5 working days; None if not yet allocated."""
    first = IROAllocation.objects.filter(child=child).order_by("allocated_on").values_list("allocated_on", flat=True)
    allocated_on = first.first()
    if allocated_on is None:
        return None
    return allocated_on <= statutory.iro_allocation_due(child.became_looked_after)
