"""The figures for audit and the IRO annual report, each computed by the database.

Every table states its base; percentages are to one decimal place, rounded half up; each row
also carries the same figure for the period before, for comparison.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone

from accounts.models import Role, User
from backend.db_router import reads_from_replica
from complaints.models import Complaint, Kind, Outcome
from complaints.selectors import overdue_q
from consultations.models import Audience, Invitation
from feedback.models import Category, Channel, Rating, Respondent, SafeguardingAlert, ServiceFeedback, Statement
from reporting.periods import Period
from reporting.tables import Row, Table
from reporting.wellbeing_report import wellbeing
from reviews.models import (
    Child,
    IroActivity,
    IroActivityKind,
    PracticeAlert,
    PracticeAlertCategory,
    PracticeAlertStage,
    Review,
    ReviewParent,
)
from reviews.participation import ParticipationCode
from reviews.selectors import iro_caseload_figures
from reviews.statutory import add_working_days, caseload_capacity

AGE_BANDS = [("4 to 7", 4, 7), ("8 to 11", 8, 11), ("12 to 15", 12, 15), ("16 and over", 16, 200)]
ETHNIC_GROUPS = {"W": "White", "M": "Mixed", "A": "Asian or Asian British", "B": "Black or Black British", "O": "Other"}
CHILD_CODES = [code for code in ParticipationCode.values if code != ParticipationCode.PN0]
# The DfE's participation codes (SSDA903 REVIEW_CODE) in words a councillor reads at a glance; the code
# stays first, as the DfE return and the annual report use it.
PLAIN_CODES = {
    ParticipationCode.PN0: "PN0: under 4 on the day of the review (not asked to take part)",
    ParticipationCode.PN1: "PN1: came to the review and spoke for themselves",
    ParticipationCode.PN2: "PN2: came to the review and an advocate spoke for them",
    ParticipationCode.PN3: "PN3: came to the review and gave their views without words (signs or symbols)",
    ParticipationCode.PN4: "PN4: came to the review but did not give their views",
    ParticipationCode.PN5: "PN5: did not come, but told an advocate what to say for them",
    ParticipationCode.PN6: "PN6: did not come, but gave their views another way (writing, the app, a text or a call)",
    ParticipationCode.PN7: "PN7: did not come and their views were not given",
}
CHANNELS: dict[str, str] = {Channel.WEB: "Website", Channel.APP: "App", Channel.SMS: "Text message (SMS)"}


def _age_at(date_field: str, born_field: str):
    """An expression for whole years between two date fields (birthday not yet reached: one less)."""
    day_of_year = ExtractMonth(date_field) * 100 + ExtractDay(date_field)
    birthday = ExtractMonth(born_field) * 100 + ExtractDay(born_field)
    return (
        (
            ExtractYear(date_field)
            - ExtractYear(born_field)
            - Case(When(Q(_day__lt=F("_birthday")), then=Value(1)), default=Value(0), output_field=IntegerField())
        ),
        day_of_year,
        birthday,
    )


class PostgresAgeInYears(Func):
    """PostgreSQL's own age(), several times faster than taking the dates apart."""

    template = "date_part('year', age(%(expressions)s))::int"
    output_field = IntegerField()


def _with_age(reviews: QuerySet[Review]) -> QuerySet:
    if connection.vendor == "postgresql":
        return reviews.annotate(age=PostgresAgeInYears(F("held_on"), F("child__date_of_birth")))
    age, day, birthday = _age_at("held_on", "child__date_of_birth")
    return reviews.annotate(_day=day, _birthday=birthday).annotate(age=age)


def held_reviews(period: Period, scope: QuerySet[Child] | None = None) -> QuerySet[Review]:
    """Reviews held in the period (of the children in scope, when one is given)."""
    reviews = Review.objects.filter(held_on__range=(period.start, period.end))
    return reviews if scope is None else reviews.filter(child__in=scope)


def _counts(queryset: QuerySet, *fields: str) -> dict[tuple, int]:
    return {tuple(row[f] for f in fields): row["n"] for row in queryset.values(*fields).annotate(n=Count("pk"))}


