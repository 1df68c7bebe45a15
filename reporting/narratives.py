"""The manager's words under each heading of the IRO annual report: drafted, reviewed, approved, versioned.

A second manager approves what one wrote, as councils sign off a published document with four eyes;
the published report carries only approved words, and every step keeps the words it had.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from reporting.models import (
    NARRATIVE_MAX,
    AnnualNarrative,
    AnnualNarrativeVersion,
    NarrativeStatus,
    NarrativeStep,
)

COMMENT_MAX = 2000


class NarrativeChanged(Exception):
    """Someone else changed the words since this editor opened them: nothing was saved."""

    def __init__(self, narrative: AnnualNarrative) -> None:
        super().__init__("Someone else changed these words since you opened them.")
        self.narrative = narrative


def narratives_for_year(year: int) -> dict[str, AnnualNarrative]:
    """Every heading's narrative for the year, by section key, in one query."""
    return {
        narrative.section: narrative
        for narrative in AnnualNarrative.objects.filter(year=year).select_related(
            "updated_by", "approved_by", "submitted_by"
        )
    }


def narrative_history(narrative: AnnualNarrative) -> list[AnnualNarrativeVersion]:
    """Every step of one narrative, newest first, with who took it."""
    return list(narrative.versions.select_related("by"))


def _require_manager(user: User) -> None:
    if user.role != Role.MANAGER:
        raise PermissionDenied("Only a service manager can write the annual report.")


# Control characters pasted in from elsewhere: invisible, and no published format can hold them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cleaned(text: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        raise ValidationError({"text": "Write something under this heading, or leave it for later."})
    if len(text) > NARRATIVE_MAX:
        raise ValidationError({"text": f"Keep it to {NARRATIVE_MAX} characters or fewer (this has {len(text)})."})
    return text


def _step(narrative: AnnualNarrative, step: str, by: User, comment: str = "") -> None:
    narrative.version += 1
    narrative.save()
    AnnualNarrativeVersion.objects.create(
        narrative=narrative, number=narrative.version, step=step, text=narrative.text, comment=comment,
        by=by, at=narrative.updated_at,
    )  # fmt: skip


def _locked(year: int, section: str, seen_version: int | None) -> AnnualNarrative | None:
    narrative = AnnualNarrative.objects.select_for_update().filter(year=year, section=section).first()
    current = narrative.version if narrative else 0
    if seen_version is not None and seen_version != current:
        # Saving over another manager's newer words would lose them; give the editor theirs back instead.
        raise NarrativeChanged(narrative)  # type: ignore[arg-type]
    return narrative


@transaction.atomic
def narrative_save(*, manager: User, year: int, section: str, text: str, seen_version: int | None) -> AnnualNarrative:
    """Save a draft of a heading's words; an approved text stays published until the new one is approved."""
    _require_manager(manager)
    text = _cleaned(text)
    narrative = _locked(year, section, seen_version)
    now = timezone.now()
    if narrative is None:
        narrative = AnnualNarrative(year=year, section=section, version=0)
    narrative.text, narrative.status, narrative.updated_by, narrative.updated_at = (
        text,
        NarrativeStatus.DRAFT,
        manager,
        now,
    )
    narrative.submitted_by = None
    _step(narrative, NarrativeStep.SAVED, manager)
    return narrative


@transaction.atomic
def narrative_submit(*, manager: User, year: int, section: str, seen_version: int) -> AnnualNarrative:
    """Send a draft to another manager for review."""
    _require_manager(manager)
    narrative = _locked(year, section, seen_version)
    if narrative is None or narrative.status != NarrativeStatus.DRAFT:
        raise ValidationError({"step": "Only a draft can be sent for review."})
    narrative.status, narrative.submitted_by, narrative.updated_at = NarrativeStatus.IN_REVIEW, manager, timezone.now()
    _step(narrative, NarrativeStep.SUBMITTED, manager)
    return narrative


@transaction.atomic
def narrative_return(*, manager: User, year: int, section: str, seen_version: int, comment: str) -> AnnualNarrative:
    """The reviewer sends the words back to draft, saying what to change."""
    _require_manager(manager)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what should change."})
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": f"Keep the comment to {COMMENT_MAX} characters or fewer."})
    narrative = _locked(year, section, seen_version)
    if narrative is None or narrative.status != NarrativeStatus.IN_REVIEW:
        raise ValidationError({"step": "Only words waiting for review can be sent back."})
    narrative.status, narrative.submitted_by, narrative.updated_at = NarrativeStatus.DRAFT, None, timezone.now()
    _step(narrative, NarrativeStep.RETURNED, manager, comment)
    return narrative


@transaction.atomic
def narrative_approve(*, manager: User, year: int, section: str, seen_version: int) -> AnnualNarrative:
    """A second manager approves the words: from now on the published report carries them."""
    _require_manager(manager)
    narrative = _locked(year, section, seen_version)
    if narrative is None or narrative.status != NarrativeStatus.IN_REVIEW:
        raise ValidationError({"step": "Only words waiting for review can be approved."})
    if manager.pk in (narrative.submitted_by_id, narrative.updated_by_id):
        raise ValidationError({"step": "Another manager approves what you wrote or sent for review."})
    now = timezone.now()
    narrative.status, narrative.approved_text, narrative.approved_by, narrative.approved_at = (
        NarrativeStatus.APPROVED,
        narrative.text,
        manager,
        now,
    )
    narrative.updated_at = now
    _step(narrative, NarrativeStep.APPROVED, manager)
    return narrative
