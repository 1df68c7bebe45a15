"""The demo council's past: each child's reviews, messages, consultations and feedback, up to now.

Written through the domain services where they take a date (admitting, holding a review,
practice alerts) or where what they decide matters (routing a message to its review, themes,
urgency, participation codes), then dated explicitly: a service that stamps "now" and tells
people at once (a message read, a form sent) does not fit the past. Nothing in the past is sent
again: notices are marked as given, and feedback requests exist before a review is recorded, so
recording it asks nobody now.
"""

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Role, User
from complaints.models import Kind, MadeBy, Outcome
from complaints.services import (
    complaint_acknowledge,
    complaint_make,
    stage1_extend,
    stage1_respond,
    stage2_request,
    stage2_respond,
)
from consultations.models import (
    Audience,
    ChildContact,
    ContactChannel,
    EntryMode,
    FormTemplateVersion,
    Invitation,
    InvitationChannel,
    Response,
)
from consultations.schema import MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES, choices_for, clean_answers
from consultations.services import audience_for_child
from consultations.wellbeing import SCALE_TYPE
from feedback.alerts import alert_close
from feedback.escalation import add_working_hours, is_out_of_hours
from feedback.models import (
    AlertEvent,
    AlertEventKind,
    Category,
    Channel,
    Rating,
    Reply,
    ReplyFrom,
    Respondent,
    SafeguardingAlert,
    ServiceFeedback,
    ServiceFeedbackRequest,
    Statement,
)
from feedback.service_feedback import ANSWER_WITHIN_DAYS, feedback_give
from feedback.services import statement_submit
from reporting.models import Quote, Theme, YouSaidWeDid
from reporting.narratives import narrative_approve, narrative_save, narrative_submit
from reporting.periods import reporting_year
from reporting.services import quote_approve, response_themes_assign, you_said_we_did_publish
from reporting.themes import closed_quarters
from reviews import statutory
from reviews.models import Child, PracticeAlertCategory, PracticeAlertStage, Review
from reviews.participation import ViewsConveyed as V
from reviews.services import practice_alert_advance, practice_alert_raise, review_record_held, review_schedule_next

# How far back children's messages go (reviews go back to when each child came into care).
HISTORY_YEARS = 2
# Reviews due within this many days are held already (early, if need be): every review still to
# come is booked more than the consultation lead time away, so only the reviews the seed books
# for next week have forms out.
HOLD_DUE_WITHIN_DAYS = 28
# Children aged 8 and over have their own accounts; younger children are heard through adults.
OWN_ACCOUNT_AGE = 8

