"""Writes to care records: admitting a child, allocating IROs and advocates, holding reviews."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from consultations.models import Response
from feedback.alerts import alerts_follow_cover, alerts_reassign_for_child
from feedback.models import Channel, FoundIn, Statement
from feedback.notifications import advocacy_requested
from feedback.service_feedback import feedback_requests_create
from feedback.services import statement_for_words_elsewhere
from integrations import services as webhooks
from reviews import participation, statutory
from reviews.models import (
    PRACTICE_ALERT_STAGE_ORDER,
    AdvocacyRequest,
    AdvocacyRequestOutcome,
    AdvocateAssignment,
    Avatar,
    Child,
    IROAbsence,
    IROAllocation,
    PracticeAlert,
    PracticeAlertCategory,
    PracticeAlertStage,
    PracticeAlertStep,
    Review,
    ReviewParent,
    WorkerAllocation,
    WorkerKind,
)
from reviews.selectors import advocacy_request_open_for_child, children_visible_to, responsible_iro

SUMMARY_MAX_LENGTH = 3000


@transaction.atomic
def child_admit(
    *,
    case_reference: str,
    date_of_birth: date,
    sex: str,
    ethnicity: str,
    became_looked_after: date,
    known_as: str = "",
    first_language: str = "English",
    communication_needs: str = "",
    uses_symbols: bool = False,
    placed_out_of_area: bool = False,
    placement_region: str = "",
    preferred_iro_gender: str = "",
    user: User | None = None,
) -> Child:
    """Record a child becoming looked after and schedule their first review."""
    child = Child(
        case_reference=case_reference,
        known_as=known_as,
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        first_language=first_language,
        communication_needs=communication_needs,
        uses_symbols=uses_symbols,
        placed_out_of_area=placed_out_of_area,
        placement_region=placement_region,
        preferred_iro_gender=preferred_iro_gender,
        became_looked_after=became_looked_after,
        iro_allocation_due=statutory.iro_allocation_due(became_looked_after),
        user=user,
    )
    child.full_clean()
    child.save()
    review_schedule_next(child=child)
    return child


def child_set_language(*, child: Child, language: str) -> Child:
    """Record the language the child wants Heard in ("" to follow their phone or browser)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Choose one of the languages listed.")})
    child.preferred_language = language
    child.save(update_fields=["preferred_language"])
    return child


def child_set_avatar(*, child: Child, avatar: str) -> Child:
    """Record the picture the child chose to stand for them ("" for none)."""
    if avatar and avatar not in Avatar.values:
        raise ValidationError({"avatar": _("Choose one of the pictures shown.")})
    child.avatar = avatar
    child.save(update_fields=["avatar"])
    return child


@transaction.atomic
def iro_allocate(*, child: Child, iro: User, allocated_on: date) -> IROAllocation:
    """Make this IRO the child's current IRO, ending any earlier allocation that day."""
    if iro.role != Role.IRO or not iro.is_active:
        raise ValidationError({"iro": "Only an active IRO can be allocated to a child."})
    # Lock the child so two managers allocating at once cannot both succeed.
    Child.objects.select_for_update().get(pk=child.pk)
    current = IROAllocation.objects.filter(child=child, ended_on__isnull=True).first()
    if current is not None:
        if current.iro_id == iro.pk:
            return current
        if allocated_on < current.allocated_on:
            raise ValidationError({"allocated_on": "A new allocation cannot start before the current one."})
        current.ended_on = allocated_on
        current.save(update_fields=["ended_on"])
    allocation = IROAllocation.objects.create(child=child, iro=iro, allocated_on=allocated_on)
    if current is not None:
        # Nothing is left with the departed IRO: every safeguarding alert, open or closed, follows the
        # child to the IRO now responsible (the new IRO, or their cover if they are away).
        alerts_reassign_for_child(
            child=child, to_user=responsible_iro(child) or iro, reason="Child re-allocated to a new IRO"
        )
    return allocation


