"""Reads for consultations: the forms, a child's open ones, who may open which, and the pre-review pack."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from consultations.models import (
    CHILD_AUDIENCES,
    SMS_AUDIENCES,
    ChildContact,
    ContactRole,
    FormTemplate,
    FormTemplateVersion,
    Invitation,
    Response,
)
from consultations.schema import MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES, choices_for
from consultations.wellbeing import INDICATORS, Indicator, fell, wellbeing_scores
from feedback.models import Feeling, Statement
from reviews import statutory
from reviews.models import Child, Review
from reviews.selectors import children_visible_to

MEETING_TYPES = ("meeting_people", "meeting_place_time", "chairing", "advocate_wanted", "see_iro_alone")


def child_form_templates() -> QuerySet[FormTemplate]:
    """Return the children's forms (not the adults'), by title: those an IRO may choose for a child."""
    return FormTemplate.objects.filter(audience__in=CHILD_AUDIENCES).order_by("title")


def child_form_template_get(template_id: int) -> FormTemplate | None:
    """Return one of the children's forms, or None when there is no such children's form."""
    return child_form_templates().filter(pk=template_id).first()


def form_version_get(version_id: int) -> FormTemplateVersion:
    """Return a version of a form with its template; 404 when there is none."""
    try:
        return FormTemplateVersion.objects.select_related("template").get(pk=version_id)
    except FormTemplateVersion.DoesNotExist as exc:
        raise Http404("No such form.") from exc


def consultations_open_for_child(user: User) -> QuerySet[Invitation]:
    """Return the forms waiting for this child to fill in, soonest review first."""
    if user.role != Role.CHILD:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            contact__isnull=True, review__child__user=user, expires_at__gt=timezone.now(), review__held_on__isnull=True
        )
        .exclude(response__submitted_at__isnull=False)
        # The child too: the questions asked depend on their age on the review date (Invitation.asked_schema).
        .select_related("review__child", "version", "response")
        .order_by("expires_at")
    )


def consultation_is_open_for_child(user: User, invitation: Invitation) -> bool:
    """Return whether this child may still fill in the form: not sent, not expired, the review not held."""
    return consultations_open_for_child(user).filter(pk=invitation.pk).exists()


def consultation_open_for_child_get(user: User, invitation_id: int | None) -> Invitation | None:
    """Return this child's form while they may still fill it in, with its review, child and form; else None."""
    return consultations_open_for_child(user).filter(pk=invitation_id).first() if invitation_id else None


def consultation_by_text_for(user: User) -> Invitation | None:
    """Return the young person's open form they may answer by text, the soonest review's first."""
    return consultations_open_for_child(user).filter(audience__in=SMS_AUDIENCES).first()


def invitation_get_for_user(user: User, invitation_id: int | str) -> Invitation:
    """Return a child's invitation that this user may fill in (the child, or their advocate or IRO)."""
    if user.role not in (Role.CHILD, Role.ADVOCATE, Role.IRO):
        raise Http404("No such consultation.")
    invitations = Invitation.objects.filter(contact__isnull=True, review__child__in=children_visible_to(user))
    try:
        return invitations.select_related("review__child", "version", "response").get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such consultation.") from exc


@dataclass
class AnswerRow:
    question: str
    answer: str
    kind: str
    not_shared: bool = False


def answer_rows(schema: dict, answers: dict) -> list[AnswerRow]:
    """Return each answered question with its answer in words, in the form's order."""
    rows = []
    for question in schema["questions"]:
        value = answers.get(question["id"])
        if value is None or value in ("", []):
            continue
        labels = {c["value"]: str(c["label"]) for c in choices_for(question)}
        if question["type"] in SINGLE_CHOICE_TYPES:
            shown = labels.get(str(value), str(value))
        elif question["type"] in MULTI_CHOICE_TYPES:
            shown = ", ".join(labels.get(v, v) for v in list(value))
        else:
            shown = str(value)
        rows.append(AnswerRow(question["text"], shown, question["type"], question["type"] == "not_shared"))
    return rows


@dataclass
class PackEntry:
    invitation: Invitation
    response: Response | None
    rows: list[AnswerRow] = field(default_factory=list)

    @property
    def not_shared(self) -> list[AnswerRow]:
        return [row for row in self.rows if row.not_shared]


@dataclass(frozen=True)
class FeelingPoint:
    """A face the child chose on a message, and when."""

    at: datetime
    feeling: int

    @property
    def word(self) -> str:
        return str(Feeling(self.feeling).label)


@dataclass
class ReviewPack:
    review: Review
    entries: list[PackEntry]
    statements: list[Statement]

    @property
    def child_age(self) -> int:
        return self.review.child.age_on(self.review.date)

    @property
    def answered(self) -> list[PackEntry]:
        return [entry for entry in self.entries if entry.response is not None]

    @property
    def waiting(self) -> list[PackEntry]:
        return [entry for entry in self.entries if entry.response is None]

    @property
    def meeting_wishes(self) -> list[AnswerRow]:
        child = next((e for e in self.answered if e.invitation.is_for_child), None)
        return [row for row in child.rows if row.kind in MEETING_TYPES] if child else []

    @property
    def not_shared(self) -> list[tuple[PackEntry, AnswerRow]]:
        return [(entry, row) for entry in self.answered for row in entry.not_shared]

    @property
    def feelings(self) -> list[FeelingPoint]:
        """How the child said they felt on their messages since the last review, oldest first."""
        # Read from the statements the pack already holds: no query of its own.
        return [FeelingPoint(at=s.created_at, feeling=s.feeling) for s in self.statements if s.feeling is not None]