MESSAGES: dict[str, list[str]] = {
    Category.FAMILY_TIME: [
        "I want to see my little brother more than once a month.",
        "Can family time with my mum be at the weekend? I miss school when it's on a Tuesday.",
        "I'd like to phone my nan on her birthday.",
        "Family time at the centre is boring. Can we go to the park instead?",
        "My dad didn't turn up again. I don't want to keep waiting for him.",
        "I'd like to see my sister more. She lives with another family now.",
        "Can I have my cousin's number so I can text her?",
    ],
    Category.SCHOOL: [
        "I like my new school but I need help with maths.",
        "I got moved to a different class and I don't know anyone.",
        "Can I stay at my school if I move house?",
        "I want to do the trip to the outdoor centre with my class.",
        "My teacher says I'm doing better at reading!",
        "I don't want to go to the after-school club any more.",
    ],
    Category.WHERE_I_LIVE: [
        "I'm happy where I live. My carer makes good food.",
        "I'd like a lock on my bedroom door.",
        "Can I have my friend round for tea?",
        "I want to stay living here, please don't move me.",
        "The other boy here takes my things.",
        "I'd like to help choose the colour for my room.",
        "Bedtime is too early. Everyone in my class stays up later.",
    ],
    Category.NEXT_REVIEW: [
        "Can my review be after school please, not in the morning?",
        "I want my nan to come to my meeting.",
        "I don't want my teacher at my review.",
        "Can I have my review at home instead of the office?",
        "I'd like to chair part of my meeting this time.",
        "Please can my advocate come to my review.",
    ],
    Category.GOOD_NEWS: [
        "I got into the football team!",
        "I passed my swimming badge.",
        "I was star of the week at school.",
        "I got a part in the school play.",
        "I've been going to drama club and I love it.",
    ],
    Category.HEALTH: [
        "I've been sleeping badly and I don't know who to tell.",
        "I need to see the dentist, my tooth hurts.",
        "Can I go to the counsellor again? It helped.",
        "My glasses are broken.",
    ],
    Category.SOMETHING_ELSE: [
        "I'd like to choose my own clothes.",
        "Can I have more pocket money? I'm saving for a bike.",
        "I want to learn to cook.",
        "I'd like to join the council for children in care.",
    ],
    Category.WORRIED: [
        "I'm worried about my mum, she sounded upset on the phone.",
        "I'm worried I'll have to move again.",
    ],
}
# How often children write about each thing (urgent worries are rare).
CATEGORY_WEIGHTS = {
    Category.FAMILY_TIME: 6,
    Category.SCHOOL: 5,
    Category.WHERE_I_LIVE: 5,
    Category.NEXT_REVIEW: 3,
    Category.GOOD_NEWS: 3,
    Category.HEALTH: 2,
    Category.SOMETHING_ELSE: 2,
    Category.WORRIED: 0.4,
}
REPLIES = [
    "Thank you for telling me. I'll talk to your social worker this week.",
    "Thanks for letting me know. Let's talk about it at your review.",
    "I've asked your social worker to look into this and I'll let you know.",
    "Thank you. I've written this down for your next meeting.",
    "I hear you. I'll make sure everyone at the meeting knows what you want.",
]
# Good news gets its own answer, not one about looking into it.
GOOD_NEWS_REPLIES = ["That's brilliant news, well done!", "Fantastic! I'm really pleased for you."]
ALERT_ACTIONS = [
    "Spoke to the child and their carer the same day; the social worker visited the next morning.",
    "Called the child back; agreed a visit from the social worker and a plan with the carer.",
]
SUMMARIES = [
    "Thank you for telling me what you think. We agreed you stay where you are, "
    "and family time with your brother goes up to every fortnight.",
    "We talked about school. Your teacher will set up extra help with maths, and we'll check how it's going "
    "at your next review.",
    "Everyone agreed you're settled where you live. Your social worker will sort out the football club.",
    "We listened to what you said about family time. It will move to Saturdays so you don't miss school.",
]
LATE_REASONS = ["Child unwell on the day", "IRO unavailable; rebooked", "Placement move that week"]
TEXT_ANSWERS: dict[str, list[str]] = {
    "home_comment": ["My room is nice. I'd change the wifi.", "It's good. I want a dog.", "Too noisy sometimes."],
    "home_change": ["More time on the computer.", "Nothing, I like it.", "I'd like my own room."],
    "worries": ["Exams.", "Moving house again.", "Nothing really.", "Whether I'll see my dad."],
    "leaving_care_worries": ["Paying bills.", "Where I'll live.", "Getting a job."],
    "anything_else": ["Can I have a phone?", "Thank you for listening.", "I like my carer."],
    "tell_iro": ["I like my new bike.", "I miss my mum.", "I'm happy."],
    "where_when": ["At home after school.", "At school at lunchtime.", "Somewhere quiet, after 4."],
    "progress": ["Settled and doing well at school.", "Some ups and downs, but settled.", "Making good progress."],
    "family_time": ["Going well; contact is consistent.", "Dad has missed two sessions.", "Positive visits."],
    "support_needed": ["Help with homework.", "Respite one weekend a month.", "None at the moment."],
    "how_child_is": ["Happier than last time.", "Still finding things hard.", "Growing up fast."],
    "plan_views": ["I want more time with them.", "I agree with the plan.", "I'd like to be told more."],
    "role": ["Social worker", "Designated teacher", "Health visitor"],
    "concerns": ["None at present.", "Attendance has dipped.", "Sleep is poor."],
    "recommendations": ["Continue the current plan.", "Refer to CAMHS.", "Increase family time."],
}
# Each alert's category, what the IRO wrote, and the stages it went through (resolved, or still open).
PRACTICE_ALERTS = [
    (PracticeAlertCategory.DRIFT, "The permanence plan agreed at the last review has not moved in four months.",
     [PracticeAlertStage.FORMAL_1, PracticeAlertStage.RESOLVED]),
    (PracticeAlertCategory.VISITS, "Statutory visits are overdue: none recorded for ten weeks.",
     [PracticeAlertStage.RESOLVED]),
    (PracticeAlertCategory.EDUCATION, "The personal education plan has not been updated this term.",
     [PracticeAlertStage.RESOLVED]),
    (PracticeAlertCategory.HEALTH, "The review health assessment is three months late.",
     [PracticeAlertStage.FORMAL_1, PracticeAlertStage.FORMAL_2, PracticeAlertStage.RESOLVED]),
    (PracticeAlertCategory.PLACEMENT_MOVE, "The child moved placement without the IRO being told.",
     [PracticeAlertStage.FORMAL_1]),
    (PracticeAlertCategory.RECORDING, "Review recommendations were not added to the care plan.",
     [PracticeAlertStage.RESOLVED]),
    (PracticeAlertCategory.DRIFT, "Family time arrangements agreed at the review have not started.", []),
]  # fmt: skip
PRACTICE_OUTCOMES = [
    "Plan updated and timescales agreed with the team manager.",
    "Visits now booked; the team manager is monitoring them.",
    "Resolved at the team manager's meeting.",
]
YOU_SAID_WE_DID = [
    (
        "family-time",
        "Family time often happens in the school day, so you miss lessons.",
        "Family time is now booked after school or at weekends unless you ask otherwise.",
    ),
    (
        "reviews-and-meetings",
        "Reviews in an office feel too formal.",
        "You can now choose where your review happens, and IROs ask you first.",
    ),
]


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a time on a day in the council's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@dataclass
class Council:
    """Who the past happens to, and when "now" is."""

    rng: random.Random
    now: datetime
    manager: User
    cicc: User
    versions: dict[str, FormTemplateVersion] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def since(self) -> date:
        return self.today - relativedelta(years=HISTORY_YEARS)

    def version(self, audience: str) -> FormTemplateVersion:
        if audience not in self.versions:
            version = FormTemplateVersion.objects.filter(
                template__audience=audience, published_at__isnull=False
            ).latest("number")
            self.versions[audience] = version
        return self.versions[audience]


