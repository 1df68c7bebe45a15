"""Complaints and representations: making one from any channel, and moving it through its stages.

Every date is set from complaints.clock (SI 2006/1738 and "Getting the Best from Complaints", 2006).
Only an IRO manager moves a complaint on; the child (or whoever made it) may ask for the next stage
or withdraw it, and a manager may record either for them.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from complaints import clock
from complaints.models import WORDS_MAX_LENGTH, Complaint, ComplaintChannel, Kind, MadeBy, Outcome
from complaints.notifications import complaint_acknowledged, complaint_arrived
from feedback.models import Channel, FoundIn
from feedback.services import statement_for_words_elsewhere
from reviews.models import Child
from reviews.services import advocacy_request_make

# The channel an alert's statement records: one a manager recorded came to Heard through its pages.
STATEMENT_CHANNEL = {
    ComplaintChannel.WEB: Channel.WEB,
    ComplaintChannel.APP: Channel.APP,
    ComplaintChannel.SMS: Channel.SMS,
    ComplaintChannel.RECORDED: Channel.WEB,
}

# What each answer may conclude; "withdrawn" comes only through complaint_withdraw.
ANSWER_OUTCOMES = [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.RESOLVED]


def _day(on: date | None) -> date:
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationError({"on": "That day has not come yet."})
    return day


def _check_words(words: str) -> str:
    words = (words or "").strip()
    if not words:
        raise ValidationError({"words": "Tell us what it is about."})
    if len(words) > WORDS_MAX_LENGTH:
        raise ValidationError({"words": f"Keep it under {WORDS_MAX_LENGTH} characters."})
    return words


def _require_manager(by: User) -> None:
    if by.role != Role.MANAGER:
        raise PermissionDenied("Only an IRO manager moves a complaint on.")


def _require_open(complaint: Complaint) -> None:
    if complaint.stage1_outcome == Outcome.WITHDRAWN or Outcome.WITHDRAWN in (
        complaint.stage2_outcome,
        complaint.stage3_outcome,
    ):
        raise ValidationError("This complaint was withdrawn.")


def complaint_make(
    *,
    child: Child,
    by: User,
    words: str,
    kind: str = Kind.COMPLAINT,
    channel: str,
    made_by_relationship: str = MadeBy.CHILD,
    received_on: date | None = None,
    advocate_wanted: bool = False,
    idempotency_key: str = "",
) -> tuple[Complaint, bool]:
    """Record a complaint or representation (Children Act 1989 s.26(3)) from the child, or for them.

    A child makes their own (web, app, text); a manager records one made by a parent, carer or
    anyone else, who has no Heard account. Returns the complaint and whether it was made now
    (False for a retry with the same Idempotency-Key).
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose a complaint or a representation."})
    if channel not in ComplaintChannel.values:
        raise ValidationError({"channel": "Unknown channel."})
    if made_by_relationship not in MadeBy.values:
        raise ValidationError({"made_by_relationship": "Say who is making it."})
    words = _check_words(words)
    key = idempotency_key.strip()
    if len(key) > 255:
        raise ValidationError({"idempotency_key": "An Idempotency-Key can be at most 255 characters."})
    if by.role == Role.CHILD:
        if child.user_id != by.pk:
            raise PermissionDenied("A child makes their own complaint.")
        made_by_relationship, made_by, recorded_by = MadeBy.CHILD, by, None
    elif by.role == Role.MANAGER:
        made_by, recorded_by = None, by
        advocate_wanted = False  # only the child can ask for their own advocate (reviews.services)
    else:
        raise PermissionDenied("A child makes a complaint; a manager records one for a parent or carer.")
    received = _day(received_on)
    complaint = Complaint(
        child=child,
        made_by=made_by,
        made_by_relationship=made_by_relationship,
        recorded_by=recorded_by,
        kind=kind,
        words=words,
        channel=channel,
        received_on=received,
        advocate_wanted=advocate_wanted,
        idempotency_key=key,
        acknowledgement_due=clock.acknowledgement_due(received),
        stage1_due=clock.stage1_due(received),
    )
    try:
        with transaction.atomic():  # a savepoint, so a retry undoes only this
            complaint.save()
            # Harm disclosed in a complaint is a safeguarding matter first: it raises an alert at once.
            statement_for_words_elsewhere(
                child=child,
                words=words,
                found_in=FoundIn.COMPLAINT,
                found_in_pk=complaint.pk,
                author=by,
                channel=STATEMENT_CHANNEL[ComplaintChannel(channel)],
            )
            if advocate_wanted:
                # s.26A: the council must offer an advocate; the child said yes as they complained.
                advocacy_request_make(
                    child=child, requested_by=by, note="Asked for help with a complaint.", channel=channel
                )
            complaint_id = complaint.pk

            def tell() -> None:
                complaint_arrived(complaint_id=complaint_id)

            transaction.on_commit(tell, robust=True)
    except IntegrityError:
        existing = Complaint.objects.filter(made_by=made_by, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, False
    return complaint, True


def _save(complaint: Complaint, *fields: str) -> Complaint:
    complaint.save(update_fields=list(fields))
    return complaint


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, by: User, on: date | None = None) -> Complaint:
    """Record that the complaint was acknowledged (due within 2 working days; the child is offered an advocate)."""
    _require_manager(by)
    if complaint.acknowledged_on is not None:
        raise ValidationError("It was already acknowledged.")
    complaint.acknowledged_on = _day(on)
    complaint_id = complaint.pk

    def tell() -> None:
        complaint_acknowledged(complaint_id=complaint_id)

    transaction.on_commit(tell, robust=True)
    return _save(complaint, "acknowledged_on")


