"""Reads of statements, alerts and after-review feedback, scoped to the user, and the IRO's inbox."""

from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from consultations.models import ChildContact, ContactRole
from feedback.inbox_filters import InboxFilter
from feedback.models import (
    AlertEvent,
    Category,
    Reply,
    ReplyFrom,
    SafeguardingAlert,
    ServiceFeedbackRequest,
    Statement,
)
from feedback.safeguarding import matched_words
from reviews.models import Child, Review
from reviews.selectors import children_visible_to, current_iro_allocation, responsible_iro
from sms.models import FAILED_STATES, OutboundMessage

# Which of a statement's choices (Statement.for_*) names each role that a child may choose to read it.
CHOSEN_FIELD = {
    Role.IRO: "for_iro",
    Role.SOCIAL_WORKER: "for_social_worker",
    Role.PERSONAL_ADVISER: "for_personal_adviser",
    Role.ADVOCATE: "for_advocate",
}

# Whatever the child chose, words that raise a safeguarding alert reach these (issue #18; Working
# Together to Safeguard Children 2023: the child's social worker leads on a safeguarding concern).
ALERT_READERS = frozenset({Role.IRO, Role.SOCIAL_WORKER})


def chosen_by_child(user: User) -> Q:
    """The statements a member of staff who works with the child may read: those the child chose them for.

    The IRO and the social worker also read any that raised a safeguarding alert (urgent words, or
    words that joined or raised one later); each reads what they wrote themselves too (an advocate
    for the child, or a worker in a session with them).
    """
    if user.role not in CHOSEN_FIELD:
        return Q(pk__in=[])
    chosen = Q(**{CHOSEN_FIELD[Role(user.role)]: True})
    if user.role in ALERT_READERS:
        chosen |= Q(is_urgent=True) | Q(Exists(SafeguardingAlert.objects.filter(statement=OuterRef("pk"))))
    # What they wrote for the child (an advocate) or wrote down with them in a session, they read too.
    return chosen | Q(author=user)


def statements_visible_to(user: User) -> QuerySet[Statement]:
    """Return the statements this user may read.

    A child sees their own (and their own words found in a complaint or a form). An IRO, social
    worker, personal adviser or advocate sees the messages of the children allocated (or assigned)
    to them now that the child chose them to read (past ones too, none once the allocation ends;
    see chosen_by_child); managers see all, as does the council's case system (reading through the
    API with its key, integrations); an administrator or a CiCC member sees none (administrators
    configure Heard, they are not readers of children's words).
    """
    statements = Statement.objects.select_related("child", "author", "read_by", "review")
    if not user.is_authenticated or not user.is_active:
        return statements.none()
    if user.role in (Role.MANAGER, Role.CASE_SYSTEM):
        return statements
    if user.role in CHOSEN_FIELD:
        return statements.filter(chosen_by_child(user), child__in=children_visible_to(user))
    if user.role == Role.CHILD:
        # Words of theirs found in a complaint or a form are theirs to see; a parent's or carer's are not.
        return statements.filter(Q(found_in="") | Q(author=user), child__user=user)
    return statements.none()


def words_found_raised_alert(found_in: str, pk: int) -> bool:
    """Whether the words of this complaint, form or feedback (FoundIn) raised a safeguarding alert."""
    return Statement.objects.filter(found_in=found_in, found_in_pk=pk).exists()