def child_history(council: Council, child: Child, *, iro: User, advocate: User | None) -> None:
    """Hold each of the child's reviews due so far, with the messages and answers before it."""
    rng, today = council.rng, council.today
    contacts = list(ChildContact.objects.filter(child=child, active=True))
    review = review_schedule_next(child=child)
    previous = child.became_looked_after
    while review is not None and review.due_by < today + timedelta(days=HOLD_DUE_WITHIN_DAYS):
        late = rng.random() < 0.1
        held = review.due_by + timedelta(days=rng.randint(1, 10) if late else -rng.randint(0, 10))
        # An earlier review may be called at any time (reg 33); none is recorded in the future.
        held = max(min(held, today - timedelta(days=1)), previous + timedelta(days=1 if review.sequence > 1 else 0))
        # Before the history window only the reviews themselves are kept, as an SSDA903 import would.
        recent = held >= council.since
        _messages(council, child, iro=iro, advocate=advocate, start=previous, end=moment(held, 9))
        invitations = (
            _consultation(council, review, held=held, start=previous, contacts=contacts, iro=iro) if recent else []
        )
        requests = _ask_for_feedback(review, held=held, contacts=contacts)
        _hold(council, review, held=held, invitations=invitations, contacts=contacts)
        if recent:
            _feedback(council, requests, held=held)
        previous = held
        review = review_schedule_next(child=child)
    _messages(council, child, iro=iro, advocate=advocate, start=previous, end=council.now)
    # Something sent this week and not read yet, for some: the inboxes have work waiting.
    sent_at = council.now - timedelta(hours=rng.uniform(1, 120))
    author = _author(council, child, advocate=advocate, day=timezone.localdate(sent_at))
    if author is not None and rng.random() < 0.5:
        _message(council, child, iro=iro, author=author, sent_at=sent_at, waiting=True)
    if review is not None:
        # Booked up to a week before it is due, on a working day.
        booked = review.due_by - timedelta(days=rng.randint(0, 7))
        while not statutory.is_working_day(booked):
            booked -= timedelta(days=1)
        review.scheduled_for = booked
        review.save(update_fields=["scheduled_for"])


