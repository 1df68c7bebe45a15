"""Reads for a child's record as their IRO and managers see it: reviews, wellbeing and latest messages."""

from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from consultations.models import Audience
from consultations.selectors import WellbeingLine, wellbeing_history
from consultations.services import audience_for_child
from feedback.models import Statement
from feedback.selectors import statements_visible_to, unread_from_child_side
from reviews.models import Child, Review
from reviews.participation import ParticipationCode
from reviews.selectors import child_get_for_user, current_iro_allocation

# Who reads a child's record: the pack's readers among people (the case system reads through the API).
RECORD_READERS = frozenset({Role.IRO, Role.MANAGER})
# How many of the child's latest messages the record lists; the inbox and the pack have the rest.
LATEST_MESSAGES = 5


@dataclass
class ChildRecord:
    """One child as their IRO sees them: who they are, their reviews, their wellbeing and latest words."""

    child: Child
    today: date
    iro: User | None
    reviews: list[Review]
    form_audience: str | None
    wellbeing: list[WellbeingLine]
    statements: list[Statement]

    @property
    def age(self) -> int:
        return self.child.age_on(self.today)

    @property
    def next_review(self) -> Review | None:
        return next((review for review in self.reviews if not review.is_held), None)

    @property
    def held(self) -> list[Review]:
        """The reviews held, latest first."""
        return [review for review in reversed(self.reviews) if review.is_held]

    @property
    def held_rows(self) -> list[tuple[Review, str]]:
        """Each review held, latest first, with how the child took part in words (its SSDA903 code's)."""
        return [(review, _participation(review.participation_code)) for review in self.held]

    @property
    def form_label(self) -> str:
        return str(Audience(self.form_audience).label) if self.form_audience else ""


def _participation(code: str) -> str:
    return str(ParticipationCode(code).label) if code in ParticipationCode.values else code


def child_record_get(user: User, child_id: int) -> Child:
    """Return a child whose record this user (their IRO, or a manager) may read; 404 whether missing or not theirs."""
    if user.role not in RECORD_READERS:
        raise Http404("No such child.")
    return child_get_for_user(user, child_id)


def child_record(user: User, child: Child) -> ChildRecord:
    """The child's record (child_record_get first), in a fixed number of queries whatever their history."""
    today = timezone.localdate()
    allocation = current_iro_allocation(child)
    reviews = list(Review.objects.filter(child=child).order_by("sequence"))
    upcoming = next((review for review in reviews if not review.is_held), None)
    # The form their next review's invitation would carry (an IRO's choice, symbols, or by age then).
    audience = audience_for_child(child, upcoming.date if upcoming else today)
    # Only what this reader may see, as in their inbox: an IRO, the messages the child sent them.
    statements = (
        statements_visible_to(user)
        .filter(child=child)
        .annotate(new_reply=unread_from_child_side())
        .order_by("-created_at", "-pk")[:LATEST_MESSAGES]
    )
    return ChildRecord(
        child=child,
        today=today,
        iro=allocation.iro if allocation else None,
        reviews=reviews,
        form_audience=audience,
        wellbeing=wellbeing_history(child),
        statements=list(statements),
    )
