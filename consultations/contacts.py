"""Sending a link to a child, or to an adult around them, by the channel they have."""

from django.core.mail import send_mail
from django.db import transaction

from accounts.models import User
from consultations.models import ChildContact, ContactChannel
from sms.outbound import sms_queue
from sms.selectors import texts_stopped_for


def link_channel(contact: ChildContact | None, child_user: User | None) -> str | None:
    """How to reach them now: a text if they chose texts (the child always) and have not sent STOP, else email."""
    phone = contact.phone if contact else (child_user.phone if child_user else "")
    if phone and (contact is None or contact.channel == ContactChannel.SMS) and not texts_stopped_for(phone):
        return ContactChannel.SMS
    if contact is not None and contact.email:
        return ContactChannel.EMAIL
    return None


def link_send(
    *,
    by: str,
    contact: ChildContact | None,
    child_user: User | None,
    text: str,
    subject: str,
    message: str,
    purpose: str,
    key: str,
) -> None:
    """Send a link by text (to the contact, or the child when there is no contact) or by email after commit.

    `text` and `message` hold the link and nothing about the child's care; `key` makes a repeat a no-op
    for texts.
    """
    if by == ContactChannel.SMS:
        phone = contact.phone if contact else (child_user.phone if child_user else "")
        sms_queue(to=phone, body=text, purpose=purpose, key=key, user=child_user if contact is None else None)
    elif by == ContactChannel.EMAIL and contact is not None and contact.email:
        email = contact.email

        def send() -> None:
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])

        transaction.on_commit(send, robust=True)