def _messages(council: Council, child: Child, *, iro: User, advocate: User | None, start: date, end: datetime) -> None:
    """Messages the child (or their advocate) sent between two reviews, read and answered as they came."""
    rng = council.rng
    day = max(start, council.since) + timedelta(days=rng.randint(3, 40))
    while True:
        sent_at = moment(day, rng.randint(7, 21), rng.randint(0, 59))
        if sent_at >= end:
            return
        author = _author(council, child, advocate=advocate, day=day)
        if author is not None:
            _message(council, child, iro=iro, author=author, sent_at=sent_at)
        day += timedelta(days=rng.randint(21, 90))


def _author(council: Council, child: Child, *, advocate: User | None, day: date) -> User | None:
    """Who writes: the child, once old enough for an account, or now and then their advocate."""
    author = child.user if child.user is not None and child.age_on(day) >= OWN_ACCOUNT_AGE else None
    if advocate is not None and (author is None or council.rng.random() < 0.25):
        return advocate
    return author


def _message(
    council: Council, child: Child, *, iro: User, author: User, sent_at: datetime, waiting: bool = False
) -> None:
    """One message, read and perhaps answered by the IRO as it would have been (unless still waiting)."""
    rng = council.rng
    # A worry raises a safeguarding alert, which the past has dealt with; only HRD0016's is open now.
    categories = [category for category in CATEGORY_WEIGHTS if not (waiting and category == Category.WORRIED)]
    category = rng.choices(categories, weights=[CATEGORY_WEIGHTS[c] for c in categories])[0]
    by_child = author.role == Role.CHILD
    phone = bool(by_child and author.phone)
    channel = rng.choice([Channel.SMS, Channel.WEB, Channel.APP] if phone else [Channel.WEB, Channel.WEB, Channel.APP])
    statement, _ = statement_submit(
        author=author,
        child=child,
        category=category,
        body=rng.choice(MESSAGES[category]),
        channel=channel if by_child else Channel.WEB,
        consent_given=not by_child,
        quote_consent=by_child
        and category != Category.WORRIED
        and child.age_on(sent_at.date()) >= 12
        and rng.random() < 0.3,
    )
    # Read within a day mostly, within a week often, now and then later; what is due after now waits.
    band = rng.random()
    hours = rng.uniform(0.5, 20) if band < 0.7 else rng.uniform(24, 140) if band < 0.9 else rng.uniform(170, 300)
    read_at = sent_at + timedelta(hours=hours)
    acknowledged_at = read_at + timedelta(hours=rng.uniform(0, 30))
    replied = rng.random() < 0.6
    dates: dict = {"created_at": sent_at, "notified_at": sent_at + timedelta(minutes=1)}
    if not waiting and read_at < council.now:
        dates |= {"read_at": read_at, "read_by": iro}
        if acknowledged_at < council.now and rng.random() < 0.85:
            dates["acknowledged_at"] = acknowledged_at
            if replied:
                replies = GOOD_NEWS_REPLIES if category == Category.GOOD_NEWS else REPLIES
                dates |= {"reply": rng.choice(replies), "replied_at": acknowledged_at, "replied_by": iro}
    Statement.objects.filter(pk=statement.pk).update(**dates)
    if "reply" in dates:
        # The reply is the first in the message's conversation; a child opened it some hours later.
        seen = acknowledged_at + timedelta(hours=6)
        child_read = by_child and seen < council.now
        Reply.objects.create(
            statement=statement,
            author=iro,
            sender=ReplyFrom.IRO,
            body=dates["reply"],
            created_at=acknowledged_at,
            read_at=seen if child_read else None,
            read_by=author if child_read else None,
        )
    if statement.is_urgent:
        _alert_dealt_with(council, statement.alert, iro=iro, raised_at=sent_at)


