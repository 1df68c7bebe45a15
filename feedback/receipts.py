"""Read receipts: the child's IRO reading and acknowledging a statement, and each side reading the other's replies."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from feedback.live import push_inbox_event
from feedback.models import Reply, ReplyFrom, Statement
from feedback.tasks import notify_child_about_statement
from reviews.models import WorkerKind
from reviews.selectors import current_worker, responsible_iro


def is_responsible_iro(statement: Statement, user: User) -> bool:
    """Return True when the user is the IRO responsible for the statement's child today (their own or the cover)."""
    iro = responsible_iro(statement.child)
    return iro is not None and iro.pk == user.pk


def is_chosen_reader(statement: Statement, user: User) -> bool:
    """Return True when the user is one of the readers the child chose, working with the child today.

    Their IRO (own or cover), social worker or personal adviser, as the child chose; the IRO and
    the social worker also for a message that raised an alert. Their read is the one the child sees,
    and they answer in the conversation.
    """
    if user.role == Role.IRO and (statement.for_iro or _raised_an_alert(statement)):
        return is_responsible_iro(statement, user)
    if user.role == Role.SOCIAL_WORKER and (statement.for_social_worker or _raised_an_alert(statement)):
        worker = current_worker(statement.child, WorkerKind.SOCIAL_WORKER)
        return worker is not None and worker.pk == user.pk
    if user.role == Role.PERSONAL_ADVISER and statement.for_personal_adviser:
        worker = current_worker(statement.child, WorkerKind.PERSONAL_ADVISER)
        return worker is not None and worker.pk == user.pk
    return False


def _raised_an_alert(statement: Statement) -> bool:
    """Whether the statement's words raised (or joined) a safeguarding alert (a query only when not urgent)."""
    return statement.is_urgent or hasattr(statement, "alert")


@transaction.atomic
def statement_mark_read(*, statement: Statement, reader: User) -> Statement:
    """Record the first read by a reader the child chose (IRO or cover, social worker, adviser): the child sees it."""
    if not is_chosen_reader(statement, reader):
        # Managers may look, but only the read of someone the child wrote to counts for the child.
        return statement
    updated = Statement.objects.filter(pk=statement.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=reader
    )
    if updated:
        statement.refresh_from_db(fields=["read_at", "read_by"])
        tell_child_on_commit(statement, "read")
    return statement


@transaction.atomic
def statement_acknowledge(*, statement: Statement, iro: User) -> Statement:
    """A reader the child chose (usually their IRO) records that they have taken the statement in (and so read it)."""
    if not is_chosen_reader(statement, iro):
        raise PermissionDenied("Only someone the child wrote to can acknowledge a statement.")
    statement = statement_mark_read(statement=statement, reader=iro)
    if statement.acknowledged_at is None:
        statement.acknowledged_at = timezone.now()
        statement.save(update_fields=["acknowledged_at"])
    return statement


def tell_child_on_commit(statement: Statement, what: str) -> None:
    """Tell the child, after commit, that their IRO read or replied (when they asked to be told)."""

    def tell_child() -> None:
        notify_child_about_statement.delay(statement.pk, what)

    transaction.on_commit(tell_child, robust=True)


def replies_mark_read(*, statement: Statement, reader: User) -> int:
    """Record that the other side's replies were read: the child reading their IRO's, the IRO the child's side's.

    Anyone else (a manager looking, an advocate) reads without a receipt. Returns how many were
    marked; the IRO's open inbox pages drop the "new reply" mark once it is committed.
    """
    if statement.child.user_id == reader.pk:
        unread = Reply.objects.filter(statement=statement, sender=ReplyFrom.IRO)
    elif is_chosen_reader(statement, reader):
        unread = Reply.objects.filter(statement=statement).exclude(sender=ReplyFrom.IRO)
    else:
        return 0
    marked = unread.filter(read_at__isnull=True).update(read_at=timezone.now(), read_by=reader)
    if marked and not reader.is_child:
        statement_id, reader_id = statement.pk, reader.pk

        def clear_the_inbox_mark() -> None:
            push_inbox_event(reader_id, "reply_read", statement_id)

        transaction.on_commit(clear_the_inbox_mark, robust=True)
    return marked
