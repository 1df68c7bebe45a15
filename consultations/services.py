"""Writes for consultations: forms from files, choosing the form, inviting, and answering."""

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from backend.signed_links import LinkProblem, link_issue, link_open, unused_token_hash
from consultations.contacts import link_send
from consultations.models import (
    CHILD_AUDIENCES,
    SMS_AUDIENCES,
    Audience,
    ChildContact,
    ContactChannel,
    EntryMode,
    FormOverride,
    FormTemplate,
    FormTemplateVersion,
    Invitation,
    InvitationChannel,
    Response,
)
from consultations.schema import TEXT_TYPES, check_schema, clean_answers, schema_for_age
from feedback.live import push_inbox_event
from feedback.models import Channel, FoundIn
from feedback.safeguarding import assess_urgency
from feedback.services import statement_for_words_elsewhere
from integrations import services as webhooks
from reporting.services import response_themes_assign
from reviews import statutory
from reviews.models import Child, Review
from reviews.selectors import children_visible_to, language_for, responsible_iro
from reviews.services import advocacy_request_from_form
from sms.models import Purpose
from sms.selectors import texts_stopped_for

FORMS_DIR = Path(__file__).resolve().parent / "forms"
LINK_KIND = "consultation-link"


# --- Forms ---------------------------------------------------------------------------------


@transaction.atomic
def forms_sync_from_files(directory: Path = FORMS_DIR) -> list[FormTemplateVersion]:
    """Load the form files; publish a new version of any form whose questions changed."""
    published = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text())
        check_schema(data["schema"])
        template, _created = FormTemplate.objects.update_or_create(
            audience=data["audience"], defaults={"slug": data["slug"], "title": data["title"]}
        )
        latest = template.latest_published()
        if latest is not None and latest.schema == data["schema"]:
            continue
        number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        published.append(
            FormTemplateVersion.objects.create(
                template=template, number=number, schema=data["schema"], published_at=timezone.now()
            )
        )
    return published


@transaction.atomic
def version_publish(*, version: FormTemplateVersion) -> FormTemplateVersion:
    """Publish a draft version; from then on it never changes."""
    version = FormTemplateVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is not None:
        raise ValidationError({"published_at": "This version is already published."})
    try:
        check_schema(version.schema)
    except ValueError as exc:
        raise ValidationError({"schema": str(exc)}) from exc
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


def audience_for_child(child: Child, on: date) -> str | None:
    """Return which child form fits: an IRO's override, symbols, or by age on the review date.

    None under 4: such a child is not asked to fill in a form (their review is coded PN0).
    """
    override = FormOverride.objects.filter(child=child).select_related("template").first()
    if override is not None:
        return override.template.audience
    if child.uses_symbols:
        return Audience.SYMBOLS
    age = child.age_on(on)
    if age < 4:
        return None
    if age <= 7:
        return Audience.CHILD_4_7
    if age <= 11:
        return Audience.CHILD_8_11
    if age <= 15:
        return Audience.YOUNG_12_15
    return Audience.YOUNG_16_PLUS


@transaction.atomic
def form_override_set(*, child: Child, template: FormTemplate, iro: User) -> FormOverride:
    """The IRO chooses a different form for this child."""
    responsible = responsible_iro(child)
    if iro.role != Role.MANAGER and (responsible is None or responsible.pk != iro.pk):
        raise PermissionDenied("Only the child's IRO can choose their form.")
    if template.audience not in CHILD_AUDIENCES:
        raise ValidationError({"template": "Choose one of the children's forms."})
    override, _created = FormOverride.objects.update_or_create(
        child=child, defaults={"template": template, "set_by": iro}
    )
    return override


def _published_version(audience: str) -> FormTemplateVersion:
    template = FormTemplate.objects.filter(audience=audience).first()
    version = template.latest_published() if template else None
    if version is None:
        raise ValidationError({"template": f"No published form for {audience}: run consultation_forms_sync."})
    return version


# --- Links ---------------------------------------------------------------------------------