def _alert_dealt_with(council: Council, alert: SafeguardingAlert, *, iro: User, raised_at: datetime) -> None:
    """Close a past alert (acknowledged mostly within the two hours), dated when it happened."""
    rng = council.rng
    acknowledged_at = raised_at + timedelta(minutes=rng.choice([12, 25, 40, 70, 95, 200]))
    closed_at = acknowledged_at + timedelta(hours=rng.randint(3, 30))
    alert_close(alert=alert, user=iro, action_taken=rng.choice(ALERT_ACTIONS))
    # Raised now by the seed, the alert was passed to the duty team if now is out of hours; dated
    # when it happened, it was passed only if that was out of hours.
    AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.PASSED_TO_EDT).delete()
    SafeguardingAlert.objects.filter(pk=alert.pk).update(
        raised_at=raised_at,
        escalate_at=add_working_hours(raised_at, 2),
        acknowledged_at=acknowledged_at,
        closed_at=closed_at,
        passed_to_edt_at=raised_at if is_out_of_hours(raised_at) else None,
    )
    if is_out_of_hours(raised_at):
        AlertEvent.objects.create(alert=alert, at=raised_at, kind=AlertEventKind.PASSED_TO_EDT)
    when = {
        AlertEventKind.RAISED: raised_at,
        AlertEventKind.ACKNOWLEDGED: acknowledged_at,
        AlertEventKind.CLOSED: closed_at,
    }
    for kind, at in when.items():
        AlertEvent.objects.filter(alert=alert, kind=kind).update(at=at)


def _answers(schema: dict, rng: random.Random) -> dict:
    """Answers to every required question and most others, checked against the form as asked."""
    raw: dict = {}
    for question in schema["questions"]:
        qid, kind = question["id"], question["type"]
        if kind == "not_shared" or (not question.get("required") and rng.random() < 0.25):
            continue
        values = [choice["value"] for choice in choices_for(question)]
        if kind == SCALE_TYPE:
            # The ONS 0-10 questions: most answers near 7 (near 2 for feeling anxious), a few far from it.
            centre = 2 if "anxious" in qid else 7
            raw[qid] = rng.choices(values, weights=[1 / (1 + abs(int(v) - centre)) for v in values])[0]
        elif kind in SINGLE_CHOICE_TYPES:
            # Most children are happy or OK most of the time; the first choices are the sunnier ones.
            raw[qid] = rng.choices(values, weights=[len(values) - i for i in range(len(values))])[0]
        elif kind in MULTI_CHOICE_TYPES:
            raw[qid] = rng.sample(values, k=rng.randint(1, min(3, len(values))))
        else:
            raw[qid] = rng.choice(TEXT_ANSWERS.get(qid, ["Nothing to add."]))
    answers, errors = clean_answers(schema, raw, complete=True)
    if errors:
        raise ValueError(f"Demo answers do not fit {schema['title']}: {errors}")
    return answers


# How likely each is to send their answers before a review (children: whichever form they had).
ANSWER_RATES: dict[str, float] = {Audience.CARER: 0.75, Audience.PARENT: 0.4, Audience.PROFESSIONAL: 0.6}
CHILD_ANSWER_RATE = 0.7


