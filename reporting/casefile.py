"""A child's statement, consultation answer or review summary as an A4 PDF for the council's case file."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation

from accounts.models import Role, User
from backend.pdf import pdf_from_html
from consultations.models import EntryMode
from consultations.models import Response as ConsultationResponse
from consultations.selectors import PackEntry
from feedback.models import ReplyFrom, Statement
from feedback.selectors import replies_on
from reviews.models import Child, Review
from reviews.participation import ParticipationCode
from reviews.selectors import review_get_for_user, reviews_for_child_user

CASEFILE_CSS = settings.BASE_DIR / "static" / "heard" / "casefile.css"
# The case file is the council's record, kept in English whatever language the child reads Heard in.
CASEFILE_LANGUAGE = "en-gb"


def person(user: User | None) -> str:
    """A member of staff as a case file names them: full name where known, else the name Heard shows."""
    if user is None:
        return "someone no longer recorded"
    return user.get_full_name() or user.display_name


def _names_for(reader: User) -> Callable[[User | None], str]:
    """How the copy names staff: in full for staff; for a child, as Heard's pages name staff to children."""
    if reader.role != Role.CHILD:
        return person
    return lambda user: user.display_name if user is not None else "someone no longer recorded"


def _child_name(child: Child) -> str:
    return child.known_as or "(no name recorded)"


def _render(template: str, *, child: Child, title: str, made: str, reader: User, record: str, **context) -> bytes:
    """Lay one record out under the case-file header, with who downloaded it and when, as a PDF."""
    with translation.override(CASEFILE_LANGUAGE):
        html = render_to_string(
            template,
            {
                "la_name": settings.LA_NAME,
                "child": child,
                "child_name": _child_name(child),
                "title": title,
                "made": made,
                "record": record,
                "downloaded_by": person(reader) if reader.role != Role.CHILD else "the child",
                "downloaded_at": timezone.localtime(),
                **context,
            },
        )
    return pdf_from_html(html, stylesheets=[CASEFILE_CSS])


def _when(moment: datetime | None) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y, H:i") if moment else "(not recorded)"


def _sent(entry: PackEntry) -> ConsultationResponse:
    if entry.response is None:
        raise ValueError("Only a sent answer goes in the case file (consultations.selectors.pack_answer_get).")
    return entry.response


def statement_written_by(statement: Statement, name: Callable[[User | None], str] = person) -> str:
    """Who wrote a statement: the child, or their advocate for them with the child's consent."""
    if statement.on_behalf:
        return f"{name(statement.author)}, the child's advocate, on the child's behalf (the child's consent recorded)"
    if statement.assisted and statement.author is not None:
        role = statement.author.get_role_display().lower()
        written = f"written down with {name(statement.author)} ({role}) in a session"
        return f"the child, {written} (the child's consent recorded)"
    if statement.found_in:
        where = f"written in {statement.get_found_in_display().lower()}, not as a message"
        if statement.author is None:
            return f"{where}, sent by a link without signing in"
        if statement.author.role != Role.CHILD:
            return f"{where}, recorded by {name(statement.author)}"
        return f"the child, {where}"
    return "the child"


def statement_pdf(statement: Statement, *, reader: User) -> bytes:
    """A statement (statement_get_for_user first) with its conversation in order, for the case file."""
    name = _names_for(reader)
    replies = [
        (reply, _reply_from(reply.sender, name(reply.author)))
        for reply in replies_on(statement)  # the child's IRO's, the child's, an advocate's, oldest first
    ]
    added = list(statement.follow_ups.order_by("created_at", "pk"))
    return _render(
        "casefile/statement.html",
        child=statement.child,
        title=f"A message from the child: {statement.get_category_display()}",
        made=f"Written {_when(statement.created_at)} by {statement_written_by(statement, name)}",
        reader=reader,
        record=f"Heard message {statement.pk}",
        statement=statement,
        read_by=name(statement.read_by) if statement.read_at else "",
        replies=replies,
        added=added,
    )


def _reply_from(sender: str, author: str) -> str:
    if sender == ReplyFrom.IRO:
        return f"{author}, the child's IRO"
    if sender == ReplyFrom.ADVOCATE:
        return f"{author}, the child's advocate, for the child"
    return "The child"


def answer_entered_by(entry: PackEntry) -> str:
    """How a sent consultation answer came in: the child themself, an adult with the child, or by its link."""
    response, invitation = _sent(entry), entry.invitation
    if response.entered_by is None:
        return f"Answered through the link sent by {invitation.get_channel_display().lower()}"
    if response.entered_by.role == Role.CHILD:
        return "The child, signed in to Heard"
    how = response.get_entry_mode_display().lower()
    consent = "" if response.entry_mode == EntryMode.OWN_WORDS else "; the child's consent recorded"
    return f"{person(response.entered_by)} ({response.entered_by.get_role_display()}) with the child: {how}{consent}"


def consultation_answer_pdf(entry: PackEntry, *, reader: User) -> bytes:
    """One sent consultation answer from a review's pack, each question with its answer as the pack shows them."""
    invitation, response = entry.invitation, _sent(entry)
    review = invitation.review
    who = f"The child's (the form for a {invitation.get_audience_display().lower()})"
    if invitation.contact is not None:
        relationship = f", {invitation.contact.relationship}" if invitation.contact.relationship else ""
        who = f"{invitation.get_audience_display()}: {invitation.contact.name}{relationship}"
    return _render(
        "casefile/consultation_answer.html",
        child=review.child,
        title=f"Consultation before review {review.sequence}: "
        + ("the child's answers" if invitation.contact is None else who),
        made=f"Sent to the child's IRO {_when(response.submitted_at)}",
        reader=reader,
        record=f"Heard consultation answer {invitation.pk}",
        entry=entry,
        review=review,
        who=who,
        entered_by=answer_entered_by(entry),
    )


def review_summary_get_for_user(user: User, review_id: int) -> Review:
    """Return a published review summary this user may read: the child's own, or for the child's IRO; 404 otherwise.

    The same readers as the pages: the child on "My reviews", their IRO on the summary page.
    """
    if user.role == Role.CHILD:
        review = reviews_for_child_user(user).select_related("child", "chaired_by").filter(pk=review_id).first()
    elif user.role == Role.IRO:
        review = review_get_for_user(user, review_id)
    else:
        review = None
    if review is None or review.summary_published_at is None:
        raise Http404("No such review summary.")
    return review


def review_summary_pdf(review: Review, *, reader: User) -> bytes:
    """A published "what happened at your review" (reviews.models.Review.child_summary), for the case file."""
    code = review.participation_code
    return _render(
        "casefile/review_summary.html",
        child=review.child,
        title=f"What happened at review {review.sequence}: the summary for the child",
        made=f"Published to the child {_when(review.summary_published_at)} by the child's IRO",
        reader=reader,
        record=f"Heard review {review.pk}",
        review=review,
        chair=_names_for(reader)(review.chaired_by) if review.chaired_by_id else "not recorded",
        participation=ParticipationCode(code).label if code in ParticipationCode.values else code or "not recorded",
    )