def invitation_link(token: str) -> str:
    """Return the public link for a token: no name and nothing about the child in it."""
    return f"{settings.PUBLIC_BASE_URL}{reverse('consultations:by_link', args=[token])}"


def invitation_open(token: str) -> Invitation:
    """Return the invitation a link opens, or raise LinkProblem saying why it cannot be used."""
    invitation = link_open(LINK_KIND, token, Invitation.objects.select_related("review__child", "version", "contact"))
    if Response.objects.filter(invitation=invitation, submitted_at__isnull=False).exists():
        raise LinkProblem("used")
    if invitation.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return invitation


# --- Invitations ---------------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _invitation_text(link: str, *, reminder: bool, by_text: bool) -> str:
    """The text with the link, in the active language: that views are wanted, nothing about the child's care."""
    # Young people may answer by text instead: they reply FORM.
    if by_text and reminder:
        # Translators: keep %(link)s as it is, a space after it. FORM is the word texted back: keep it in capitals.
        text = _("Heard: Reminder: we'd like your views. Open: %(link)s or reply FORM")
    elif by_text:
        # Translators: keep %(link)s as it is, a space after it. FORM is the word texted back: keep it in capitals.
        text = _("Heard: we'd like your views. Open: %(link)s or reply FORM")
    elif reminder:
        # Translators: keep %(link)s last, as it is: a mark touching it breaks the link.
        text = _("Heard: Reminder: we'd like your views. Open: %(link)s")
    else:
        # Translators: keep %(link)s last, as it is: a mark touching it breaks the link.
        text = _("Heard: we'd like your views. Open: %(link)s")
    return text % {"link": link}


def _send(invitation: Invitation, token: str, *, reminder: bool) -> None:
    link = invitation_link(token)
    opening = "Reminder: " if reminder else ""
    for_child = invitation.contact is None
    # The child's text is in the language on their record; no language is recorded for the adults
    # around them, who are written to in English.
    with translation.override(language_for(invitation.review.child) if for_child else settings.LANGUAGE_CODE):
        text = _invitation_text(link, reminder=reminder, by_text=for_child and invitation.audience in SMS_AUDIENCES)
    link_send(
        by=invitation.channel,
        contact=invitation.contact,
        child_user=invitation.review.child.user,
        text=text,
        subject=f"{opening}Your views before a looked-after review",
        message=(
            "The Independent Reviewing Officer would like your views before a review you are involved in.\n\n"
            f"Please answer here: {link}\n\nThe link works once and expires on the day of the review."
        ),
        purpose=Purpose.REMINDER if reminder else Purpose.INVITATION,
        key=f"invitation:{invitation.pk}:{'reminder' if reminder else 'invite'}",
    )


def _child_channel(child: Child) -> str:
    user = child.user
    if user is not None and user.phone and not texts_stopped_for(user.phone):
        return InvitationChannel.SMS
    if user is not None:
        return InvitationChannel.APP
    return InvitationChannel.IN_PERSON


@transaction.atomic
def invitations_create_for_review(*, review: Review) -> list[Invitation]:
    """Invite the child (with the form for their age) and each adult recorded for them; send links."""
    Review.objects.select_for_update().filter(pk=review.pk).first()
    if Invitation.objects.filter(review=review).exists() or review.held_on is not None:
        return []
    child = review.child
    expires = _end_of(review.date)
    created = []
    audience = audience_for_child(child, review.date)
    wanted: list[tuple[str, ChildContact | None, str]] = []
    if audience is not None:
        wanted.append((audience, None, _child_channel(child)))
    for adult in ChildContact.objects.filter(child=child, active=True):
        by = InvitationChannel.SMS if adult.channel == ContactChannel.SMS else InvitationChannel.EMAIL
        wanted.append((adult.role, adult, str(by)))
    for audience_value, contact, channel in wanted:
        invitation = Invitation.objects.create(
            review=review,
            audience=audience_value,
            contact=contact,
            version=_published_version(audience_value),
            channel=channel,
            token_hash=unused_token_hash(),  # replaced below, once the id is known
            expires_at=expires,
        )
        token = link_issue(LINK_KIND, invitation)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        _send(invitation, token, reminder=False)
        created.append(invitation)
    return created


