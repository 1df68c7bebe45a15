"""Reads of care records, always scoped to what the user may see."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User, display_name_of
from reviews import statutory
from reviews.models import (
    AdvocacyRequest,
    AdvocateAssignment,
    Child,
    IROAbsence,
    IROAllocation,
    PracticeAlert,
    PracticeAlertStep,
    Review,
    WorkerAllocation,
    WorkerKind,
)

# The roles allocated to children besides IROs: each sees the children allocated to them now.
WORKER_ROLES = frozenset({Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER})


# An IRO's children: those allocated to them now, and those of the IROs they cover today.
# Two indexed lookups joined by UNION: an OR across the joined tables made PostgreSQL read every
# allocation in the country (the benchmark's plan for the inbox). Hand-written because it scopes
# every read an IRO makes, and the same UNION built with the ORM cost more to build and compile
# than to run (2.0 ms to read an IRO's 60 children, 0.9 ms so, measured at national scale); a
# test holds it to the rule written with the ORM. Only our own table names are in the text.
_IRO_CHILDREN = """
    SELECT child_id FROM reviews_iroallocation WHERE ended_on IS NULL AND iro_id = %s
    UNION
    SELECT al.child_id FROM reviews_iroallocation al JOIN reviews_iroabsence ab ON ab.iro_id = al.iro_id
     WHERE al.ended_on IS NULL AND ab.cover_iro_id = %s AND ab.starts_on <= %s AND ab.ends_on >= %s"""


def children_visible_to(user: User) -> QuerySet[Child]:
    """Return the children this user may see: their own record, their caseload, or all for managers."""
    children = Child.objects.all()
    if not user.is_authenticated or not user.is_active:
        return children.none()
    if user.role in (Role.MANAGER, Role.ADMIN, Role.CASE_SYSTEM):
        return children
    if user.role == Role.IRO:
        # Only the child's current IRO, or whoever covers while that IRO is away: after
        # re-allocation the old IRO no longer sees them.
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        return children.filter(pk__in=RawSQL(_IRO_CHILDREN, [user.pk, user.pk, today, today]))  # noqa: S611 (values as parameters)
    if user.role == Role.ADVOCATE:
        return children.filter(
            advocate_assignments__advocate=user, advocate_assignments__ended_on__isnull=True
        ).distinct()
    if user.role in WORKER_ROLES:
        # Only while allocated: access ends with the allocation, as an IRO's does.
        allocated = WorkerAllocation.objects.filter(worker=user, ended_on__isnull=True).values("child_id")
        return children.filter(pk__in=allocated)
    if user.role == Role.CHILD:
        return children.filter(user=user)
    return children.none()


def child_get_for_user(user: User, child_id: int) -> Child:
    """Return the child if this user may see them; 404 whether missing or not theirs."""
    try:
        return children_visible_to(user).get(pk=child_id)
    except (Child.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such child.") from exc


def child_of_user(user: User) -> Child | None:
    """Return the signed-in child's own care record; None for anyone else, or a child's account with none."""
    if not user.is_authenticated or user.role != Role.CHILD:
        return None
    return children_visible_to(user).first()


def language_for(child_or_user: Child | User | None) -> str:
    """Return the language to speak to this child in: their record's choice, else the site's (for texts and emails)."""
    if isinstance(child_or_user, User):
        child_or_user = child_of_user(child_or_user)
    if child_or_user is None or not child_or_user.preferred_language:
        return settings.LANGUAGE_CODE
    return child_or_user.preferred_language


def chosen_language_for_email(email: str) -> str:
    """Return the language on the record of the child with this email address ("" for none, or not a child's).

    One query whoever the address belongs to, so a sign-in email takes as long for a child as for anyone.
    """
    # Matched as the unique index on lower(email) matches, so the index finds it.
    children = Child.objects.alias(email=Lower("user__email")).filter(user__role=Role.CHILD, user__is_active=True)
    chosen = children.filter(email=email.lower())
    return chosen.values_list("preferred_language", flat=True).first() or ""


# Where a signed-in child's chosen language is kept in their session ("" for none), so a page or an
# API call need not read the care record to know it; it is set at sign-in and when the child changes it.
LANGUAGE_SESSION_KEY = "heard_child_language"


def child_language_in_session(user: User, session: SessionBase) -> str:
    """Return the signed-in child's chosen language ("" for none or not a child), reading the record once a session."""
    if not user.is_authenticated or user.role != Role.CHILD:
        return ""
    language = session.get(LANGUAGE_SESSION_KEY)
    if language is None:
        # A session from before the child's sign-in was noted (or older than this code): read it once.
        child = child_of_user(user)
        language = child.preferred_language if child else ""
        session[LANGUAGE_SESSION_KEY] = language
    return language


# The same for the picture the child chose (reviews.models.Avatar), shown in the header of every page of theirs.
AVATAR_SESSION_KEY = "heard_child_avatar"


def child_avatar_in_session(user: User, session: SessionBase) -> str:
    """Return the signed-in child's chosen picture ("" for none or not a child), reading the record once a session."""
    if not user.is_authenticated or user.role != Role.CHILD:
        return ""
    avatar = session.get(AVATAR_SESSION_KEY)
    if avatar is None:
        child = child_of_user(user)
        avatar = child.avatar if child else ""
        session[AVATAR_SESSION_KEY] = avatar
    return avatar


def workers_of_child(child: Child) -> list[User]:
    """Return the people a child may know by name, photo and "about me".

    Their IROs (own and cover), social worker, personal adviser and advocates.
    """
    people = [*advocates_assigned_to(child), *current_workers(child).values()]
    allocation = current_iro_allocation(child)
    if allocation is not None:
        people.append(allocation.iro)
        cover = covering_iro(allocation.iro, timezone.localdate())
        if cover is not None:
            people.append(cover)
    return people


# Roles that work with children and may see one another's photos; a CiCC member sees themes only.
STAFF_ROLES = frozenset({Role.IRO, Role.MANAGER, Role.ADVOCATE, Role.EDT, Role.ADMIN, *WORKER_ROLES})


def person_get_for_user(user: User, person_id: int) -> User:
    """Return a member of staff whose photo and "about me" this user may see; 404 whether missing or not theirs.

    Staff see staff; a child sees only the people working with them now; nobody sees a child this way.
    """
    person = User.objects.filter(pk=person_id, role__in=STAFF_ROLES, is_active=True).first()
    if person is None or not user.is_authenticated:
        raise Http404("No such person.")
    if user.role in STAFF_ROLES or user.pk == person.pk:
        return person
    child = child_of_user(user)
    if child is not None and any(worker.pk == person.pk for worker in workers_of_child(child)):
        return person
    raise Http404("No such person.")


def children_worked_with(user: User) -> QuerySet[Child]:
    """Return an advocate's assigned children, an IRO's caseload or, for managers, all; each with `upcoming` reviews.

    Nobody else works with children: a child, a CiCC member or an administrator gets none.
    """
    if user.role not in (Role.ADVOCATE, Role.IRO, Role.MANAGER, *WORKER_ROLES):
        return Child.objects.none()
    upcoming = Review.objects.filter(held_on__isnull=True).order_by("due_by")
    return children_visible_to(user).prefetch_related(Prefetch("reviews", queryset=upcoming, to_attr="upcoming"))


def advocates_assigned_to(child: Child) -> list[User]:
    """Return the advocates assigned to the child now."""
    assignments = AdvocateAssignment.objects.filter(child=child, ended_on__isnull=True).select_related("advocate")
    return [assignment.advocate for assignment in assignments]


def current_workers(child: Child) -> dict[str, User]:
    """Return the child's social worker and personal adviser allocated now, by WorkerKind (those there are)."""
    allocations = WorkerAllocation.objects.filter(child=child, ended_on__isnull=True, worker__is_active=True)
    return {allocation.kind: allocation.worker for allocation in allocations.select_related("worker")}


def current_worker(child: Child, kind: WorkerKind) -> User | None:
    """Return the child's current social worker or personal adviser, if any."""
    return current_workers(child).get(kind)


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


def iro_absences_upcoming() -> QuerySet[IROAbsence]:
    """Return the IRO absences not over yet (under way or to come), with the IRO and who covers."""
    return IROAbsence.objects.filter(ends_on__gte=timezone.localdate()).select_related("iro", "cover_iro")


def covering_iro(iro: User, on: date) -> User | None:
    """Return who covers this IRO's children on the given day, if the IRO is away."""
    absence = IROAbsence.objects.filter(iro=iro, starts_on__lte=on, ends_on__gte=on).select_related("cover_iro").first()
    return absence.cover_iro if absence else None


def responsible_iro(child: Child, on: date | None = None) -> User | None:
    """Return the IRO who should receive the child's words today: their own, or the cover."""
    allocation = current_iro_allocation(child)
    if allocation is None:
        return None
    return covering_iro(allocation.iro, on or timezone.localdate()) or allocation.iro


def routing_for(child: Child, on: date | None = None) -> tuple[int | None, Review | None]:
    """Where a child's words go, in one query: the id of the IRO responsible today (as responsible_iro)
    and the review the child is waiting for (as upcoming_review).

    Hand-written SQL because it runs on every message a child sends and building it with the ORM
    (two subqueries in a Coalesce) cost more than the rest of routing; the rule is
    responsible_iro_expression's, and a test holds the two to the same answers.
    """
    on = on or timezone.localdate()
    columns = ", ".join(f"r.{connection.ops.quote_name(field.column)}" for field in Review._meta.concrete_fields)
    # One row always, with the review's columns empty when the child is waiting for none. Only our
    # own table and column names go into the text; values go as parameters.
    sql = f"""
        SELECT {columns},
          COALESCE(
            (SELECT ab.cover_iro_id FROM reviews_iroabsence ab
               JOIN reviews_iroallocation al ON al.iro_id = ab.iro_id
              WHERE al.child_id = c.child_id AND al.ended_on IS NULL AND ab.starts_on <= %s AND ab.ends_on >= %s
              ORDER BY ab.starts_on LIMIT 1),
            (SELECT al.iro_id FROM reviews_iroallocation al
              WHERE al.child_id = c.child_id AND al.ended_on IS NULL LIMIT 1)
          ) AS responsible_iro_id
        FROM (SELECT %s AS child_id) c
        LEFT JOIN reviews_review r ON r.id = (
          SELECT id FROM reviews_review WHERE child_id = c.child_id AND held_on IS NULL ORDER BY sequence LIMIT 1
        )"""  # noqa: S608
    when = connection.ops.adapt_datefield_value(on)
    [row] = Review.objects.raw(sql, [when, when, child.pk])
    iro_id: int | None = row.__dict__["responsible_iro_id"]  # the query's own column
    if row.pk is None:
        return iro_id, None
    Review.child.field.set_cached_value(row, child)
    return iro_id, row


def children_of_iros_on(iros: QuerySet[User], on: date) -> QuerySet[Child]:
    """Return the children whose IRO allocation on the day was to one of these IROs."""
    allocated = IROAllocation.objects.filter(iro__in=iros, allocated_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )
    return Child.objects.filter(pk__in=allocated.values("child_id"))


def current_iro_expression(child: str = "child") -> Subquery:
    """The id of the IRO currently allocated to the row's child, as a query expression."""
    allocated = IROAllocation.objects.filter(child=OuterRef(child), ended_on__isnull=True)
    return Subquery(allocated.values("iro")[:1])


def responsible_iro_expression(child: str = "child", on: date | None = None) -> Coalesce:
    """The id of the row's child's responsible IRO (as responsible_iro: the cover while their IRO is away)."""
    on = on or timezone.localdate()
    cover = IROAbsence.objects.filter(
        iro__iro_allocations__child=OuterRef(child),
        iro__iro_allocations__ended_on__isnull=True,
        starts_on__lte=on,
        ends_on__gte=on,
    )
    return Coalesce(Subquery(cover.values("cover_iro")[:1]), current_iro_expression(child))


def managers_in_escalation_order() -> list[User]:
    """Return active IRO managers, the duty manager first."""
    managers = User.objects.filter(role=Role.MANAGER, is_active=True)
    return sorted(managers, key=lambda m: (m.escalation_rank is None, m.escalation_rank or 0, m.pk))


@dataclass
class Caseload:
    """One IRO's current caseload against the 50-70 per full-time equivalent guidance."""

    iro: User
    children: int
    away_until: date | None = None

    @property
    def per_fte(self) -> float:
        fte = float(self.iro.fte) or 1.0
        return round(self.children / fte, 1)

    @property
    def capacity(self) -> int:
        return statutory.caseload_capacity(self.iro.fte)

    @property
    def headroom(self) -> int:
        return self.capacity - self.children

    @property
    def band(self) -> str:
        if self.per_fte > statutory.CASELOAD_PER_FTE_HIGH:
            return "over"
        if self.per_fte < statutory.CASELOAD_PER_FTE_LOW:
            return "under"
        return "within"


def iro_caseloads() -> list[Caseload]:
    """Return every active IRO with their current number of children (two queries)."""
    today = timezone.localdate()
    iros = (
        User.objects.filter(role=Role.IRO, is_active=True)
        .annotate(current=Count("iro_allocations", filter=Q(iro_allocations__ended_on__isnull=True)))
        .order_by("first_name", "username")
    )
    away = dict(IROAbsence.objects.filter(starts_on__lte=today, ends_on__gte=today).values_list("iro_id", "ends_on"))
    return [Caseload(iro=iro, children=iro.current, away_until=away.get(iro.pk)) for iro in iros]


def iro_caseload_figures(
    on: date | None = None, children: QuerySet[Child] | None = None
) -> list[tuple[str, Decimal, int]]:
    """Every active IRO's name, FTE and current number of children, in one query, for the report.

    As iro_caseloads but without building each IRO's whole account: at national scale that was
    most of the report's time. With `on`, a day gone by: the children allocated that day, for every
    IRO who had any (a report for a past year shows that year's caseloads, not today's). With
    `children`, only those children are counted, and only the IROs who had any of them.
    """
    if on is None:
        held = Q(iro_allocations__ended_on__isnull=True)
    else:
        held = Q(iro_allocations__allocated_on__lte=on) & (
            Q(iro_allocations__ended_on__isnull=True) | Q(iro_allocations__ended_on__gt=on)
        )
    if children is not None:
        held &= Q(iro_allocations__child__in=children)
    iros = User.objects.filter(role=Role.IRO, **({"is_active": True} if on is None else {}))
    if children is not None:
        # Only the IROs who held one of these children, found from the children's allocations first: a
        # council's scope then costs the database its own allocations, not every IRO's in the country.
        # (Without a scope every IRO has some, and the extra join only slowed the whole council's.)
        counted = IROAllocation.objects.filter(child__in=children)
        if on is not None:
            counted = counted.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), allocated_on__lte=on)
        iros = iros.filter(pk__in=counted.values("iro_id"))
    rows = (
        iros.annotate(current=Count("iro_allocations", filter=held))
        .filter(Q() if on is None and children is None else Q(current__gt=0))
        .order_by("first_name", "username")
        .values_list("first_name", "username", "fte", "current")
    )
    return [(display_name_of(first, username), fte, current) for first, username, fte, current in rows]


