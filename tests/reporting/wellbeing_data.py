"""Children's answers to the wellbeing check, written straight into the database for the report tests."""

from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from consultations.models import FormTemplateVersion, Invitation, Response
from reviews.models import Child, Review
from tests.conftest import make_child

LONDON = ZoneInfo("Europe/London")
_numbers = count(1)


def version(audience: str) -> FormTemplateVersion:
    return FormTemplateVersion.objects.filter(template__audience=audience).latest("pk")


def answered(child: Child, on: date, answers: dict, audience: str = "young_12_15") -> Response:
    """The child sent their own form on this day (at noon, London time), for a review of its own."""
    n = next(_numbers)
    sequence = (
        Review.objects.filter(child=child).order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    review = Review.objects.create(child=child, sequence=sequence, due_by=on, held_on=on, participation_code="PN1")
    form = version(audience)
    invitation = Invitation.objects.create(
        review=review, audience=audience, version=form, channel="web", token_hash=f"wellbeing-{n}",
        expires_at=datetime(on.year + 1, 1, 1, tzinfo=LONDON),
    )  # fmt: skip
    submitted = datetime(on.year, on.month, on.day, 12, tzinfo=LONDON)
    return Response.objects.create(invitation=invitation, version=form, answers=answers, submitted_at=submitted)


def child(
    reference: str,
    *,
    sex: str = "2",
    ethnicity: str = "WBRI",
    out_of_area: bool = False,
    born: date = date(2012, 5, 17),
) -> Child:
    record = make_child(reference, born=born)
    Child.objects.filter(pk=record.pk).update(sex=sex, ethnicity=ethnicity, placed_out_of_area=out_of_area)
    record.refresh_from_db()
    return record