@dataclass(frozen=True)
class WellbeingPoint:
    """One indicator's score in the child's answers before one review."""

    review_sequence: int
    review_date: date
    score: int


@dataclass
class WellbeingLine:
    """One indicator across the child's reviews, oldest first, and whether it fell at the latest."""

    indicator: Indicator
    points: list[WellbeingPoint]

    @property
    def latest(self) -> WellbeingPoint:
        return self.points[-1]

    @property
    def fell(self) -> bool:
        """Whether the latest answer is worse than the one before it (consultations.wellbeing.fell)."""
        return len(self.points) > 1 and fell(self.indicator.slug, self.points[-2].score, self.points[-1].score)


# How many reviews back the pack and the child's record look.
WELLBEING_REVIEWS_SHOWN = 6


def wellbeing_history(child: Child, *, up_to: Review | None = None) -> list[WellbeingLine]:
    """The child's wellbeing check across their reviews (their own forms, sent), up to and including `up_to`.

    One query, whatever the child's history: the answers and each one's form version come together.
    """
    responses = Response.objects.filter(
        invitation__review__child=child, invitation__contact__isnull=True, submitted_at__isnull=False
    )
    if up_to is not None:
        responses = responses.filter(invitation__review__sequence__lte=up_to.sequence)
    rows = (
        responses.select_related("version", "invitation__review")
        .only("answers", "version__schema", "invitation__review__sequence", "invitation__review__due_by",
              "invitation__review__scheduled_for", "invitation__review__held_on")
        .order_by("-invitation__review__sequence")[:WELLBEING_REVIEWS_SHOWN]
    )  # fmt: skip
    lines: dict[str, list[WellbeingPoint]] = {}
    for response in reversed(list(rows)):
        review = response.invitation.review
        for slug, score in wellbeing_scores(response.version.schema, response.answers).items():
            lines.setdefault(slug, []).append(WellbeingPoint(review.sequence, review.date, score))
    return [WellbeingLine(INDICATORS[slug], lines[slug]) for slug in INDICATORS if slug in lines]


def review_get_for_pack(user: User, review_id: int) -> Review:
    """Return an upcoming or past review of a child this staff member (or the case system) may see; 404 otherwise."""
    if user.role not in (Role.IRO, Role.MANAGER, Role.CASE_SYSTEM):
        raise Http404("No such review.")
    try:
        return Review.objects.select_related("child").get(pk=review_id, child__in=children_visible_to(user))
    except (Review.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such review.") from exc


def review_pack(review: Review) -> ReviewPack:
    """Everything the IRO should read before this review, in a fixed number of queries."""
    # Each invitation with its answers (a one-to-one, joined in the same query); a draft not yet sent is not shown.
    invitations = (
        Invitation.objects.filter(review=review)
        .select_related("contact", "response__version", "response__entered_by")
        .order_by("contact_id", "pk")
    )
    entries = []
    for invitation in invitations:
        response = getattr(invitation, "response", None)
        if response is not None and response.submitted_at is None:
            response = None
        rows = answer_rows(response.version.schema, response.answers) if response else []
        entries.append(PackEntry(invitation=invitation, response=response, rows=rows))
    # From the day of the last held review (better to show a message twice than to miss one), or all.
    previous_held = (
        Review.objects.filter(child=review.child_id, held_on__isnull=False, sequence__lt=review.sequence)
        .order_by("-sequence")
        .values("held_on")[:1]
    )
    statements = (
        Statement.objects.filter(
            child=review.child_id, created_at__date__gte=Coalesce(Subquery(previous_held), Value(date.min))
        )
        .select_related("child", "author", "review")
        .order_by("created_at", "pk")
    )
    return ReviewPack(review=review, entries=entries, statements=list(statements))


def pack_answer_get(review: Review, invitation_id: int | str) -> PackEntry:
    """Return one sent answer in a review's pack (review_get_for_pack first), as the pack shows it; 404 otherwise."""
    try:
        invitation = Invitation.objects.select_related(
            "contact", "response__version__template", "response__entered_by"
        ).get(review=review, pk=invitation_id, response__submitted_at__isnull=False)
    except (Invitation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such answer.") from exc
    Invitation.review.field.set_cached_value(invitation, review)
    response = invitation.response
    return PackEntry(
        invitation=invitation, response=response, rows=answer_rows(response.version.schema, response.answers)
    )


@dataclass
class PackFlag:
    review: Review
    waiting: int


def packs_needing_attention(user: User, today: date | None = None) -> list[PackFlag]:
    """Reviews in the next 10 working days whose packs still miss returns (for those who read the packs)."""
    if user.role not in (Role.IRO, Role.MANAGER):
        return []
    today = today or timezone.localdate()
    horizon = statutory.add_working_days(today, 10)
    reviews = list(
        Review.objects.filter(child__in=children_visible_to(user), held_on__isnull=True)
        .filter(
            Q(scheduled_for__range=(today, horizon)) | Q(scheduled_for__isnull=True, due_by__range=(today, horizon))
        )
        .select_related("child")
    )
    missing: dict[int, int] = {}
    for invitation in Invitation.objects.filter(review__in=reviews).select_related("response"):
        response = getattr(invitation, "response", None)
        if response is None or response.submitted_at is None:
            missing[invitation.review_id] = missing.get(invitation.review_id, 0) + 1
    flags = [PackFlag(review=review, waiting=missing[review.pk]) for review in reviews if review.pk in missing]
    return sorted(flags, key=lambda flag: flag.review.date)


def parents_of(child: Child) -> list[ChildContact]:
    """Return the child's parents on record now, whom a review record says were consulted and took part."""
    return list(ChildContact.objects.filter(child=child, role=ContactRole.PARENT, active=True))