def _consultation(
    council: Council, review: Review, *, held: date, start: date, contacts: list[ChildContact], iro: User
) -> list[Invitation]:
    """The forms sent before a past review (lead time before it) and the answers that came back."""
    rng, child = council.rng, review.child
    sent_on = max(statutory.subtract_working_days(held, 10), start)
    sent_at, expires_at, meeting = moment(sent_on, 10), moment(held, 23, 59), moment(held, 9)
    wanted: list[tuple[str, ChildContact | None, str]] = []
    audience = audience_for_child(child, held)
    if audience is not None:
        user = child.user
        by = (
            InvitationChannel.SMS
            if user and user.phone
            else InvitationChannel.APP
            if user
            else InvitationChannel.IN_PERSON
        )
        wanted.append((audience, None, by))
    for contact in contacts:
        by = InvitationChannel.SMS if contact.channel == ContactChannel.SMS else InvitationChannel.EMAIL
        wanted.append((contact.role, contact, by))
    invitations = Invitation.objects.bulk_create(
        Invitation(
            review=review,
            audience=audience_value,
            contact=contact,
            version=council.version(audience_value),
            channel=channel,
            token_hash=secrets.token_hex(32),  # links long expired: nobody holds a token for these
            expires_at=expires_at,
            sent_at=sent_at,
        )
        for audience_value, contact, channel in wanted
    )
    Invitation.objects.filter(review=review).update(created_at=sent_at)
    responses = []
    for invitation in invitations:
        rate = ANSWER_RATES.get(invitation.audience, CHILD_ANSWER_RATE)
        submitted_at = sent_at + timedelta(hours=rng.uniform(4, 24 * max(1, (held - sent_on).days)))
        if rng.random() >= rate or submitted_at >= meeting:
            continue
        helped = invitation.channel == InvitationChannel.IN_PERSON
        responses.append(
            Response(
                invitation=invitation,
                version=invitation.version,
                # Only what the child is asked at their age (the 8 to 11 form's ONS questions from 11).
                answers=_answers(invitation.asked_schema, rng),
                submitted_at=submitted_at,
                entered_by=iro if helped else child.user if invitation.channel == InvitationChannel.APP else None,
                entry_mode=EntryMode.HELPED if helped else EntryMode.OWN_WORDS,
                consent_given=helped,
            )
        )
    for response in Response.objects.bulk_create(responses):
        response_themes_assign(response=response)
    return invitations


def _ask_for_feedback(review: Review, *, held: date, contacts: list[ChildContact]) -> list[ServiceFeedbackRequest]:
    """The requests sent after the review, made before it is recorded so that recording it sends none now."""
    people: list[tuple[str, ChildContact | None]] = [(Respondent.CHILD, None)] if review.child.age_on(held) >= 4 else []
    people += [(contact.role, contact) for contact in contacts]
    requests = ServiceFeedbackRequest.objects.bulk_create(
        ServiceFeedbackRequest(
            review=review,
            respondent=respondent,
            contact=contact,
            token_hash=secrets.token_hex(32),
            expires_at=moment(held + timedelta(days=ANSWER_WITHIN_DAYS), 23, 59),
        )
        for respondent, contact in people
    )
    ServiceFeedbackRequest.objects.filter(review=review).update(created_at=moment(held, 17))
    return requests


def _hold(
    council: Council, review: Review, *, held: date, invitations: list[Invitation], contacts: list[ChildContact]
) -> None:
    rng, child = council.rng, review.child
    attended = rng.random() < 0.6
    # How the child's views were given; PN0 for a child under 4 whatever happened (DfE rules 440/441).
    ways: Sequence[str] = [""]
    if child.age_on(held) >= 4 and attended:
        ways = (
            [V.SYMBOLS, V.SYMBOLS, V.SPOKE]
            if child.uses_symbols
            else [V.SPOKE, V.SPOKE, V.ADVOCATE_SPOKE, V.SYMBOLS, ""]
        )
    elif child.age_on(held) >= 4:
        ways = [V.BRIEFED_ADVOCATE, V.FACILITATIVE, V.FACILITATIVE, V.NOT_CONVEYED, ""]
    views = rng.choice(ways)
    answered = set(
        Response.objects.filter(invitation__in=invitations, invitation__contact__isnull=False).values_list(
            "invitation__contact_id", flat=True
        )
    )
    parents = [
        (contact.pk, contact.pk in answered or rng.random() < 0.5, rng.random() < 0.45)
        for contact in contacts
        if contact.role == "parent"
    ]
    review_record_held(
        review=review,
        held_on=held,
        late_reason=rng.choice(LATE_REASONS) if held > review.due_by else "",
        attended=attended,
        views=views,
        met_alone=rng.random() < 0.7,
        parents=parents,
    )
    if child.user is not None:
        Review.objects.filter(pk=review.pk).update(
            child_summary=rng.choice(SUMMARIES), summary_published_at=moment(held + timedelta(days=3), 16)
        )