def statement_get_for_user(user: User, statement_id: int | str) -> Statement:
    """Return the statement if this user may read it; 404 whether missing or not theirs."""
    try:
        return statements_visible_to(user).get(pk=statement_id)
    except (Statement.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such statement.") from exc


def statement_sent_with_key(author: User, key: str) -> Statement | None:
    """Return the statement this author sent with this Idempotency-Key, if any."""
    return Statement.objects.filter(author=author, idempotency_key=key).first()


def replies_on(statement: Statement) -> QuerySet[Reply]:
    """Return the conversation on a statement the caller may read (statement_get_for_user first), oldest first."""
    return statement.replies.select_related("author", "read_by").order_by("created_at", "pk")


def reply_sent_with_key(author: User, key: str) -> Reply | None:
    """Return the reply this author sent with this Idempotency-Key, if any."""
    return Reply.objects.filter(author=author, idempotency_key=key).first()


def unread_from_child_side() -> Exists:
    """Whether a statement has a reply from the child's side that their IRO has not read (the inbox's "new reply")."""
    return Exists(Reply.objects.filter(statement=OuterRef("pk"), read_at__isnull=True).exclude(sender=ReplyFrom.IRO))


def statement_theme_slugs(statement: Statement) -> set[str]:
    """Return the slugs of the themes a statement is tagged with already."""
    return set(statement.themes.values_list("theme__slug", flat=True))


@dataclass
class InboxGroup:
    """One child's upcoming review and the statements waiting for it."""

    child: Child
    review: Review | None
    statements: list[Statement] = field(default_factory=list)
    last_held: Review | None = None

    @property
    def failed_text(self) -> OutboundMessage | None:
        """The latest text to this child that could not be delivered, if any."""
        user = self.child.user
        failed = getattr(user, "failed_texts", []) if user else []
        return failed[0] if failed else None

    @property
    def unread_count(self) -> int:
        return sum(1 for statement in self.statements if not statement.is_read)

    @property
    def new_reply_count(self) -> int:
        """Messages the child's side has replied on since their IRO last read them."""
        return sum(1 for statement in self.statements if getattr(statement, "new_reply", False))


def inbox_position(group: InboxGroup) -> tuple[date, str]:
    """Where a group stands in the inbox: its child's next review (undated last), then case reference."""
    return (group.review.date if group.review else date.max, group.child.case_reference)


def _messages_matching(filters: InboxFilter, groups: list[InboxGroup]) -> Q:
    """The inbox filter's conditions on a statement (with the new_reply annotation)."""
    wanted = Q()
    if filters.category:
        wanted &= Q(category=filters.category)
    if filters.unread:
        wanted &= Q(read_at__isnull=True) | Q(new_reply=True)
    if filters.urgent:
        wanted &= Q(is_urgent=True)
    if filters.search:
        # The child's name or case reference (their record is already read), or the words themselves.
        needle = filters.search.casefold()
        named = [
            group.child.pk
            for group in groups
            if needle in group.child.case_reference.casefold() or needle in group.child.known_as.casefold()
        ]
        wanted &= Q(body__icontains=filters.search) | Q(child_id__in=named)
    return wanted


@dataclass
class Inbox:
    """A page of the inbox: its children's groups and, when asked for, the open alerts above them."""

    groups: list[InboxGroup]
    alerts: list[SafeguardingAlert] = field(default_factory=list)


def inbox_read(
    user: User,
    *,
    page_extras: bool = True,
    after: tuple[date, str] | None = None,
    limit: int | None = None,
    filters: InboxFilter | None = None,
    alerts: bool = False,
) -> Inbox:
    """Return the user's inbox: a group per child, soonest upcoming review first, and with `alerts` the open alerts.

    Each group holds the statements for the child's upcoming review (or for none) and any still
    unread from before it. `after` and `limit` give one page: the groups after that position
    (see inbox_position), at most `limit` of them, with only their children's statements read.
    Three queries however large the caseload, five with `page_extras`, which adds what only the
    page shows: who wrote and read each message, each child's last held review and texts that
    could not be delivered. `filters` (feedback.inbox_filters) narrows it in the same queries: a
    child's group is left out when none of their messages match, or their review is not soon enough.
    `alerts` adds open_alerts_for(user) (naming only the child without `page_extras`), the same
    alerts read by the ids of the children already read where they are the same children.
    """
    filters = filters or InboxFilter()
    # An IRO's or social worker's alerts are those of every child they may see, in care or not
    # (alerts_visible_to): read the children once for both, and leave out in Python who left care.
    # Compiling the visibility rule's subquery again for the alerts was a tenth of the API's inbox.
    share_children = alerts and user.role in ALERT_READERS and filters.child is None
    children = children_visible_to(user)
    if not share_children:
        children = children.filter(left_care__isnull=True)
    if filters.child is not None:
        children = children.filter(pk=filters.child)
    if page_extras:
        failed_texts = OutboundMessage.objects.filter(status__in=FAILED_STATES).order_by("-created_at")
        # Only each child's latest held review: a child in care for years has dozens.
        latest_held = (
            Review.objects.filter(held_on__isnull=False)
            .annotate(
                newest=Window(RowNumber(), partition_by=[F("child_id")], order_by=[F("held_on").desc(), F("pk").desc()])
            )
            .filter(newest=1)
        )
        children = children.select_related("user").prefetch_related(
            Prefetch("user__sms_messages", queryset=failed_texts, to_attr="failed_texts"),
            Prefetch("reviews", queryset=latest_held, to_attr="held"),
        )
    upcoming: dict[int, Review] = {}
    read = list(children)
    visible_ids = [child.pk for child in read]
    groups = [InboxGroup(child=child, review=None) for child in read if child.left_care is None]
    waiting = Review.objects.filter(child_id__in=[g.child.pk for g in groups], held_on__isnull=True)
    for review in waiting.order_by("child_id", "sequence"):
        upcoming.setdefault(review.child_id, review)  # each child's next
    for group in groups:
        group.review = upcoming.get(group.child.pk)
        held = getattr(group.child, "held", None)  # only with page_extras
        group.last_held = held[0] if held else None
    review_by = filters.review_by()
    if review_by is not None:
        groups = [group for group in groups if group.review is not None and group.review.date <= review_by]
    groups.sort(key=inbox_position)
    if after is not None:
        groups = [group for group in groups if inbox_position(group) > after]
    # A manager's inbox lists only the children with messages waiting, so their page is cut after
    # the messages are read; an IRO's before, so only the page's children's messages are read.
    manager = user.role == Role.MANAGER
    # Listing only the children with messages left (a manager's, or a filter on messages), the page
    # is cut once the messages are read.
    only_with_messages = manager or filters.on_messages
    if limit is not None and not only_with_messages:
        groups = groups[:limit]
    by_id = {group.child.pk: group for group in groups}
    # Filtered on the statement's own columns (the upcoming reviews' ids are known by now), so
    # PostgreSQL reads each child's statements by index and joins only the few it returns.
    # A message the child has replied on since their IRO last read it is waiting again, whatever
    # its review: it is marked in the same query, so the inbox costs no more.
    pending = (
        Statement.objects.filter(child_id__in=list(by_id))
        .filter(Q() if manager else chosen_by_child(user))
        .annotate(new_reply=unread_from_child_side())
        .filter(
            Q(read_at__isnull=True)
            | Q(review__isnull=True)
            | Q(review_id__in=[upcoming[c].pk for c in by_id if c in upcoming])
            | Q(new_reply=True)
        )
    )
    if filters.on_messages:
        pending = pending.filter(_messages_matching(filters, groups))
    if page_extras:
        pending = pending.select_related("review", "author", "read_by")
    else:
        # The API shows only the date each message's review is due (mobile_api statement_data): read
        # as a column, not a Review made for each message.
        pending = pending.annotate(review_due_by=F("review__due_by"))
    for statement in pending:  # newest first
        group = by_id[statement.child_id]
        Statement.child.field.set_cached_value(statement, group.child)
        group.statements.append(statement)
    if only_with_messages:
        groups = [group for group in groups if group.statements][:limit]
    if not alerts:
        return Inbox(groups=groups)
    if share_children:
        among = _alerts_read_with(SafeguardingAlert.objects.filter(child_id__in=visible_ids), people=page_extras)
        return Inbox(groups=groups, alerts=_open_first_untaken(user, among))
    return Inbox(groups=groups, alerts=open_alerts_for(user, people=page_extras))


def alerts_visible_to(user: User) -> QuerySet[SafeguardingAlert]:
    """Return the safeguarding alerts this user may see and act on.

    Managers see all; an IRO sees the alerts of the children they are responsible for now (their own,
    or those they cover while the child's IRO is away: none after re-allocation or the end of cover),
    and a social worker those of the children allocated to them now, whoever the child wrote to;
    the emergency duty team sees the open alerts passed to it out of hours. Nobody else sees any.
    """
    alerts = _alerts_read_with(SafeguardingAlert.objects.all(), people=True)
    if not user.is_authenticated or not user.is_active:
        return alerts.none()
    if user.role in (Role.MANAGER, Role.CASE_SYSTEM):
        return alerts
    if user.role in ALERT_READERS:
        return alerts.filter(child__in=children_visible_to(user))
    if user.role == Role.EDT:
        return alerts.filter(closed_at__isnull=True, passed_to_edt_at__isnull=False)
    return alerts.none()


def open_alerts_for(user: User, *, people: bool = True) -> list[SafeguardingAlert]:
    """Return the open alerts this user may see, those nobody has taken charge of first, then the oldest.

    Without `people` (the API's inbox, which names only the child) the staff on each alert and its
    statement are not read with it.
    """
    alerts = alerts_visible_to(user)
    if not people:
        alerts = _alerts_read_with(alerts.select_related(None), people=False)
    return _open_first_untaken(user, alerts)


def _alerts_read_with(alerts: QuerySet[SafeguardingAlert], *, people: bool) -> QuerySet[SafeguardingAlert]:
    """The alerts with their child and, with `people`, the staff on them and the statement, in the same query."""
    if not people:
        return alerts.select_related("child")
    return alerts.select_related("child", "assigned_to", "acknowledged_by", "edt_acknowledged_by", "statement")


def _open_first_untaken(user: User, alerts: QuerySet[SafeguardingAlert]) -> list[SafeguardingAlert]:
    """The open ones of these alerts: those nobody has taken charge of first (the EDT: nobody there), oldest first."""
    taken = "edt_acknowledged_at" if user.role == Role.EDT else "acknowledged_at"
    return list(alerts.filter(closed_at__isnull=True).order_by(F(taken).asc(nulls_first=True), "raised_at", "pk"))


def alert_get_for_user(user: User, alert_id: int | str) -> SafeguardingAlert:
    """Return the alert if this user may see it; 404 whether missing or not theirs."""
    try:
        return alerts_visible_to(user).get(pk=alert_id)
    except (SafeguardingAlert.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such alert.") from exc


def urgent_reason_text(reason: str, body: str) -> str:
    """Return why a statement was urgent in plain English, from its stored reason ("child chose: unsafe")."""
    kind, _, value = reason.partition(": ")
    if kind == "child chose" and value in Category.values:
        return f"Chose '{Category(value).label}'"
    if kind == "phrase":
        said = matched_words(body, value)
        if said:
            return "Said words that match: " + ", ".join(f"'{words}'" for words in said)
        return f"Said words that match the safeguarding phrase '{value}'"
    return reason


@dataclass
class AlertWords:
    """One message on an alert: the first, or words the child added after it, with why each was urgent."""

    statement: Statement
    reasons: list[str]


@dataclass
class AlertReplyWords:
    """A reply from the child's side on the alert's message, with why it was urgent (if it was)."""

    reply: Reply
    reasons: list[str]


@dataclass
class Reach:
    """Someone to call about the child, and how: a carer, the home, the social worker, the IRO, the child."""

    who: str
    name: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""

    @property
    def tel(self) -> str:
        """The number for a tel: link: E.164 where it can be read, else its digits."""
        try:
            return phonenumbers.format_number(phonenumbers.parse(self.phone, "GB"), phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            return "".join(c for c in self.phone if c.isdigit() or c == "+")

    @property
    def phone_display(self) -> str:
        """The number as people in the UK write it (07700 900123), or as recorded."""
        try:
            number = phonenumbers.parse(self.phone, "GB")
        except phonenumbers.NumberParseException:
            return self.phone
        style = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 44
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, style)


@dataclass
class AlertPage:
    """What someone acting on an alert needs on one page: the child, where they are, who to call, what they said."""

    alert: SafeguardingAlert
    child: Child
    age: int
    contacts: list[Reach]
    words: list[AlertWords]
    events: list[AlertEvent]
    replies: list[AlertReplyWords] = field(default_factory=list)

    @property
    def placement_reachable(self) -> bool:
        """Whether there is a number for whoever looks after the child now: a carer, or the home."""
        return any(person.who in ("Carer", "The home") and person.phone for person in self.contacts)


def _people_to_call(child: Child) -> list[Reach]:
    contacts = [
        Reach(who="Carer", name=carer.name, phone=carer.phone, email=carer.email, note=carer.relationship)
        for carer in ChildContact.objects.filter(child=child, role=ContactRole.CARER, active=True)
    ]
    if child.placement_phone:
        contacts.append(Reach(who="The home", name=child.get_placement_type_display(), phone=child.placement_phone))
    worker = child.social_worker
    if worker is not None:
        contacts.append(Reach(who="Social worker", name=worker.name, phone=worker.phone, email=worker.email))
    iro = responsible_iro(child)
    if iro is not None:
        allocation = current_iro_allocation(child)
        covering = allocation is not None and allocation.iro_id != iro.pk
        contacts.append(
            Reach(
                who="IRO",
                name=iro.get_full_name() or iro.display_name,
                phone=iro.phone,
                email=iro.email,
                note=f"covering for {allocation.iro.display_name}" if covering and allocation else "",
            )
        )
    if child.user is not None and child.user.phone:
        contacts.append(Reach(who="The child's own phone", phone=child.user.phone))
    return contacts


def _phrases(statement: Statement) -> list[str]:
    return [reason for reason in statement.urgent_reasons if reason.startswith("phrase: ")]


def alert_page(alert: SafeguardingAlert) -> AlertPage:
    """Gather an alert's page: the child's care record and whom to call, every word in order, and the timeline."""
    child = Child.objects.select_related("user", "social_worker").get(pk=alert.child_id)
    first = alert.statement
    added = list(first.follow_ups.select_related("author").order_by("created_at", "pk"))
    return AlertPage(
        alert=alert,
        child=child,
        age=child.age_on(timezone.localdate()),
        contacts=_people_to_call(child),
        words=[AlertWords(statement=first, reasons=[urgent_reason_text(r, first.body) for r in first.urgent_reasons])]
        # What the child added keeps the first message's topic: only its own words can add a reason.
        + [
            AlertWords(statement=said, reasons=[urgent_reason_text(r, said.body) for r in _phrases(said)])
            for said in added
        ],
        events=list(alert.events.select_related("actor", "recipient")),
        # What the child's side said back in the conversation: one urgent reply may be why it was raised.
        replies=[
            AlertReplyWords(reply=said, reasons=[urgent_reason_text(r, said.body) for r in said.urgent_reasons])
            for said in first.replies.select_related("author").exclude(sender=ReplyFrom.IRO).order_by("created_at")
        ],
    )


def feedback_requests_open_for_child(user: User) -> QuerySet[ServiceFeedbackRequest]:
    """Return the signed-in child's own requests to say how a review went, not answered and not expired."""
    if user.role != Role.CHILD:
        return ServiceFeedbackRequest.objects.none()
    return ServiceFeedbackRequest.objects.filter(
        review__child__user=user, contact__isnull=True, expires_at__gt=timezone.now(), answer__isnull=True
    ).select_related("review")


def feedback_request_open_for_child(user: User, review_id: int) -> ServiceFeedbackRequest | None:
    """Return the signed-in child's open request for one of their reviews, if there is one."""
    return feedback_requests_open_for_child(user).filter(review_id=review_id).first()


def reviews_held_for_child(user: User) -> QuerySet[Review]:
    """Return the signed-in child's held reviews, each with `feedback_wanted` while they are asked how it went."""
    if user.role != Role.CHILD:
        return Review.objects.none()
    asking = feedback_requests_open_for_child(user).filter(review=OuterRef("pk"))
    return Review.objects.filter(child__user=user, held_on__isnull=False).annotate(feedback_wanted=Exists(asking))
