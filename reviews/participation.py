"""Participation codes PN0-PN7 for the DfE's SSDA903 reviews table, and the rules they obey.

Source: DfE, "Children looked after return (SSDA903) guide", reviews table, REVIEW_CODE; and the
DfE validation rules for reviews: 166 (a valid review date), 167 (a held review has a code),
440 and 441 (PN0 if and only if the child was under 4 on the review date).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipationCode(models.TextChoices):
    PN0 = "PN0", _("PN0: child aged under 4 at the time of the review")
    PN1 = "PN1", _("PN1: child physically attends and speaks for themselves")
    PN2 = "PN2", _("PN2: child physically attends and an advocate speaks on their behalf")
    PN3 = "PN3", _("PN3: child attends and conveys their view symbolically (non-verbally)")
    PN4 = "PN4", _("PN4: child attends but does not speak, convey a view symbolically or ask an advocate")
    PN5 = "PN5", _("PN5: child does not attend but briefs an advocate to speak for them")
    PN6 = "PN6", _("PN6: child does not attend but conveys their feelings by a facilitative medium")
    PN7 = "PN7", _("PN7: child does not attend nor are their views conveyed")


class ViewsConveyed(models.TextChoices):
    SPOKE = "spoke", _("Spoke for themselves")
    ADVOCATE_SPOKE = "advocate_spoke", _("An advocate spoke for them at the meeting")
    SYMBOLS = "symbols", _("Conveyed their views symbolically (non-verbally)")
    BRIEFED_ADVOCATE = "briefed_advocate", _("Briefed an advocate beforehand")
    FACILITATIVE = "facilitative", _("Written, app, SMS, phone, audio or video")
    NOT_CONVEYED = "not_conveyed", _("Views not conveyed")


def propose_code(*, age_on_review: int, attended: bool, views: str, had_said_beforehand: bool) -> str:
    """Propose the participation code from what happened and what Heard already knows.

    `had_said_beforehand` is true when the child sent a consultation response or a statement for
    this review: not attending then still counts as conveying their views (PN6).
    """
    if age_on_review < 4:
        return ParticipationCode.PN0
    if attended:
        when_present: dict[str, str] = {
            ViewsConveyed.SPOKE: ParticipationCode.PN1,
            ViewsConveyed.ADVOCATE_SPOKE: ParticipationCode.PN2,
            ViewsConveyed.SYMBOLS: ParticipationCode.PN3,
        }
        return when_present.get(views, ParticipationCode.PN4)
    if views in (ViewsConveyed.BRIEFED_ADVOCATE, ViewsConveyed.ADVOCATE_SPOKE):
        return ParticipationCode.PN5
    if views == ViewsConveyed.FACILITATIVE or had_said_beforehand:
        return ParticipationCode.PN6
    return ParticipationCode.PN7


def code_problems(*, code: str, age_on_review: int) -> list[str]:
    """Return why a code breaks the DfE rules for this child (empty when it is valid)."""
    if code not in ParticipationCode.values:
        return [f"{code!r} is not a participation code (PN0 to PN7)."]
    if age_on_review < 4 and code != ParticipationCode.PN0:
        return ["The child was under 4 on the review date, so the code must be PN0 (DfE rule 441)."]
    if age_on_review >= 4 and code == ParticipationCode.PN0:
        return ["PN0 is only for a child under 4 on the review date (DfE rule 440)."]
    return []