def participation(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """How children took part in their reviews: PN1-PN7 for those aged 4 and over, PN0 apart."""
    table = Table(
        "participation",
        "How children took part in their reviews",
        "Reviews held in the period for children aged 4 and over (the under-4s row: out of every review held)",
    )
    now, before = (
        _counts(held_reviews(period, scope), "participation_code"),
        _counts(held_reviews(previous, scope), "participation_code"),
    )
    base_now = sum(n for (code,), n in now.items() if code != ParticipationCode.PN0)
    base_before = sum(n for (code,), n in before.items() if code != ParticipationCode.PN0)
    for code in CHILD_CODES:
        table.rows.append(
            Row(
                PLAIN_CODES[ParticipationCode(code)], now.get((code,), 0), base_now, before.get((code,), 0), base_before
            )
        )
    table.rows.append(
        Row(
            PLAIN_CODES[ParticipationCode.PN0],
            now.get((ParticipationCode.PN0,), 0),
            sum(now.values()),
            before.get((ParticipationCode.PN0,), 0),
            sum(before.values()),
            group="Children under 4",
        )
    )
    return table


def _breakdown(
    name: str, title: str, period: Period, previous: Period, group_expression, groups: list[str], scope=None
) -> Table:
    table = Table(name, title, "Reviews held in the period for children aged 4 and over, in each group")

    def counted(p: Period) -> dict[tuple, int]:
        reviews = _with_age(held_reviews(p, scope)).filter(age__gte=4).annotate(group=group_expression)
        return _counts(reviews, "group", "participation_code")

    now, before = counted(period), counted(previous)
    for group in groups:
        base_now = sum(n for (g, _), n in now.items() if g == group)
        base_before = sum(n for (g, _), n in before.items() if g == group)
        for code in CHILD_CODES:
            table.rows.append(
                Row(
                    PLAIN_CODES[ParticipationCode(code)], now.get((group, code), 0), base_now,
                    before.get((group, code), 0), base_before, group=group,
                )
            )  # fmt: skip
    return table


def _age_band_expression():
    return Case(
        *[When(age__gte=low, age__lte=high, then=Value(label)) for label, low, high in AGE_BANDS],
        default=Value("unknown"),
        output_field=CharField(),
    )


def participation_by_age(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    return _breakdown(
        "participation-by-age", "How children took part, by age", period, previous, _age_band_expression(),
        [label for label, _, _ in AGE_BANDS], scope,
    )  # fmt: skip


def participation_by_sex(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    expression = Case(When(child__sex="1", then=Value("Male")), default=Value("Female"), output_field=CharField())
    return _breakdown(
        "participation-by-sex",
        "How children took part, by sex",
        period,
        previous,
        expression,
        ["Female", "Male"],
        scope,
    )


def participation_by_ethnicity(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    expression = Case(
        When(child__ethnicity__in=["REFU", "NOBT"], then=Value("Not given")),
        *[When(child__ethnicity__startswith=letter, then=Value(name)) for letter, name in ETHNIC_GROUPS.items()],
        default=Value("Not given"),
        output_field=CharField(),
    )
    groups = [*ETHNIC_GROUPS.values(), "Not given"]
    return _breakdown(
        "participation-by-ethnicity",
        "How children took part, by ethnic group",
        period,
        previous,
        expression,
        groups,
        scope,
    )


def participation_by_placement(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    expression = Case(
        When(child__placed_out_of_area=True, then=Value("Living outside the council's area")),
        default=Value("Living in the council's area"),
        output_field=CharField(),
    )
    return _breakdown(
        "participation-by-placement", "How children took part, by where they live", period, previous, expression,
        ["Living in the council's area", "Living outside the council's area"], scope,
    )  # fmt: skip


def participation_by_communication(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    expression = Case(
        When(
            ~Q(child__communication_needs="") | Q(child__uses_symbols=True),
            then=Value("Children with communication needs"),
        ),
        default=Value("No communication needs recorded"),
        output_field=CharField(),
    )
    return _breakdown(
        "participation-by-communication", "How children took part, by communication needs", period, previous,
        expression,
        ["Children with communication needs", "No communication needs recorded"], scope,
    )  # fmt: skip


def timeliness(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Reviews on time and late (with reasons), first reviews in 20 working days, IROs allocated in 5."""
    table = Table(
        "timeliness",
        "Reviews on time, and IROs given in time",
        "Each row says what it is out of: reviews held, first reviews, children who came into care, or late reviews",
    )

    def figures(p: Period) -> dict[str, tuple[int, int]]:
        held = held_reviews(p, scope).aggregate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(held_on__lte=F("due_by"))),
            first=Count("pk", filter=Q(sequence=1)),
            first_on_time=Count("pk", filter=Q(sequence=1, held_on__lte=F("due_by"))),
        )
        children = Child.objects.all() if scope is None else scope
        arrived = children.filter(became_looked_after__range=(p.start, p.end)).annotate(
            first_allocated=Min("iro_allocations__allocated_on")
        )
        allocation = arrived.aggregate(
            total=Count("pk"), in_time=Count("pk", filter=Q(first_allocated__lte=F("iro_allocation_due")))
        )
        total, on_time = held["total"], held["on_time"]
        return {
            "Reviews held on time (out of reviews held)": (on_time, total),
            "Reviews held late (out of reviews held)": (total - on_time, total),
            "First reviews held within 20 working days of coming into care (out of first reviews)": (
                held["first_on_time"],
                held["first"],
            ),
            "Children given an IRO within 5 working days of coming into care (out of children who came into care)": (
                allocation["in_time"],
                allocation["total"],
            ),
        }

    now, before = figures(period), figures(previous)
    for label, (count, base) in now.items():
        table.rows.append(Row(label, count, base, *before[label]))
    reasons = _counts(held_reviews(period, scope).filter(held_on__gt=F("due_by")), "late_reason")
    late = sum(reasons.values())
    for (reason,), count in sorted(reasons.items(), key=lambda item: (-item[1], item[0][0])):
        table.rows.append(
            Row(reason or "No reason recorded", count, late, group="Why the review was late (out of late reviews)")
        )
    return table


def caseloads(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Each IRO's caseload, now or at a past period's end, against the 50-70 guidance; within a scope, its children."""
    ended = period.end < timezone.localdate()
    table = Table(
        "caseloads",
        f"How many children each IRO had on {period.end:%-d %B %Y}" if ended else "How many children each IRO has now",
        "The children each IRO had that day; the percentage is of 70 children for a full-time IRO (fewer part-time)"
        if ended
        else "The children each IRO has today; the percentage is of 70 children for a full-time IRO (fewer part-time)",
    )
    for name, fte, children in iro_caseload_figures(period.end if ended else None, scope):
        hours = "full time" if fte == 1 else f"{fte.normalize()} of full time"
        table.rows.append(Row(f"{name} ({hours})", children, caseload_capacity(fte)))
    table.notes.append(
        "The IRO Handbook (paragraph 7.15) says 50 to 70 children for each full-time IRO is good practice."
    )
    return table


def consultation_returns(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Consultation forms returned, by audience, for reviews in the period."""
    table = Table(
        "consultation-returns",
        "Forms sent back before reviews",
        "Forms sent out for reviews held or due in the period, by who was asked",
    )

    def counted(p: Period) -> tuple[dict[tuple, int], dict[tuple, int]]:
        invitations = Invitation.objects.annotate(
            day=Coalesce("review__held_on", "review__scheduled_for", "review__due_by")
        ).filter(day__range=(p.start, p.end))
        if scope is not None:
            invitations = invitations.filter(review__child__in=scope)
        returned = invitations.filter(response__submitted_at__isnull=False)
        return _counts(invitations, "audience"), _counts(returned, "audience")

    (invited, returned), (invited_before, returned_before) = counted(period), counted(previous)
    for audience in Audience.values:
        if (audience,) in invited or (audience,) in invited_before:
            table.rows.append(
                Row(
                    Audience(audience).label,
                    returned.get((audience,), 0),
                    invited.get((audience,), 0),
                    returned_before.get((audience,), 0),
                    invited_before.get((audience,), 0),
                )
            )
    return table


def statements(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Children's messages by channel and by category."""
    table = Table("statements", "Messages children sent", "Messages children sent in the period")

    def counted(p: Period, field: str) -> dict[tuple, int]:
        first, after = p.moments()
        # Messages only: words found in a complaint or a form (Statement.found_in) are counted there.
        statements = Statement.objects.filter(created_at__gte=first, created_at__lt=after, found_in="")
        return _counts(statements if scope is None else statements.filter(child__in=scope), field)

    for field, choices, group in (
        ("channel", Channel, "How the message was sent"),
        ("category", Category, "What the child said it was about"),
    ):
        now, before = counted(period, field), counted(previous, field)
        for value in choices.values:
            table.rows.append(
                Row(
                    CHANNELS.get(value) or str(choices(value).label), now.get((value,), 0), sum(now.values()),
                    before.get((value,), 0), sum(before.values()), group=group,
                )
            )  # fmt: skip
    return table


def practice_alerts(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Practice alerts raised in the period, by category and by where they have got to."""
    table = Table(
        "practice-alerts",
        "Concerns IROs raised about children's plans (practice alerts)",
        "Practice alerts IROs raised in the period",
    )

    def counted(p: Period, field: str) -> dict[tuple, int]:
        alerts = PracticeAlert.objects.filter(raised_on__range=(p.start, p.end))
        return _counts(alerts if scope is None else alerts.filter(child__in=scope), field)

    for field, choices, group in (
        ("category", PracticeAlertCategory, "What the concern was about"),
        ("stage", PracticeAlertStage, "How far it has gone in the dispute process"),
    ):
        now, before = counted(period, field), counted(previous, field)
        for value in choices.values:
            table.rows.append(
                Row(
                    str(choices(value).label), now.get((value,), 0), sum(now.values()),
                    before.get((value,), 0), sum(before.values()), group=group,
                )
            )  # fmt: skip
    return table


def parent_participation(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Parents consulted before, and taking part in, the reviews held in the period."""
    table = Table(
        "parent-participation", "How parents took part", "Parents recorded for the reviews held in the period"
    )

    def counted(p: Period) -> tuple[int, int, int]:
        parents = ReviewParent.objects.filter(review__held_on__range=(p.start, p.end))
        if scope is not None:
            parents = parents.filter(review__child__in=scope)
        figures = parents.aggregate(
            total=Count("pk"),
            consulted=Count("pk", filter=Q(consulted=True)),
            took_part=Count("pk", filter=Q(took_part=True)),
        )
        return figures["total"], figures["consulted"], figures["took_part"]

    (total, consulted, took_part), (total_b, consulted_b, took_part_b) = counted(period), counted(previous)
    table.rows.append(Row("Consulted before the review", consulted, total, consulted_b, total_b))
    table.rows.append(Row("Took part in the review", took_part, total, took_part_b, total_b))
    return table


def _waited(until: str, since: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(until) - F(since), output_field=DurationField())


def response_waits(first: datetime, after: datetime, scope: QuerySet[Child] | None = None) -> tuple[QuerySet, QuerySet]:
    """Messages and safeguarding alerts from first up to after, with how long each waited (null: waiting still)."""
    # The one definition of a response time: the report's thresholds below and the medians per IRO
    # (reporting.selectors) both read `to_read` and `to_acknowledge` from here.
    statements = Statement.objects.filter(created_at__gte=first, created_at__lt=after, found_in="").annotate(
        to_read=_waited("read_at", "created_at"), to_acknowledge=_waited("acknowledged_at", "created_at")
    )
    alerts = SafeguardingAlert.objects.filter(raised_at__gte=first, raised_at__lt=after).annotate(
        to_acknowledge=_waited("acknowledged_at", "raised_at")
    )
    if scope is not None:
        statements, alerts = statements.filter(child__in=scope), alerts.filter(child__in=scope)
    return statements, alerts


def response_times(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """How quickly children's messages were read and acknowledged, and alerts taken in hand."""
    table = Table(
        "response-times",
        "How quickly children's messages were read",
        "Messages children sent in the period (for the last row, safeguarding alerts raised in it)",
    )

    def figures(p: Period) -> dict[str, tuple[int, int]]:
        statements, alerts = response_waits(*p.moments(), scope)
        read = statements.aggregate(
            total=Count("pk"),
            day=Count("pk", filter=Q(to_read__lte=timedelta(days=1))),
            week=Count("pk", filter=Q(to_read__lte=timedelta(days=7))),
            acknowledged=Count("pk", filter=Q(to_acknowledge__lte=timedelta(days=7))),
        )
        taken = alerts.aggregate(total=Count("pk"), hours=Count("pk", filter=Q(to_acknowledge__lte=timedelta(hours=2))))
        return {
            "Messages read by the IRO within a day": (read["day"], read["total"]),
            "Messages read by the IRO within a week": (read["week"], read["total"]),
            "Messages acknowledged within a week": (read["acknowledged"], read["total"]),
            "Safeguarding alerts acknowledged within 2 hours": (taken["hours"], taken["total"]),
        }

    now, before = figures(period), figures(previous)
    for label, (count, base) in now.items():
        table.rows.append(Row(label, count, base, *before[label]))
    return table


def _feedback_counts(p: Period, scope, group_field: str) -> dict[tuple, int]:
    answers = ServiceFeedback.objects.filter(request__review__held_on__range=(p.start, p.end))
    if scope is not None:
        answers = answers.filter(request__review__child__in=scope)
    return {
        (row[group_field], question, row[question]): row["n"]
        for question in ("listened", "made_difference")
        for row in answers.values(group_field, question).annotate(n=Count("pk"))
    }


def _feedback_table(name: str, title: str, period: Period, previous: Period, scope, group_field: str, groups) -> Table:
    table = Table(name, title, "Answers from people asked after reviews held in the period, in each group")
    now, before = _feedback_counts(period, scope, group_field), _feedback_counts(previous, scope, group_field)
    for group, label in groups:
        for question, wording in (
            ("listened", "Felt listened to"),
            ("made_difference", "Said the review made a difference"),
        ):
            base = sum(n for (g, q, _), n in now.items() if g == group and q == question)
            base_before = sum(n for (g, q, _), n in before.items() if g == group and q == question)
            table.rows.append(
                Row(
                    wording, now.get((group, question, Rating.YES), 0), base,
                    before.get((group, question, Rating.YES), 0), base_before, group=label,
                )
            )  # fmt: skip
    return table


def service_feedback(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """What children, parents, carers and professionals said about their reviews."""
    return _feedback_table(
        "service-feedback",
        "What people said about reviews",
        period,
        previous,
        scope,
        "request__respondent",
        Respondent.choices,
    )


def service_feedback_by_iro(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Service-user feedback for each IRO's reviews (for managers only)."""
    iros = [(iro.pk, iro.display_name) for iro in User.objects.filter(role=Role.IRO).order_by("first_name", "username")]
    return _feedback_table(
        "service-feedback-by-iro", "What people said about reviews, by IRO", period, previous, scope,
        "request__review__chaired_by", iros,
    )  # fmt: skip


def complaints(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Complaints and representations (Children Act 1989 s.26): received, timeliness at each stage, outcomes.

    Counts only: no words, no names. Each timeliness row's base is the answers (or panels) given for
    the complaints received in the period; "now" rows count every complaint open today.
    """
    table = Table(
        "complaints", "Complaints and representations", "Complaints and representations received in the period"
    )
    answered_in = {
        "stage1_10": Q(stage1_responded_on__lte=F("stage1_due")),
        "stage1_20": Q(stage1_extended_due__isnull=False, stage1_responded_on__lte=F("stage1_extended_due")),
        "stage2_25": Q(stage2_responded_on__lte=F("stage2_due")),
        "stage2_65": Q(stage2_extended_due__isnull=False, stage2_responded_on__lte=F("stage2_extended_due")),
    }
    # The outcome of the last stage answered (stages unanswered hold "", which NULLIF skips).
    final_outcome = Coalesce(
        NullIf("stage3_outcome", Value("")), NullIf("stage2_outcome", Value("")), NullIf("stage1_outcome", Value(""))
    )

    def received(p: Period) -> QuerySet[Complaint]:
        made = Complaint.objects.filter(received_on__range=(p.start, p.end))
        return made if scope is None else made.filter(child__in=scope)

    def figures(p: Period) -> dict:
        made = received(p)
        answered1 = Q(stage1_responded_on__isnull=False) & ~Q(stage1_outcome=Outcome.WITHDRAWN)
        answered2 = Q(stage2_responded_on__isnull=False) & ~Q(stage2_outcome=Outcome.WITHDRAWN)
        counts = made.aggregate(
            total=Count("pk"),
            complaints=Count("pk", filter=Q(kind=Kind.COMPLAINT)),
            representations=Count("pk", filter=Q(kind=Kind.REPRESENTATION)),
            acknowledged=Count("pk", filter=Q(acknowledged_on__lte=F("acknowledgement_due"))),
            stage1_answered=Count("pk", filter=answered1),
            stage1_10=Count("pk", filter=answered1 & answered_in["stage1_10"]),
            stage1_20=Count("pk", filter=answered1 & (answered_in["stage1_10"] | answered_in["stage1_20"])),
            stage1_extended=Count("pk", filter=Q(stage1_extended_due__isnull=False)),
            stage2=Count("pk", filter=Q(stage2_requested_on__isnull=False)),
            stage2_answered=Count("pk", filter=answered2),
            stage2_25=Count("pk", filter=answered2 & answered_in["stage2_25"]),
            stage2_65=Count("pk", filter=answered2 & (answered_in["stage2_25"] | answered_in["stage2_65"])),
            stage3=Count("pk", filter=Q(stage3_requested_on__isnull=False)),
            panels=Count("pk", filter=Q(stage3_panel_held_on__isnull=False)),
            panels_on_time=Count("pk", filter=Q(stage3_panel_held_on__lte=F("stage3_panel_due"))),
            stage3_answered=Count(
                "pk", filter=Q(stage3_responded_on__isnull=False) & ~Q(stage3_outcome=Outcome.WITHDRAWN)
            ),
            stage3_on_time=Count("pk", filter=Q(stage3_responded_on__lte=F("stage3_response_due"))),
        )
        counts["outcomes"] = _counts(made.annotate(final=final_outcome).filter(final__isnull=False), "final")
        return counts

    now, before = figures(period), figures(previous)
    rows = [
        ("Complaints", "complaints", "total", "Received"),
        ("Representations (views or suggestions, not complaints)", "representations", "total", "Received"),
        ("Acknowledged within 2 working days", "acknowledged", "total", ""),
        ("Stage 1 answered within 10 working days", "stage1_10", "stage1_answered", ""),
        ("Stage 1 answered within 20 working days (extended)", "stage1_20", "stage1_answered", ""),
        ("Stage 1 extended", "stage1_extended", "total", ""),
        ("Went to stage 2 (investigation)", "stage2", "complaints", "Went further (out of complaints)"),
        ("Stage 2 answered within 25 working days", "stage2_25", "stage2_answered", ""),
        ("Stage 2 answered within 65 working days (extended)", "stage2_65", "stage2_answered", ""),
        ("Went to stage 3 (review panel)", "stage3", "complaints", "Went further (out of complaints)"),
        ("Review panels held within 30 working days", "panels_on_time", "panels", ""),
        ("Council's response to the panel within 15 working days", "stage3_on_time", "stage3_answered", ""),
    ]
    # The timeliness rows carry no group, so the annual report charts them.
    for label, count, base, group in rows:
        table.rows.append(Row(label, now[count], now[base], before[count], before[base], group=group))
    outcomes_now, outcomes_before = sum(now["outcomes"].values()), sum(before["outcomes"].values())
    for outcome in Outcome:
        table.rows.append(
            Row(
                str(outcome.label), now["outcomes"].get((outcome.value,), 0), outcomes_now,
                before["outcomes"].get((outcome.value,), 0), outcomes_before,
                group="Outcome at the last stage answered",
            )
        )  # fmt: skip
    everything = Complaint.objects.all() if scope is None else Complaint.objects.filter(child__in=scope)
    today = timezone.localdate()
    open_now = everything.aggregate(
        open=Count("pk", filter=Q(closed_at__isnull=True)), overdue=Count("pk", filter=overdue_q(today))
    )
    table.rows.append(Row("Open now", open_now["open"], open_now["open"], group="Today (out of complaints open)"))
    table.rows.append(Row("Overdue now", open_now["overdue"], open_now["open"], group="Today (out of complaints open)"))
    table.notes.append(
        "Children Act 1989 s.26 and SI 2006/1738: acknowledged in 2 working days; stage 1 in 10 (20 if extended); "
        "stage 2 in 25 (65 if extended); a review panel within 30 working days of the request."
    )
    return table


# The care plan is updated within this many working days of the review (the council's standard).
CARE_PLAN_UPDATE_WORKING_DAYS = 10


def _activity_for_review(kind: IroActivityKind, **more) -> Exists:
    return Exists(IroActivity.objects.filter(review=OuterRef("pk"), kind=kind, **more))


def _last_review_day_with_deadline_passed(today: date) -> date:
    """The latest day a review could be held and have its 10 working days over before today."""
    day = today
    while add_working_days(day, CARE_PLAN_UPDATE_WORKING_DAYS) >= today:
        day -= timedelta(days=1)
    return day


def _care_plans_updated_in_time(reviews: QuerySet[Review]) -> tuple[int, int]:
    """(Reviews whose care plan was updated within 10 working days, reviews whose 10 working days are over)."""
    due = reviews.filter(held_on__lte=_last_review_day_with_deadline_passed(timezone.localdate()))
    first_updates = (
        IroActivity.objects.filter(review__in=due, kind=IroActivityKind.CARE_PLAN_UPDATED)
        .values("review")
        .annotate(held_on=Min("review__held_on"), first=Min("on"))
        .values_list("held_on", "first")
    )
    # The deadline depends on the day each review was held, and on bank holidays: worked out here,
    # once for each day a review was held, rather than in SQL.
    deadlines: dict[date, date] = {}
    in_time = 0
    for held_on, first in first_updates:
        if held_on not in deadlines:
            deadlines[held_on] = add_working_days(held_on, CARE_PLAN_UPDATE_WORKING_DAYS)
        in_time += first <= deadlines[held_on]
    return in_time, due.count()


def _in_care_during(p: Period, scope: QuerySet[Child] | None) -> QuerySet[Child]:
    children = Child.objects.all() if scope is None else scope
    return children.filter(became_looked_after__lte=p.end).exclude(left_care__lt=p.start)


def iro_activity(period: Period, previous: Period, scope: QuerySet[Child] | None = None) -> Table:
    """What IROs did between reviews: children seen (and alone) before their review, visits, midway reviews,
    care plans updated within 10 working days of the review, reports shared in advance.

    A child counts as seen before a review when their IRO recorded seeing them for it (IroActivity
    seen_before_review), or recorded with the held review that they met the child on their own
    beforehand (Review.met_child_alone_before, which implies seeing them). Seen alone is either that,
    or a recorded seeing marked alone. A "no" on the review only says the child was not met alone: it
    does not say they were not seen.
    """
    table = Table(
        "iro-activity",
        "What IROs did between reviews",
        "Reviews held in the period, or children in care during it, as the notes below the table say",
    )

    def figures(p: Period) -> dict[str, tuple[int, int]]:
        reviews = held_reviews(p, scope)
        met_alone = Q(met_child_alone_before=True)
        held = reviews.aggregate(
            total=Count("pk"),
            seen=Count("pk", filter=met_alone | Q(_activity_for_review(IroActivityKind.SEEN_BEFORE_REVIEW))),
            alone=Count(
                "pk", filter=met_alone | Q(_activity_for_review(IroActivityKind.SEEN_BEFORE_REVIEW, seen_alone=True))
            ),
            shared=Count("pk", filter=Q(_activity_for_review(IroActivityKind.REPORT_SHARED))),
        )
        updated, updated_base = _care_plans_updated_in_time(reviews)
        activities = IroActivity.objects.filter(on__range=(p.start, p.end))
        if scope is not None:
            activities = activities.filter(child__in=scope)
        between = activities.aggregate(
            visits=Count("pk", filter=Q(kind=IroActivityKind.VISIT)),
            visited=Count("child", filter=Q(kind=IroActivityKind.VISIT), distinct=True),
            visited_alone=Count("child", filter=Q(kind=IroActivityKind.VISIT, seen_alone=True), distinct=True),
            midway=Count("pk", filter=Q(kind=IroActivityKind.MIDWAY_REVIEW)),
            midway_children=Count("child", filter=Q(kind=IroActivityKind.MIDWAY_REVIEW), distinct=True),
        )
        in_care = _in_care_during(p, scope).count()
        total = held["total"]
        return {
            "Children seen by their IRO before their review": (held["seen"], total),
            "Children seen on their own before their review": (held["alone"], total),
            "Consultation or report shared with the child or family before the review": (held["shared"], total),
            "Care plan updated within 10 working days of the review": (updated, updated_base),
            "Children visited by their IRO between reviews": (between["visited"], in_care),
            "Children visited and seen on their own between reviews": (between["visited_alone"], in_care),
            "Children whose care plan had a midway review": (between["midway_children"], in_care),
            "Visits made between reviews": (between["visits"], 0),
            "Midway reviews held": (between["midway"], 0),
        }

    now, before = figures(period), figures(previous)
    count_only = {"Visits made between reviews", "Midway reviews held"}
    for label, (count, base) in now.items():
        # Counts with no base stand apart in their group, so the annual report charts only the percentages.
        table.rows.append(
            Row(label, count, base, *before[label], group="Counts (not out of anything)" if label in count_only else "")
        )
    table.notes.append(
        "Seen before the review: the IRO recorded seeing the child for that review, or recorded with the held "
        "review that they met the child on their own beforehand. Base: reviews held in the period."
    )
    table.notes.append(
        "Care plan updated: within 10 working days of the review (England and Wales bank holidays excluded); "
        "base: reviews held in the period whose 10 working days are over."
    )
    table.notes.append(
        "Between reviews: base, the children in care at some time in the period; visits and midway reviews "
        "made are counts, with no base."
    )
    return table


REPORTS: dict[str, Callable[..., Table]] = {
    "participation": participation,
    "participation-by-age": participation_by_age,
    "participation-by-sex": participation_by_sex,
    "participation-by-ethnicity": participation_by_ethnicity,
    "participation-by-placement": participation_by_placement,
    "participation-by-communication": participation_by_communication,
    "timeliness": timeliness,
    "caseloads": caseloads,
    "consultation-returns": consultation_returns,
    "statements": statements,
    "parent-participation": parent_participation,
    "practice-alerts": practice_alerts,
    "response-times": response_times,
    "service-feedback": service_feedback,
    "service-feedback-by-iro": service_feedback_by_iro,
    "complaints": complaints,
    "iro-activity": iro_activity,
    "wellbeing": wellbeing,
}


# Figures only a manager may see: for an IRO these answer 404.
MANAGER_ONLY = frozenset({"caseloads", "service-feedback-by-iro"})


def report(name: str, period: Period, scope: QuerySet[Child] | None = None) -> Table:
    """Return the named report for the period, compared with the period before.

    With a scope (an IRO's own caseload), only those children's figures are counted. Read from
    the replica when there is one: a figure may be a second behind, never wrong.
    """
    with reads_from_replica():
        return REPORTS[name](period, period.previous(), scope)