@transaction.atomic
def advocate_assign(*, child: Child, advocate: User, started_on: date, by: User | None = None) -> AdvocateAssignment:
    """Assign an advocate to a child (keeping any current assignment); answers the child's open request."""
    if advocate.role != Role.ADVOCATE:
        raise ValidationError({"advocate": "Only an advocate can be assigned to a child."})
    assignment, _ = AdvocateAssignment.objects.get_or_create(
        child=child, advocate=advocate, ended_on=None, defaults={"started_on": started_on}
    )
    if by is not None:
        AdvocacyRequest.objects.filter(child=child, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by, outcome=AdvocacyRequestOutcome.ASSIGNED
        )
    return assignment


ADVOCACY_NOTE_MAX_LENGTH = 1000


def advocacy_request_make(
    *, child: Child, requested_by: User, note: str = "", channel: str = "web"
) -> tuple[AdvocacyRequest, bool]:
    """A child asks for an advocate; their IRO and the managers who assign advocates are told.

    Asking again while a request is open returns that request (created False).
    """
    if requested_by.role != Role.CHILD or child.user_id != requested_by.pk:
        raise PermissionDenied("A child asks for their own advocate.")
    note = note.strip()
    if len(note) > ADVOCACY_NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep it under {ADVOCACY_NOTE_MAX_LENGTH} characters."})
    with transaction.atomic():
        request, created = _advocacy_request_open(child=child, requested_by=requested_by, note=note, channel=channel)
        # Read for harm even when a request was already open and this note is not kept on it.
        statement_for_words_elsewhere(
            child=child,
            words=note,
            found_in=FoundIn.ADVOCACY_REQUEST,
            found_in_pk=request.pk,
            author=requested_by,
            channel=channel if channel in Channel.values else Channel.WEB,
        )
    return request, created


def advocacy_request_from_form(*, child: Child, review_sequence: int) -> tuple[AdvocacyRequest, bool]:
    """The child said "yes, I'd like an advocate" in their consultation form: the same request as /my/advocate/.

    Once: while a request is open, saying it again returns that one. The child is the one asking,
    whoever typed the form with them; a child with no account is recorded as asking through the form.
    """
    note = f"Said yes to an advocate in their consultation form before review {review_sequence}."
    return _advocacy_request_open(child=child, requested_by=child.user, note=note, channel="form")


def _advocacy_request_open(
    *, child: Child, requested_by: User | None, note: str, channel: str
) -> tuple[AdvocacyRequest, bool]:
    with transaction.atomic():
        # Lock the child so two taps at once make one request.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        existing = advocacy_request_open_for_child(child)
        if existing is not None:
            return existing, False
        request = AdvocacyRequest.objects.create(child=child, requested_by=requested_by, note=note, channel=channel)
        request_id = request.pk

        def tell_iro_and_managers() -> None:
            advocacy_requested(request_id=request_id)

        transaction.on_commit(tell_iro_and_managers, robust=True)
    return request, True


@transaction.atomic
def advocacy_request_close(*, request: AdvocacyRequest, by: User, outcome: str) -> AdvocacyRequest:
    """Close a child's request without an assignment (they decided against it), saying so."""
    if by.role not in (Role.IRO, Role.MANAGER):
        raise PermissionDenied("Only the child's IRO or a manager closes a request.")
    if outcome not in AdvocacyRequestOutcome.values:
        raise ValidationError({"outcome": "Say what happened."})
    if request.resolved_at is None:
        request.resolved_at = timezone.now()
        request.resolved_by = by
        request.outcome = outcome
        request.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    return request


def review_schedule_next(*, child: Child) -> Review | None:
    """Return the child's upcoming review, creating it with its statutory due date if needed."""
    if child.left_care is not None:
        return None
    upcoming = Review.objects.filter(child=child, held_on__isnull=True).first()
    if upcoming is not None:
        return upcoming
    held = [day for day in Review.objects.filter(child=child).values_list("held_on", flat=True) if day is not None]
    due_by = statutory.next_review_due(became_looked_after=child.became_looked_after, reviews_held=held)
    return Review.objects.create(child=child, sequence=len(held) + 1, due_by=due_by)


def _child_said_beforehand(review: Review) -> bool:
    """Did the child send a consultation response or a statement for this review?"""
    answered = Response.objects.filter(
        invitation__review=review, invitation__contact__isnull=True, submitted_at__isnull=False
    ).exists()
    return answered or Statement.objects.filter(review=review).exists()


