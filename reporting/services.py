"""Writes for themes, quotes and "you said, we did"."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from accounts.models import Role, User
from backend.edited_rules import EditedRules
from consultations.wellbeing import INDICATORS
from feedback.models import Category, Statement
from feedback.safeguarding import active_phrases
from feedback.selectors import statements_visible_to
from reporting.models import (
    WITHDRAWN_REASON_MAX,
    Quote,
    ResponseTheme,
    StatementTheme,
    Theme,
    ThemeSource,
    YouSaidWeDid,
    YouSaidWeDidVersion,
)
from reporting.redaction import redact

CATEGORY_THEMES: dict[str, str] = {
    Category.NEXT_REVIEW: "reviews-and-meetings",
    Category.WORRIED: "feeling-safe",
    Category.UNSAFE: "feeling-safe",
    Category.GOOD_NEWS: "good-news",
    Category.WHERE_I_LIVE: "where-i-live",
    Category.FAMILY_TIME: "family-time",
    Category.SCHOOL: "education",
    Category.HEALTH: "health",
    Category.SOMETHING_ELSE: "other",
}
PHRASE_KIND_THEMES = {
    "self_harm": "emotional-wellbeing",
    "abuse": "feeling-safe",
    "running_away": "feeling-safe",
    "unsafe": "feeling-safe",
}


# Which theme a child's answer to a consultation question speaks to, by the question's id.
QUESTION_THEMES = [
    ("home", "where-i-live"),
    ("school", "education"),
    ("education", "education"),
    ("family", "family-time"),
    ("health", "health"),
    ("worries", "feeling-safe"),
    ("leaving_care", "money-and-independence"),
    ("pathway", "money-and-independence"),
    ("personal_adviser", "money-and-independence"),
    ("people", "reviews-and-meetings"),
    ("where_when", "reviews-and-meetings"),
    ("chairing", "reviews-and-meetings"),
    ("advocate", "reviews-and-meetings"),
    ("see_iro_alone", "reviews-and-meetings"),
    ("plan_listened", "reviews-and-meetings"),
]


# The council's themes by slug, kept per process (backend/edited_rules.py).
themes_by_slug: EditedRules[dict[str, Theme]] = EditedRules(
    lambda: {theme.slug: theme for theme in Theme.objects.all()}, models=(Theme,)
)


def response_themes_assign(*, response) -> list:
    """Give a child's submitted consultation the themes of the questions they answered."""
    if response.invitation.contact_id is not None:
        return []  # adults' answers are not counted for the Children in Care Council
    slugs = {slug for qid, value in response.answers.items() if value for key, slug in QUESTION_THEMES if key in qid}
    themes = themes_by_slug.get()
    return [
        ResponseTheme.objects.get_or_create(response=response, theme=themes[slug])[0]
        for slug in sorted(slugs)
        if slug in themes
    ]


def themes_assign(*, statement: Statement) -> list[StatementTheme]:
    """Give a new statement its themes from its category and the phrase rules; propose a quote.

    The statement is new, so its themes are written in one insert.
    """
    wanted = {CATEGORY_THEMES.get(statement.category, "other"): ThemeSource.CATEGORY}
    kinds = active_phrases.get()
    for reason in statement.urgent_reasons:
        kind = kinds.get(reason.removeprefix("phrase: ")) if reason.startswith("phrase: ") else None
        if kind in PHRASE_KIND_THEMES:
            wanted.setdefault(PHRASE_KIND_THEMES[kind], ThemeSource.PHRASE)
    themes = themes_by_slug.get()
    made = StatementTheme.objects.bulk_create(
        [
            StatementTheme(statement=statement, theme=themes[slug], source=source)
            for slug, source in wanted.items()
            if slug in themes
        ]
    )
    if statement.quote_consent and made and not statement.on_behalf:
        names = [statement.child.known_as]
        Quote.objects.get_or_create(
            statement=statement, defaults={"theme": made[0].theme, "text": redact(statement.body, names=names)}
        )
    return made


@transaction.atomic
def statement_tag(*, statement: Statement, iro: User, slugs: list[str]) -> list[StatementTheme]:
    """The IRO adds themes to a statement they can read."""
    if iro.role != Role.IRO or not statements_visible_to(iro).filter(pk=statement.pk).exists():
        raise PermissionDenied("Only the child's IRO can tag their message.")
    themes = list(Theme.objects.filter(slug__in=slugs))
    if len(themes) != len(set(slugs)):
        raise ValidationError({"themes": "Choose from the council's themes."})
    return [
        StatementTheme.objects.get_or_create(
            statement=statement, theme=theme, defaults={"source": ThemeSource.IRO, "tagged_by": iro}
        )[0]
        for theme in themes
    ]