@transaction.atomic
def stage1_extend(*, complaint: Complaint, by: User) -> Complaint:
    """Extend stage 1 to 20 working days from receipt; allowed once (SI 2006/1738 reg 14(3))."""
    _require_manager(by)
    _require_open(complaint)
    if complaint.stage1_extended_due is not None:
        raise ValidationError(
            "Stage 1 was already extended once, to 20 working days: the regulations allow no second extension."
        )
    if complaint.stage1_responded_on is not None:
        raise ValidationError("Stage 1 has been answered already.")
    complaint.stage1_extended_due = clock.stage1_extended_due(complaint.received_on)
    return _save(complaint, "stage1_extended_due")


def _check_outcome(outcome: str) -> str:
    if outcome not in ANSWER_OUTCOMES:
        raise ValidationError({"outcome": "Choose the outcome: upheld, partly upheld, not upheld or resolved."})
    return outcome


@transaction.atomic
def stage1_respond(*, complaint: Complaint, by: User, outcome: str, on: date | None = None) -> Complaint:
    """Record the stage 1 (local resolution) answer; the complainant then has 20 working days to ask for stage 2."""
    _require_manager(by)
    _require_open(complaint)
    if complaint.stage1_responded_on is not None:
        raise ValidationError("Stage 1 has been answered already.")
    complaint.stage1_outcome = _check_outcome(outcome)
    complaint.stage1_responded_on = _day(on)
    if complaint.stage1_responded_on < complaint.received_on:
        raise ValidationError({"on": "The answer cannot come before the complaint was received."})
    complaint.closed_at = timezone.now()
    return _save(complaint, "stage1_outcome", "stage1_responded_on", "closed_at")


def _may_escalate(complaint: Complaint, by: User) -> None:
    # The complainant asks; a manager records a request made by phone or letter.
    if by.role == Role.MANAGER:
        return
    if by.role == Role.CHILD and complaint.child.user_id == by.pk:
        return
    raise PermissionDenied("Only the person who complained, or a manager for them, asks for the next stage.")


@transaction.atomic
def stage2_request(*, complaint: Complaint, by: User, on: date | None = None) -> Complaint:
    """Ask for a stage 2 investigation, within 20 working days of the stage 1 answer (SI 2006/1738 reg 18)."""
    _may_escalate(complaint, by)
    _require_open(complaint)
    if complaint.kind != Kind.COMPLAINT:
        raise ValidationError("A representation is answered at stage 1; only a complaint goes on to stage 2.")
    if complaint.stage1_responded_on is None:
        raise ValidationError("Stage 2 can be asked for once stage 1 has been answered.")
    if complaint.stage2_requested_on is not None:
        raise ValidationError("Stage 2 was already asked for.")
    asked = _day(on)
    deadline = clock.stage2_request_deadline(complaint.stage1_responded_on)
    if asked > deadline:
        raise ValidationError(
            f"Stage 2 must be asked for within 20 working days of the stage 1 answer, that is by "
            f"{deadline:%A %-d %B %Y}; this was asked on {asked:%A %-d %B %Y}."
        )
    complaint.stage2_requested_on = asked
    complaint.stage2_due = clock.stage2_due(asked)
    complaint.closed_at = None
    return _save(complaint, "stage2_requested_on", "stage2_due", "closed_at")


def complaint_escalate(*, complaint: Complaint, by: User, on: date | None = None) -> Complaint:
    """The complainant asks for the next stage after an answer: stage 2 after stage 1, a panel after stage 2."""
    if complaint.stage == 2 or complaint.stage2_responded_on is not None:
        return stage3_request(complaint=complaint, by=by, on=on)
    return stage2_request(complaint=complaint, by=by, on=on)