def _feedback(council: Council, requests: list[ServiceFeedbackRequest], *, held: date) -> None:
    """Some of those asked say how the review went, within a fortnight."""
    rng = council.rng
    for request in requests:
        answered_at = moment(held + timedelta(days=rng.randint(1, 14)), rng.randint(8, 20))
        if rng.random() >= 0.55 or answered_at >= council.now:
            continue
        answer, _ = feedback_give(
            request=request,
            listened=rng.choices([Rating.YES, Rating.PARTLY, Rating.NO], weights=[70, 20, 10])[0],
            made_difference=rng.choices([Rating.YES, Rating.PARTLY, Rating.NO], weights=[55, 30, 15])[0],
            better=rng.choice(["", "", "", "Shorter meetings, please.", "Send the notes sooner."]),
            channel=rng.choice([Channel.WEB, Channel.SMS, Channel.APP]),
        )
        ServiceFeedback.objects.filter(pk=answer.pk).update(submitted_at=answered_at)


def practice_alerts(council: Council, children: list[tuple[Child, User]]) -> None:
    """Challenges the IROs raised about care plans over the period, each as far as it has got."""
    rng = council.rng
    # Spread evenly over the period, so that every reporting year in it has some; the last one (still
    # informal) was raised in the past few weeks.
    spacing = (council.today - council.since).days // len(PRACTICE_ALERTS)
    for number, (category, description, stages) in enumerate(PRACTICE_ALERTS):
        raised_on = council.since + timedelta(days=number * spacing + rng.randint(0, spacing - 1))
        if number == len(PRACTICE_ALERTS) - 1:
            raised_on = council.today - timedelta(days=rng.randint(5, 25))
        child, iro = rng.choice([(c, i) for c, i in children if c.became_looked_after <= raised_on] or children)
        raised_on = max(raised_on, child.became_looked_after)
        alert = practice_alert_raise(
            child=child, user=iro, category=category, description=description, raised_on=raised_on
        )
        on = raised_on
        for stage in stages:
            on += timedelta(days=rng.randint(7, 25))
            if on >= council.today:
                break
            resolved = stage == PracticeAlertStage.RESOLVED
            practice_alert_advance(
                alert=alert,
                user=iro,
                stage=stage,
                on=on,
                note="" if resolved else "Not resolved at the earlier stage.",
                outcome=rng.choice(PRACTICE_OUTCOMES) if resolved else "",
            )


# What parents, carers and others complained about (recorded by the manager: they have no accounts),
# each with how far it got: (made by, kind, words, extended, went to stage 2).
COMPLAINTS = [
    (MadeBy.PARENT, Kind.COMPLAINT, "Contact with my son was cancelled twice without notice.", False, True),
    (MadeBy.CARER, Kind.REPRESENTATION, "The school transport keeps arriving late.", False, False),
    (MadeBy.PARENT, Kind.COMPLAINT, "Nobody told me the review date.", True, False),
    (MadeBy.OTHER, Kind.COMPLAINT, "Her grandmother was not invited to the review.", False, False),
    (MadeBy.CARER, Kind.COMPLAINT, "The pocket money rate has not been paid for two months.", True, True),
    (MadeBy.PARENT, Kind.REPRESENTATION, "I would like photos of my daughter each term.", False, False),
    (MadeBy.OTHER, Kind.COMPLAINT, "His youth worker was not asked for her views.", False, False),
    (MadeBy.PARENT, Kind.COMPLAINT, "The placement move happened without a meeting.", False, False),
]