@dataclass
class Suggestion:
    """An IRO suggested for a child, with the reasons, best first."""

    caseload: Caseload
    score: int
    reasons: list[str] = field(default_factory=list)


def iro_suggestions(child: Child) -> list[Suggestion]:
    """Rank IROs for a child: caseload headroom, language, the child's preference, and travel."""
    suggestions = []
    language = child.first_language.strip().lower()
    for caseload in iro_caseloads():
        iro, score, reasons = caseload.iro, caseload.headroom, []
        reasons.append(f"{caseload.children} children ({caseload.per_fte} per full-time), room for {caseload.headroom}")
        if caseload.away_until:
            score -= 50
            reasons.append(f"away until {caseload.away_until:%d %b}")
        if language and language != "english" and language in iro.language_list:
            score += 30
            reasons.append(f"speaks {child.first_language}")
        if child.preferred_iro_gender:
            if iro.gender == child.preferred_iro_gender:
                score += 25
                reasons.append("matches the gender the child asked for")
            else:
                score -= 25
        if child.placed_out_of_area and child.placement_region:
            if child.placement_region in iro.region_list:
                score += 20
                reasons.append(f"works in {child.get_placement_region_display()}, where the child lives")
            else:
                score -= 10
        suggestions.append(Suggestion(caseload=caseload, score=score, reasons=reasons))
    return sorted(suggestions, key=lambda s: (-s.score, s.caseload.iro.pk))