@transaction.atomic
def invitation_remind(*, invitation: Invitation) -> bool:
    """Send the one reminder, with a fresh link (the old one stops working). Return whether sent."""
    # Lock only the invitation row: PostgreSQL cannot lock the empty side of an outer join.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("review__child__user", "contact")
        .get(pk=invitation.pk)
    )
    if invitation.reminded_at is not None or invitation.channel in (InvitationChannel.APP, InvitationChannel.IN_PERSON):
        return False
    if Response.objects.filter(invitation=invitation, submitted_at__isnull=False).exists():
        return False
    token = link_issue(LINK_KIND, invitation)
    invitation.reminded_at = timezone.now()
    invitation.save(update_fields=["token_hash", "reminded_at"])
    _send(invitation, token, reminder=True)
    return True


def invitations_due(*, today: date | None = None) -> tuple[int, int]:
    """Invite for every review the lead time away, and remind half-way; return (invited, reminded).

    Runs daily. The lead time is the council's setting (default 10 working days before the
    review); the one reminder goes when half of it has passed.
    """
    today = today or timezone.localdate()
    lead = settings.HEARD_CONSULTATION_LEAD_WORKING_DAYS
    invited = reminded = 0
    upcoming = Review.objects.filter(held_on__isnull=True, child__left_care__isnull=True, invitations__isnull=True)
    for review in upcoming.select_related("child").iterator():
        if statutory.subtract_working_days(review.date, lead) <= today <= review.date:
            invited += len(invitations_create_for_review(review=review))
    open_invitations = Invitation.objects.filter(
        reminded_at__isnull=True, review__held_on__isnull=True, expires_at__gt=timezone.now()
    ).exclude(response__submitted_at__isnull=False)
    for invitation in open_invitations.select_related("review"):
        reminder_day = statutory.subtract_working_days(invitation.review.date, lead // 2)
        # An invitation that went out after the reminder point (a review booked at short notice)
        # gets no reminder on top of it.
        sent_before = invitation.sent_at is not None and timezone.localdate(invitation.sent_at) < reminder_day
        if reminder_day <= today and sent_before:
            reminded += invitation_remind(invitation=invitation)
    return invited, reminded


# --- Answers -------------------------------------------------------------------------------


def _check_on_behalf(*, invitation: Invitation, entered_by: User | None, entry_mode: str, consent_given: bool) -> None:
    if entry_mode not in EntryMode.values:
        raise ValidationError({"entry_mode": "Say how the answers were given."})
    if entered_by is None or entered_by.role == Role.CHILD:
        if entry_mode != EntryMode.OWN_WORDS:
            raise ValidationError({"entry_mode": "Answers you give yourself are in your own words."})
        return
    if not invitation.is_for_child:
        raise PermissionDenied("Staff cannot answer an adult's consultation for them.")

    if (
        entered_by.role not in (Role.ADVOCATE, Role.IRO)
        or not children_visible_to(entered_by).filter(pk=invitation.review.child_id).exists()
    ):
        raise PermissionDenied("Only the child's advocate or IRO can fill this in with them.")
    if not consent_given:
        raise ValidationError({"consent_given": "Record that the child agreed to these answers being sent."})


def _check_open(invitation: Invitation) -> None:
    if invitation.expires_at <= timezone.now() or invitation.review.held_on is not None:
        raise ValidationError({"invitation": _("This form closed when the review took place.")})


def _asked(invitation: Invitation, response: Response) -> dict:
    """The questions the answers are checked against: the response's version, as asked at the child's age.

    An answer to a question not asked at that age is dropped, as answers to unknown questions are.
    """
    return schema_for_age(response.version.schema, invitation.answerer_age)


def _response_for(invitation: Invitation) -> Response:
    response, _created = Response.objects.select_for_update().get_or_create(
        invitation=invitation, defaults={"version": invitation.version}
    )
    return response


@transaction.atomic
def response_save_draft(
    *,
    invitation: Invitation,
    answers: dict,
    entered_by: User | None = None,
    entry_mode: str = EntryMode.OWN_WORDS,
    consent_given: bool = False,
) -> Response:
    """Keep answers so far; nothing is checked for completeness until it is sent."""
    _check_on_behalf(invitation=invitation, entered_by=entered_by, entry_mode=entry_mode, consent_given=consent_given)
    response = _response_for(invitation)
    if response.is_submitted:
        raise ValidationError({"answers": _("These answers have already been sent.")})
    _check_open(invitation)
    clean, errors = clean_answers(_asked(invitation, response), answers, complete=False)
    if errors:
        raise ValidationError(errors)
    response.answers = {**response.answers, **clean}
    response.entered_by = entered_by
    response.entry_mode = entry_mode
    response.consent_given = consent_given
    response.save()
    return response


def wants_an_advocate(schema: dict, answers: dict) -> bool:
    """Whether the answers say "yes" to a question asking if the child would like an advocate."""
    return any(
        question.get("type") == "advocate_wanted" and answers.get(question["id"]) == "yes"
        for question in schema.get("questions", [])
    )


def _disclosed_answers(schema: dict, answers: dict) -> str:
    """Return the written answers that hold a safeguarding phrase, each under its question; empty if none."""
    found = []
    for question in schema.get("questions", []):
        answer = answers.get(question.get("id"))
        if question.get("type") in TEXT_TYPES and isinstance(answer, str) and assess_urgency(category="", body=answer):
            found.append(f"{question['text']}\n{answer.strip()}")
    return "\n\n".join(found)


def _alert_on_disclosure(response: Response, *, entered_by: User | None, channel: str) -> None:
    # Every written answer is read for harm, "not shared" ones too: a disclosure is never kept back.
    words = _disclosed_answers(response.version.schema, response.answers)
    if not words:
        return
    invitation = response.invitation
    child = invitation.review.child
    # The child's own form is the child's words, whoever typed them; a parent's or carer's, theirs.
    author = child.user if invitation.contact is None and child.user is not None else entered_by
    statement_for_words_elsewhere(
        child=child,
        words=words,
        found_in=FoundIn.CONSULTATION,
        found_in_pk=response.pk,
        author=author,
        channel=channel,
    )


@transaction.atomic
def response_submit(
    *,
    invitation: Invitation,
    answers: dict,
    entered_by: User | None = None,
    entry_mode: str = EntryMode.OWN_WORDS,
    consent_given: bool = False,
    channel: str = Channel.WEB,
) -> tuple[Response, bool]:
    """Send the answers to the IRO; return the response and whether it was sent now.

    Sending twice stores once: a second submission returns the first, unchanged. Written answers
    that disclose harm raise a safeguarding alert as a message would (`channel` is how they came).
    """
    _check_on_behalf(invitation=invitation, entered_by=entered_by, entry_mode=entry_mode, consent_given=consent_given)
    response = _response_for(invitation)
    if response.is_submitted:
        return response, False
    _check_open(invitation)
    clean, errors = clean_answers(_asked(invitation, response), {**response.answers, **answers}, complete=True)
    if errors:
        raise ValidationError(errors)
    response.answers = clean
    response.entered_by = entered_by
    response.entry_mode = entry_mode
    response.consent_given = consent_given
    response.submitted_at = timezone.now()
    response.save()

    response_themes_assign(response=response)
    _alert_on_disclosure(response, entered_by=entered_by, channel=channel)
    webhooks.consultation_submitted(response)
    if invitation.contact is None and wants_an_advocate(response.version.schema, clean):
        # Saying so in the form is asking, exactly as on /my/advocate/ (Children Act 1989 s.26A).
        advocacy_request_from_form(child=invitation.review.child, review_sequence=invitation.review.sequence)

    iro = responsible_iro(invitation.review.child)
    if iro is not None:
        iro_id, response_id = iro.pk, response.pk
        transaction.on_commit(lambda: push_inbox_event(iro_id, "consultation", response_id), robust=True)
    return response, True