@transaction.atomic
def quote_approve(*, quote: Quote, officer: User, text: str) -> Quote:
    """A participation officer (an IRO manager) checks the redaction and approves the quote."""
    if officer.role != Role.MANAGER:
        raise PermissionDenied("Only a participation officer can approve a quote.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "A quote needs its words."})
    quote.text = text
    quote.approved_by = officer
    quote.approved_at = timezone.now()
    quote.save(update_fields=["text", "approved_by", "approved_at"])
    return quote


@transaction.atomic
def quote_reject(*, quote: Quote, officer: User) -> None:
    """Withdraw a proposed quote: it is never shown."""
    if officer.role != Role.MANAGER:
        raise PermissionDenied("Only a participation officer can reject a quote.")
    quote.delete()


YOU_SAID_WE_DID_MAX = 2000


def you_said_we_did_checked(*, you_said: str, we_did: str) -> tuple[str, str]:
    """Return the words trimmed, or refuse them: both said, neither too long. Nothing is stored."""
    you_said, we_did = you_said.strip(), we_did.strip()
    if not you_said or not we_did:
        raise ValidationError({"we_did": "Say what children said and what was done."})
    for field, words in (("you_said", you_said), ("we_did", we_did)):
        if len(words) > YOU_SAID_WE_DID_MAX:
            raise ValidationError(
                {field: f"Keep each part to {YOU_SAID_WE_DID_MAX} characters or fewer (this has {len(words)})."}
            )
    return you_said, we_did


def you_said_we_did_about(*, theme: Theme | None, indicator: str) -> tuple[Theme | None, str]:
    """Return what an item is about: a theme or a wellbeing indicator, exactly one; refuse anything else."""
    indicator = (indicator or "").strip()
    if theme is not None and indicator:
        raise ValidationError({"indicator": "Choose a theme or a wellbeing indicator, not both."})
    if theme is None and not indicator:
        raise ValidationError({"theme": "Choose a theme or a wellbeing indicator."})
    if indicator and indicator not in INDICATORS:
        raise ValidationError({"indicator": "Choose one of the wellbeing indicators."})
    return theme, indicator


def _require_cicc(member: User, doing: str) -> None:
    if member.role != Role.CICC:
        raise PermissionDenied(f"Only a Children in Care Council member can {doing}.")


@transaction.atomic
def you_said_we_did_publish(
    *,
    member: User,
    theme: Theme | None,
    period_start: date,
    period_end: date,
    you_said: str,
    we_did: str,
    indicator: str = "",
) -> YouSaidWeDid:
    """The CiCC publishes what the council did about a theme or a wellbeing indicator; children see it."""
    _require_cicc(member, "publish this")
    theme, indicator = you_said_we_did_about(theme=theme, indicator=indicator)
    you_said, we_did = you_said_we_did_checked(you_said=you_said, we_did=we_did)
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end after it starts."})
    return YouSaidWeDid.objects.create(
        theme=theme, indicator=indicator, period_start=period_start, period_end=period_end, you_said=you_said,
        we_did=we_did, published_by=member,
    )  # fmt: skip


def _refuse_if_withdrawn(item: YouSaidWeDid) -> None:
    if item.withdrawn_at is not None:
        when = dateformat.format(timezone.localtime(item.withdrawn_at), "j F Y")
        raise ValidationError(f"This was already withdrawn on {when}.")


def you_said_we_did_edit_checked(
    *, item: YouSaidWeDid, theme: Theme | None, you_said: str, we_did: str, indicator: str = ""
) -> tuple[str, str]:
    """Return the new words trimmed, or refuse the change (withdrawn, bad words, nothing changed). Nothing is stored."""
    _refuse_if_withdrawn(item)
    theme, indicator = you_said_we_did_about(theme=theme, indicator=indicator)
    you_said, we_did = you_said_we_did_checked(you_said=you_said, we_did=we_did)
    now = (item.theme_id, item.indicator, item.you_said, item.we_did)
    if now == (theme.pk if theme else None, indicator, you_said, we_did):
        raise ValidationError({"we_did": "Nothing has changed."})
    return you_said, we_did


def _locked(item: YouSaidWeDid) -> YouSaidWeDid:
    """Lock the row so two members changing the same item take turns, each seeing the other's change."""
    return YouSaidWeDid.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def you_said_we_did_edit(
    *, member: User, item: YouSaidWeDid, theme: Theme | None, you_said: str, we_did: str, indicator: str = ""
) -> YouSaidWeDid:
    """The CiCC changes a published item; the words it had before are kept as a version."""
    _require_cicc(member, "change this")
    locked = _locked(item)
    you_said, we_did = you_said_we_did_edit_checked(
        item=locked, theme=theme, indicator=indicator, you_said=you_said, we_did=we_did
    )
    theme, indicator = you_said_we_did_about(theme=theme, indicator=indicator)
    YouSaidWeDidVersion.objects.create(
        item=locked, theme_id=locked.theme_id, indicator=locked.indicator, you_said=locked.you_said,
        we_did=locked.we_did, edited_by=member, edited_at=timezone.now(),
    )  # fmt: skip
    locked.theme, locked.indicator, locked.you_said, locked.we_did = theme, indicator, you_said, we_did
    locked.save(update_fields=["theme", "indicator", "you_said", "we_did"])
    return locked


@transaction.atomic
def you_said_we_did_withdraw(*, member: User, item: YouSaidWeDid, reason: str) -> YouSaidWeDid:
    """The CiCC withdraws an item, saying why: children no longer see it, the CiCC still does."""
    _require_cicc(member, "withdraw this")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why it is being withdrawn."})
    if len(reason) > WITHDRAWN_REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason to {WITHDRAWN_REASON_MAX} characters or fewer (this has {len(reason)})."}
        )
    locked = _locked(item)
    _refuse_if_withdrawn(locked)
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawn_reason = timezone.now(), member, reason
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return locked