def children_awaiting_allocation() -> QuerySet[Child]:
    """Return looked-after children with no current IRO, the longest waiting first."""
    return (
        Child.objects.filter(left_care__isnull=True)
        .exclude(pk__in=IROAllocation.objects.filter(ended_on__isnull=True).values("child_id"))
        .order_by("became_looked_after")
    )


def allocation_history(child: Child) -> list[IROAllocation]:
    """Return a child's IRO allocations, oldest first; changes of IRO are len - 1."""
    return list(IROAllocation.objects.filter(child=child).select_related("iro").order_by("allocated_on", "pk"))


def worker_allocation_history(child: Child) -> list[WorkerAllocation]:
    """Return a child's social worker and personal adviser allocations, oldest first."""
    allocations = WorkerAllocation.objects.filter(child=child).select_related("worker")
    return list(allocations.order_by("kind", "allocated_on", "pk"))


def practice_alerts_visible_to(user: User) -> QuerySet[PracticeAlert]:
    """Return the practice alerts this user may see: managers all, an IRO their children's."""
    alerts = PracticeAlert.objects.select_related("child", "raised_by")
    if user.role in (Role.MANAGER, Role.ADMIN):
        return alerts
    if user.role == Role.IRO:
        return alerts.filter(child__in=children_visible_to(user))
    return alerts.none()


