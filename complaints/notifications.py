"""Telling people a complaint arrived, after commit: never its words, never the child's name.

The child gets a text in their language saying it was received (and that an advocate can help);
the complaints managers get an email with a link to the register, where the usual access checks apply.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from complaints.models import Complaint, Kind, MadeBy
from reviews.selectors import language_for
from sms.models import Purpose
from sms.outbound import sms_queue

# The texts' purpose in sms.OutboundMessage.
SMS_PURPOSE = Purpose.COMPLAINT


def complaint_arrived(*, complaint_id: int) -> None:
    """Text the child that their complaint was received, and email the complaints managers a link."""
    complaint = Complaint.objects.select_related("child__user").filter(pk=complaint_id).first()
    if complaint is None:
        return
    _tell_the_child(complaint)
    _tell_the_managers(complaint)


def complaint_acknowledged(*, complaint_id: int) -> None:
    """Text the child the acknowledgement: the day we will answer by, and how to get an advocate (s.26A)."""
    complaint = Complaint.objects.select_related("child__user").filter(pk=complaint_id).first()
    user = _child_to_text(complaint) if complaint is not None else None
    if complaint is None or user is None:
        return
    with translation.override(language_for(complaint.child)):
        body = _(
            "Heard: we are looking at what you told us and will answer by %(day)s. "
            "An advocate can help you, for free: ask in Heard."
        ) % {"day": date_format(complaint.stage1_answer_due, "l j E")}
    sms_queue(to=user.phone, body=body, purpose=SMS_PURPOSE, key=f"complaint:{complaint.pk}:acknowledged", user=user)


def _child_to_text(complaint: Complaint) -> User | None:
    """The child's account to text about it, if any."""
    # Only a child who made it (or whose advocate made it with them) is texted: a parent's complaint
    # is theirs to share with the child.
    user = complaint.child.user
    if complaint.made_by_relationship not in (MadeBy.CHILD, MadeBy.ADVOCATE) or user is None or not user.phone:
        return None
    return user


def _tell_the_child(complaint: Complaint) -> None:
    user = _child_to_text(complaint)
    if user is None:
        return
    with translation.override(language_for(complaint.child)):
        if complaint.kind == Kind.COMPLAINT:
            body = _(
                "Heard: we got your complaint. Sign in to Heard to see when we will answer. "
                "An advocate can help you, for free: ask in Heard."
            )
        else:
            body = _("Heard: we got your message. Sign in to Heard to see when we will answer.")
    sms_queue(to=user.phone, body=body, purpose=SMS_PURPOSE, key=f"complaint:{complaint.pk}:received", user=user)


def _tell_the_managers(complaint: Complaint) -> None:
    recipients = sorted(
        User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return
    link = f"{settings.PUBLIC_BASE_URL}{reverse('complaints:manage_detail', args=[complaint.pk])}"
    send_mail(
        subject=f"A new {complaint.get_kind_display().lower()} in Heard",
        message=(
            f"A {complaint.get_kind_display().lower()} about a child's care has arrived in Heard. "
            "It must be acknowledged within 2 working days.\n\n"
            f"See it in the complaints register: {link}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
