"""Reading complaints, scoped to the user: the child's own, an IRO's caseload's (read-only), all for managers."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from complaints.clock import working_days_overdue
from complaints.models import Complaint
from reviews.selectors import children_visible_to


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Return the complaints this user may see; none for advocates, the CiCC, the duty team or administrators."""
    complaints = Complaint.objects.select_related("child")
    if not user.is_authenticated or not user.is_active:
        return complaints.none()
    if user.role == Role.MANAGER:
        return complaints
    if user.role == Role.CHILD:
        return complaints.filter(child__user=user)
    if user.role == Role.IRO:
        # The children on their caseload now (or covered while their IRO is away): read-only.
        return complaints.filter(child__in=children_visible_to(user))
    return complaints.none()


def complaint_get_for_user(user: User, complaint_id: int | str) -> Complaint:
    """Return the complaint if this user may see it; 404 whether missing or not theirs."""
    try:
        return complaints_visible_to(user).get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such complaint.") from exc


def complaint_made_with_key(user: User, key: str) -> Complaint | None:
    """The complaint this user made with this Idempotency-Key, if any."""
    return Complaint.objects.filter(made_by=user, idempotency_key=key).first() if key else None


def overdue_q(today: date) -> Q:
    """Open complaints with something the council owes past its day (acknowledgement, answer, panel)."""
    stage1_late = Q(stage1_extended_due__isnull=True, stage1_due__lt=today) | Q(stage1_extended_due__lt=today)
    stage2_late = Q(stage2_extended_due__isnull=True, stage2_due__lt=today) | Q(stage2_extended_due__lt=today)
    return Q(closed_at__isnull=True) & (
        Q(acknowledged_on__isnull=True, acknowledgement_due__lt=today)
        | (Q(stage2_requested_on__isnull=True, stage1_responded_on__isnull=True) & stage1_late)
        | (Q(stage2_requested_on__isnull=False, stage3_requested_on__isnull=True, stage2_responded_on__isnull=True)
           & stage2_late)
        | Q(stage3_requested_on__isnull=False, stage3_panel_held_on__isnull=True, stage3_panel_due__lt=today)
        | Q(stage3_panel_held_on__isnull=False, stage3_responded_on__isnull=True, stage3_response_due__lt=today)
    )  # fmt: skip


@dataclass(frozen=True)
class Due:
    """Something the council owes on a complaint, the day it is due, and how late it is today."""

    what: str
    day: date
    overdue_by: int  # working days past the day; 0 while not late


def waiting_on(complaint: Complaint, today: date) -> list[Due]:
    """What is still owed on an open complaint, each with its statutory day (nothing once it is closed)."""
    if not complaint.is_open:
        return []
    owed: list[tuple[str, date | None]] = []
    if complaint.acknowledged_on is None:
        owed.append(("acknowledgement", complaint.acknowledgement_due))
    if complaint.stage == 1 and complaint.stage1_responded_on is None:
        owed.append(("stage 1 answer", complaint.stage1_answer_due))
    if complaint.stage == 2 and complaint.stage2_responded_on is None:
        owed.append(("stage 2 answer", complaint.stage2_answer_due))
    if complaint.stage == 3 and complaint.stage3_panel_held_on is None:
        owed.append(("review panel", complaint.stage3_panel_due))
    if complaint.stage == 3 and complaint.stage3_panel_held_on is not None and complaint.stage3_responded_on is None:
        owed.append(("panel findings", complaint.stage3_findings_due))
        owed.append(("council's response", complaint.stage3_response_due))
    return [Due(what, day, working_days_overdue(day, today)) for what, day in owed if day is not None]