@transaction.atomic
def stage2_extend(*, complaint: Complaint, by: User) -> Complaint:
    """Extend the stage 2 investigation to 65 working days from the request (SI 2006/1738 reg 17(3)); once."""
    _require_manager(by)
    _require_open(complaint)
    if complaint.stage2_requested_on is None or complaint.stage2_responded_on is not None:
        raise ValidationError("Only a stage 2 investigation under way can be extended.")
    if complaint.stage2_extended_due is not None:
        raise ValidationError("Stage 2 was already extended, to 65 working days, the longest the regulations allow.")
    complaint.stage2_extended_due = clock.stage2_extended_due(complaint.stage2_requested_on)
    return _save(complaint, "stage2_extended_due")


@transaction.atomic
def stage2_respond(*, complaint: Complaint, by: User, outcome: str, on: date | None = None) -> Complaint:
    """Record the council's answer to the stage 2 investigation."""
    _require_manager(by)
    _require_open(complaint)
    if complaint.stage2_requested_on is None or complaint.stage2_responded_on is not None:
        raise ValidationError("Only a stage 2 investigation under way can be answered.")
    complaint.stage2_outcome = _check_outcome(outcome)
    complaint.stage2_responded_on = _day(on)
    if complaint.stage2_responded_on < complaint.stage2_requested_on:
        raise ValidationError({"on": "The answer cannot come before stage 2 was asked for."})
    complaint.closed_at = timezone.now()
    return _save(complaint, "stage2_outcome", "stage2_responded_on", "closed_at")


@transaction.atomic
def stage3_request(*, complaint: Complaint, by: User, on: date | None = None) -> Complaint:
    """Ask for a review panel, within 20 working days of the stage 2 answer (SI 2006/1738 reg 19)."""
    _may_escalate(complaint, by)
    _require_open(complaint)
    if complaint.stage2_responded_on is None:
        raise ValidationError("A review panel can be asked for once stage 2 has been answered.")
    if complaint.stage3_requested_on is not None:
        raise ValidationError("A review panel was already asked for.")
    asked = _day(on)
    deadline = clock.stage3_request_deadline(complaint.stage2_responded_on)
    if asked > deadline:
        raise ValidationError(
            f"A review panel must be asked for within 20 working days of the stage 2 answer, that is by "
            f"{deadline:%A %-d %B %Y}; this was asked on {asked:%A %-d %B %Y}."
        )
    complaint.stage3_requested_on = asked
    complaint.stage3_panel_due = clock.stage3_panel_due(asked)
    complaint.closed_at = None
    return _save(complaint, "stage3_requested_on", "stage3_panel_due", "closed_at")


@transaction.atomic
def stage3_panel_held(*, complaint: Complaint, by: User, on: date | None = None) -> Complaint:
    """Record the day the review panel met: its findings are due 5 working days on, the response 15 after."""
    _require_manager(by)
    _require_open(complaint)
    if complaint.stage3_requested_on is None or complaint.stage3_panel_held_on is not None:
        raise ValidationError("Only a review panel asked for and not yet held can be recorded as held.")
    held = _day(on)
    if held < complaint.stage3_requested_on:
        raise ValidationError({"on": "The panel cannot meet before it was asked for."})
    complaint.stage3_panel_held_on = held
    complaint.stage3_findings_due = clock.stage3_findings_due(held)
    complaint.stage3_response_due = clock.stage3_response_due(complaint.stage3_findings_due)
    return _save(complaint, "stage3_panel_held_on", "stage3_findings_due", "stage3_response_due")


@transaction.atomic
def stage3_respond(*, complaint: Complaint, by: User, outcome: str, on: date | None = None) -> Complaint:
    """Record the council's response to the review panel's findings: the end of the procedure."""
    _require_manager(by)
    _require_open(complaint)
    if complaint.stage3_panel_held_on is None or complaint.stage3_responded_on is not None:
        raise ValidationError("The council responds once the review panel has met.")
    complaint.stage3_outcome = _check_outcome(outcome)
    complaint.stage3_responded_on = _day(on)
    if complaint.stage3_responded_on < complaint.stage3_panel_held_on:
        raise ValidationError({"on": "The response cannot come before the panel met."})
    complaint.closed_at = timezone.now()
    return _save(complaint, "stage3_outcome", "stage3_responded_on", "closed_at")


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, by: User) -> Complaint:
    """The complainant withdraws it (or a manager records that they did): the stage it is at ends "withdrawn"."""
    _may_escalate(complaint, by)
    _require_open(complaint)
    if not complaint.is_open:
        raise ValidationError("Nothing is waiting on this complaint: it has been answered.")
    field = f"stage{complaint.stage}_outcome"
    setattr(complaint, field, Outcome.WITHDRAWN)
    complaint.closed_at = timezone.now()
    return _save(complaint, field, "closed_at")