def complaints_history(council: Council, children: list[tuple[Child, User]]) -> None:
    """Complaints and representations over the period (Children Act 1989 s.26), each as far as it has got."""
    rng = council.rng
    spacing = (council.today - council.since).days // len(COMPLAINTS)
    for number, (made_by, kind, words, extended, escalated) in enumerate(COMPLAINTS):
        received = council.since + timedelta(days=number * spacing + rng.randint(0, spacing // 2))
        if number == len(COMPLAINTS) - 1:
            received = statutory.subtract_working_days(council.today, 3)  # still open, its answer to come
        child, _iro = rng.choice([(c, i) for c, i in children if c.became_looked_after <= received] or children)
        complaint, _ = complaint_make(
            child=child, by=council.manager, words=words, kind=kind, channel="recorded",
            made_by_relationship=made_by, received_on=max(received, child.became_looked_after),
        )  # fmt: skip
        received = complaint.received_on
        # Never a day still to come: at the weekend three working days on from Wednesday is Monday.
        acknowledged = statutory.add_working_days(received, rng.choice([1, 2, 2, 3]))
        complaint_acknowledge(complaint=complaint, by=council.manager, on=min(acknowledged, council.today))
        if extended:
            stage1_extend(complaint=complaint, by=council.manager)
        answered = statutory.add_working_days(received, rng.randint(6, 18 if extended else 11))
        if answered >= council.today:
            continue
        outcome = rng.choice([Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.RESOLVED])
        stage1_respond(complaint=complaint, by=council.manager, outcome=outcome, on=answered)
        if escalated and kind == Kind.COMPLAINT:
            asked = statutory.add_working_days(answered, rng.randint(3, 15))
            stage2_request(complaint=complaint, by=council.manager, on=min(asked, council.today))
            responded = statutory.add_working_days(asked, rng.randint(15, 30))
            if responded < council.today:
                stage2_respond(complaint=complaint, by=council.manager, outcome=Outcome.PARTLY_UPHELD, on=responded)


def cicc_history(council: Council) -> None:
    """Quotes a participation officer approved, and what the CiCC published about past quarters."""
    rng = council.rng
    last_closed = closed_quarters(council.today, 1)[0]
    quotes = list(
        Quote.objects.filter(
            statement__created_at__lt=moment(last_closed.end + timedelta(days=1), 0), statement__is_urgent=False
        ).order_by("pk")
    )
    quotes = list({quote.text: quote for quote in quotes}.values())  # each saying once
    for quote in rng.sample(quotes, k=min(14, len(quotes))):
        quote_approve(quote=quote, officer=council.manager, text=quote.text)
        Quote.objects.filter(pk=quote.pk).update(
            approved_at=min(quote.statement.created_at + timedelta(days=rng.randint(5, 20)), council.now)
        )
    for quarter, (slug, you_said, we_did) in zip(closed_quarters(council.today, 3)[1:], YOU_SAID_WE_DID, strict=True):
        published = you_said_we_did_publish(
            member=council.cicc,
            theme=Theme.objects.get(slug=slug),
            period_start=quarter.start,
            period_end=quarter.end,
            you_said=you_said,
            we_did=we_did,
        )
        YouSaidWeDid.objects.filter(pk=published.pk).update(published_at=moment(quarter.end + timedelta(days=40), 12))


# The service manager's words for last year's annual report: most approved by the deputy, one waiting, one draft.
ANNUAL_WORDS = {
    "service": "Every child had an IRO throughout the year. Caseloads stayed within the 50 to 70 the IRO Handbook "
    "expects of a full-time IRO, which left time to see children before their reviews.",
    "participation": "Most children aged four and over took part in their own reviews, many chairing part of the "
    "meeting. Children who did not attend still sent their views, by form, text or through an advocate.\n\n"
    "Next year we will offer every child under eight the picture form and a visit before their review.",
    "voice": "Children wrote to their IROs between reviews, mostly by phone. IROs read almost every message within "
    "two working days, and children could see when their words had been read.",
    "feedback": "Children, parents and carers told us reviews felt less like meetings about them and more like "
    "meetings with them. Carers asked for papers earlier, and we now share them five working days before.",
    "childrens-words": "These are children's own words, shared with their agreement and checked by our "
    "participation officer so that no child can be recognised.",
    "timeliness": "Reviews were held on time far more often than the year before. Where a review was late, the "
    "reason was recorded and the child told why.",
    "complaints": "Complaints were acknowledged on time. We are looking at why some stage one answers took longer.",
}


def annual_report_words(council: Council, deputy: User) -> None:
    """The manager's words under the headings of last year's IRO annual report, at each step of their review."""
    year = reporting_year(council.today).previous().start.year
    for section, text in ANNUAL_WORDS.items():
        narrative = narrative_save(manager=council.manager, year=year, section=section, text=text, seen_version=0)
        if section == "complaints":
            continue
        narrative = narrative_submit(
            manager=council.manager, year=year, section=section, seen_version=narrative.version
        )
        if section != "timeliness":
            narrative_approve(manager=deputy, year=year, section=section, seen_version=narrative.version)