def review_proposed_code(*, review: Review, held_on: date, attended: bool | None, views: str) -> str:
    """Return the participation code Heard proposes for a review held on this date."""
    return participation.propose_code(
        age_on_review=review.child.age_on(held_on),
        attended=bool(attended),
        views=views,
        had_said_beforehand=_child_said_beforehand(review),
    )


@transaction.atomic
def review_record_held(
    *,
    review: Review,
    held_on: date,
    late_reason: str = "",
    attended: bool | None = None,
    views: str = "",
    met_alone: bool | None = None,
    code: str = "",
    parents: list[tuple[int, bool, bool]] | None = None,
) -> Review:
    """Record a held review: when, why late, how the child took part and its code; schedule the next.

    The code is Heard's proposal unless the IRO gives another; PN0 follows the child's age on the
    review date and can never be overridden either way (DfE rules 440/441).
    """
    review = Review.objects.select_for_update().select_related("child").get(pk=review.pk)
    if review.held_on is not None:
        raise ValidationError({"held_on": "This review has already been recorded as held."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "A review cannot be recorded as held on a future date."})
    if held_on < review.child.became_looked_after:
        raise ValidationError({"held_on": "A review cannot be held before the child became looked after."})
    late_reason = late_reason.strip()
    if held_on > review.due_by and not late_reason:
        raise ValidationError({"late_reason": "This review was late: say why."})
    if views and views not in participation.ViewsConveyed.values:
        raise ValidationError({"views": "Choose how the child's views were given."})
    proposed = review_proposed_code(review=review, held_on=held_on, attended=attended, views=views)
    code = (code or proposed).strip().upper()
    problems = participation.code_problems(code=code, age_on_review=review.child.age_on(held_on))
    if problems:
        raise ValidationError({"code": problems})
    review.held_on = held_on
    review.late_reason = late_reason
    review.child_attended = attended
    review.views_conveyed = views
    review.met_child_alone_before = met_alone
    review.participation_code = code
    review.proposed_code = proposed
    review.chaired_by = responsible_iro(review.child, held_on)
    review.save()
    for contact_id, consulted, took_part in parents or []:
        ReviewParent.objects.create(review=review, contact_id=contact_id, consulted=consulted, took_part=took_part)
    review_schedule_next(child=review.child)

    # Everyone who took part is asked how it went (the answers feed the annual report).
    feedback_requests_create(review=review)
    webhooks.review_recorded(review)
    return review


@transaction.atomic
def review_publish_summary(*, review: Review, iro: User, text: str) -> Review:
    """Publish "what happened at your review", written by the IRO for the child."""
    if review.held_on is None:
        raise ValidationError({"child_summary": "A summary can be published once the review has been held."})
    responsible = responsible_iro(review.child)
    if responsible is None or responsible.pk != iro.pk:
        raise PermissionDenied("Only the child's IRO can publish their review summary.")
    text = text.strip()
    if not text:
        raise ValidationError({"child_summary": "Write what happened, in words the child will understand."})
    if len(text) > SUMMARY_MAX_LENGTH:
        raise ValidationError({"child_summary": f"Keep it under {SUMMARY_MAX_LENGTH} characters."})
    review.child_summary = text
    review.summary_published_at = timezone.now()
    review.save(update_fields=["child_summary", "summary_published_at"])
    return review


@transaction.atomic
def iro_absence_record(*, iro: User, starts_on: date, ends_on: date, cover_iro: User) -> IROAbsence:
    """Record that an IRO will be away and who covers; new items go to the cover meanwhile."""
    if iro.role != Role.IRO or cover_iro.role != Role.IRO or not cover_iro.is_active:
        raise ValidationError({"cover_iro": "Both the absent IRO and the cover must be IROs."})
    if cover_iro.pk == iro.pk:
        raise ValidationError({"cover_iro": "Choose someone else to cover."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The absence must end on or after the day it starts."})
    overlapping = IROAbsence.objects.filter(iro=iro, starts_on__lte=ends_on, ends_on__gte=starts_on).exists()
    if overlapping:
        raise ValidationError({"starts_on": "This IRO already has an absence on some of those days."})
    absence = IROAbsence.objects.create(iro=iro, starts_on=starts_on, ends_on=ends_on, cover_iro=cover_iro)
    if starts_on <= timezone.localdate() <= ends_on:
        alerts_follow_cover()
    return absence


def _practice_alert_check_iro(child: Child, user: User) -> None:
    if user.role not in (Role.IRO, Role.MANAGER) or not children_visible_to(user).filter(pk=child.pk).exists():
        raise PermissionDenied("Only the child's IRO or a manager can do this.")


@transaction.atomic
def practice_alert_raise(
    *, child: Child, user: User, category: str, description: str, raised_on: date, statement=None
) -> PracticeAlert:
    """Raise a practice alert (the council's dispute resolution) about a child's care plan."""
    _practice_alert_check_iro(child, user)
    if category not in PracticeAlertCategory.values:
        raise ValidationError({"category": "Choose what the concern is about."})
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Describe the concern."})
    if statement is not None and statement.child_id != child.pk:
        raise ValidationError({"statement": "That statement is not this child's."})
    alert = PracticeAlert.objects.create(
        child=child,
        raised_by=user,
        raised_on=raised_on,
        category=category,
        description=description,
        statement=statement,
    )
    PracticeAlertStep.objects.create(
        alert=alert, stage=PracticeAlertStage.INFORMAL, on=raised_on, by=user, note="Raised"
    )
    return alert


@transaction.atomic
def practice_alert_advance(
    *, alert: PracticeAlert, user: User, stage: str, on: date, note: str = "", outcome: str = ""
) -> PracticeAlert:
    """Move a practice alert on to a later stage, or resolve it with its outcome."""
    alert = PracticeAlert.objects.select_for_update().get(pk=alert.pk)
    _practice_alert_check_iro(alert.child, user)
    if alert.stage == PracticeAlertStage.RESOLVED:
        raise ValidationError({"stage": "This practice alert is already resolved."})
    if stage not in PracticeAlertStage.values:
        raise ValidationError({"stage": "Unknown stage."})
    if PRACTICE_ALERT_STAGE_ORDER.index(stage) <= PRACTICE_ALERT_STAGE_ORDER.index(alert.stage):
        raise ValidationError({"stage": "A practice alert only moves forward through the stages."})
    if on < alert.raised_on:
        raise ValidationError({"on": "A stage cannot start before the alert was raised."})
    if stage == PracticeAlertStage.RESOLVED:
        outcome = outcome.strip()
        if not outcome:
            raise ValidationError({"outcome": "Record the outcome to resolve the alert."})
        alert.outcome, alert.resolved_on = outcome, on
    alert.stage = stage
    alert.save(update_fields=["stage", "outcome", "resolved_on"])
    PracticeAlertStep.objects.create(alert=alert, stage=stage, on=on, by=user, note=note.strip())
    return alert


@transaction.atomic
def worker_allocate(*, child: Child, worker: User, kind: str, on: date) -> WorkerAllocation:
    """Make this worker the child's current social worker or personal adviser, ending the one before that day.

    As with IROs, history is kept: the one before keeps their allocation, ended on the new one's first day.
    """
    if kind not in WorkerKind.values:
        raise ValidationError({"kind": "Choose social worker or personal adviser."})
    label = WorkerKind(kind).label.lower()
    if worker.role != kind or not worker.is_active:
        raise ValidationError({"worker": f"Only an active {label} can be allocated as a child's {label}."})
    if kind == WorkerKind.PERSONAL_ADVISER and child.age_on(on) < statutory.PERSONAL_ADVISER_FROM_AGE:
        raise ValidationError(
            {"allocated_on": f"A personal adviser is for young people from {statutory.PERSONAL_ADVISER_FROM_AGE}."}
        )
    # Lock the child so two allocations at once cannot both succeed.
    Child.objects.select_for_update().get(pk=child.pk)
    current = WorkerAllocation.objects.filter(child=child, kind=kind, ended_on__isnull=True).first()
    if current is not None:
        if current.worker_id == worker.pk:
            return current
        if on < current.allocated_on:
            raise ValidationError({"allocated_on": "A new allocation cannot start before the current one."})
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    return WorkerAllocation.objects.create(child=child, worker=worker, kind=kind, allocated_on=on)