def practice_alerts_open_first(user: User) -> QuerySet[PracticeAlert]:
    """Return the practice alerts this user may see, open ones first, then the latest raised."""
    return practice_alerts_visible_to(user).order_by("resolved_on", "-raised_on")


def practice_alert_get_for_user(user: User, alert_id: int) -> PracticeAlert:
    """Return the practice alert if this user may see it; 404 otherwise."""
    try:
        return practice_alerts_visible_to(user).get(pk=alert_id)
    except (PracticeAlert.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such practice alert.") from exc


def practice_alert_steps(alert: PracticeAlert) -> QuerySet[PracticeAlertStep]:
    """Return the stages a practice alert has been through, with who moved it on."""
    return alert.steps.select_related("by")


def reviews_for_child_user(user: User) -> QuerySet[Review]:
    """Return a child's own reviews that have a published summary, newest first."""
    return Review.objects.filter(child__user=user, summary_published_at__isnull=False).order_by("-held_on")


def review_get_for_user(user: User, review_id: int) -> Review:
    """Return a review of a child this user may see; 404 otherwise."""
    try:
        return Review.objects.select_related("child").get(pk=review_id, child__in=children_visible_to(user))
    except (Review.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such review.") from exc


def advocacy_requests_visible_to(user: User) -> QuerySet[AdvocacyRequest]:
    """A child's own requests; an IRO's children's; every request for managers. Newest first."""
    requests = AdvocacyRequest.objects.select_related("child", "resolved_by").order_by("-created_at", "-id")
    if user.role == Role.CHILD:
        return requests.filter(child__user=user)
    if user.role in (Role.IRO, Role.MANAGER):
        return requests.filter(child__in=children_visible_to(user))
    return requests.none()


def advocacy_requests_open_for(user: User) -> QuerySet[AdvocacyRequest]:
    """Return the requests this user may see that nobody has answered yet, newest first."""
    return advocacy_requests_visible_to(user).filter(resolved_at__isnull=True)


def advocacy_requests_answered_for(user: User) -> QuerySet[AdvocacyRequest]:
    """Return the answered requests this user may see, newest first."""
    return advocacy_requests_visible_to(user).filter(resolved_at__isnull=False)


def advocacy_request_open_for_child(child: Child) -> AdvocacyRequest | None:
    """Return the child's request still waiting for an answer, if any: asking again while it waits returns it."""
    return AdvocacyRequest.objects.filter(child=child, resolved_at__isnull=True).first()


def advocacy_request_get_for_user(user: User, request_id: int | str) -> AdvocacyRequest:
    """Return the request if this user may see it; 404 whether missing or not theirs."""
    try:
        return advocacy_requests_visible_to(user).get(pk=request_id)
    except (AdvocacyRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc


def advocacy_request_get_open_for_user(user: User, request_id: int) -> AdvocacyRequest:
    """Return the request if this user may see it and it waits for an answer; 404 otherwise (answered ones too)."""
    try:
        return advocacy_requests_open_for(user).get(pk=request_id)
    except (AdvocacyRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc
