"""Who reads a child's message: the readers the child chose, checked against the people who work with them now."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from feedback.models import EVERYONE, Recipient, Statement
from reviews.models import Child
from reviews.selectors import advocates_assigned_to, current_workers, responsible_iro

# Each choice and the statement's column that records it.
RECIPIENT_FIELDS = {
    Recipient.IRO: "for_iro",
    Recipient.SOCIAL_WORKER: "for_social_worker",
    Recipient.PERSONAL_ADVISER: "for_personal_adviser",
    Recipient.ADVOCATE: "for_advocate",
}
# Without a choice (older apps, texts without one, advocates' forms) a message goes to the IRO, as it always did.
DEFAULT_FLAGS = {"for_iro": True, "for_social_worker": False, "for_personal_adviser": False, "for_advocate": False}
EVERYONE_FLAGS = dict.fromkeys(DEFAULT_FLAGS, True)


@dataclass
class Reader:
    """One choice offered to a child: who, in their words, and the person it is now (None: not yet known)."""

    value: str
    label: str
    person: User | None


def readers_offered(child: Child) -> list[Reader]:
    """Return the readers a child may choose now, their IRO first: the IRO always, the others when allocated.

    The IRO is always offered: a child without one yet is heard by the managers who allocate one.
    """
    workers = current_workers(child)
    offered = [Reader(Recipient.IRO, str(Recipient.IRO.label), responsible_iro(child))]
    for kind in (Recipient.SOCIAL_WORKER, Recipient.PERSONAL_ADVISER):
        if kind in workers:
            offered.append(Reader(kind, str(kind.label), workers[kind]))
    advocates = advocates_assigned_to(child)
    if advocates:
        offered.append(Reader(Recipient.ADVOCATE, str(Recipient.ADVOCATE.label), advocates[0]))
    return offered


def recipients_clean(recipients: object, *, child: Child) -> dict[str, bool]:
    """Return the Statement.for_* flags for the readers chosen; refuse an unknown choice or one the child lacks.

    `recipients` is None (no choice: their IRO), a list of Recipient values, or ["everyone"]. A
    reader the child does not have now (no personal adviser yet) is refused rather than stored,
    so the words never wait for nobody.
    """
    if recipients is None:
        return dict(DEFAULT_FLAGS)
    if isinstance(recipients, str):
        recipients = [recipients]
    if not isinstance(recipients, list | tuple) or not recipients:
        raise ValidationError({"recipients": _("Choose who should read your message.")})
    allowed = {*Recipient.values, EVERYONE}
    if not all(isinstance(value, str) and value in allowed for value in recipients):
        raise ValidationError({"recipients": _("Choose who should read your message from the people offered.")})
    chosen = set(recipients)
    if EVERYONE in chosen:
        return dict(EVERYONE_FLAGS)
    if chosen != {Recipient.IRO}:  # the IRO is always there: no need to look
        available = {reader.value for reader in readers_offered(child)}
        if not chosen <= available:
            raise ValidationError(
                {"recipients": _("Not everyone you chose works with you in Heard yet. Choose from the people offered.")}
            )
    return {field: value in chosen for value, field in RECIPIENT_FIELDS.items()}


def readers_to_tell(statement: Statement) -> list[User]:
    """Return the people to tell that a message arrived: each chosen reader working with the child now.

    The IRO responsible today (their own or the cover) is the statement's routed_to and told first;
    the others follow. (An urgent message's alert tells the social worker whatever the child chose:
    feedback.notifications.alert_notify.)
    """
    child = statement.child
    people: list[User] = []
    if statement.for_social_worker or statement.for_personal_adviser:
        workers = current_workers(child)
        if statement.for_social_worker and Recipient.SOCIAL_WORKER in workers:
            people.append(workers[Recipient.SOCIAL_WORKER])
        if statement.for_personal_adviser and Recipient.PERSONAL_ADVISER in workers:
            people.append(workers[Recipient.PERSONAL_ADVISER])
    if statement.for_advocate:
        people += [advocate for advocate in advocates_assigned_to(child) if advocate.pk != statement.author_id]
    return [person for person in people if person.pk != statement.routed_to_id]
