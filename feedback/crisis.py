"""Crisis help: what a child who is not safe can do right now, the same on a page, in the app and by text.

999 and Childline are always there; the council adds its own out-of-hours social work line, other
numbers and words (backend/settings.py: HEARD_CRISIS_*). The child sees it on choosing "I don't feel
safe" or "I'm worried about something", after sending an urgent message, and on their home page
until someone has taken charge of their alert.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from feedback.models import URGENT_CATEGORIES, Category, SafeguardingAlert
from reviews.models import Child

EMERGENCY_NUMBER = "999"
CHILDLINE_NUMBER = "0800 1111"


@dataclass(frozen=True)
class CrisisNumber:
    """A number a child can call now, with what it is for, in the child's language."""

    number: str
    label: str

    @property
    def href(self) -> str:
        """The tel: link a phone dials: the digits only, keeping a leading + for an international number."""
        return "tel:" + ("+" if self.number.startswith("+") else "") + re.sub(r"\D", "", self.number)


def crisis_numbers() -> list[CrisisNumber]:
    """Return the numbers a child who is not safe can call now, most urgent first."""
    numbers = [
        CrisisNumber(EMERGENCY_NUMBER, _("Police or ambulance")),
        CrisisNumber(CHILDLINE_NUMBER, _("Childline, free, any time")),
    ]
    if settings.HEARD_CRISIS_OUT_OF_HOURS_PHONE:
        numbers.append(
            CrisisNumber(
                settings.HEARD_CRISIS_OUT_OF_HOURS_PHONE,
                _("Out-of-hours social work team (evenings, nights and weekends)"),
            )
        )
    # The council's own labels, as it wrote them.
    numbers += [CrisisNumber(number, label) for label, number in settings.HEARD_CRISIS_PHONE_NUMBERS]
    return numbers


def crisis_help_lead() -> str:
    """Return the first thing a child is told: call 999 if in danger now."""
    return _("If you are in danger now, call %(number)s.") % {"number": EMERGENCY_NUMBER}


def crisis_help_sms_text() -> str:
    """Return the crisis help as plain text for a text message, in the active language.

    The same numbers and words as the page: 999 first, then each other number with what it is for,
    then the council's own advice (HEARD_CRISIS_ADVICE), if any.
    """
    # In a right-to-left language a number with a space reads backwards ("1111 0800") unless it is
    # isolated (Unicode's LRI ... PDI); elsewhere the marks would only cost a text its GSM alphabet.
    left_to_right = "\u2066{}\u2069" if get_language_bidi() else "{}"
    lines = [crisis_help_lead()]
    lines += [
        f"{entry.label}: {left_to_right.format(entry.number)}."
        for entry in crisis_numbers()
        if entry.number != EMERGENCY_NUMBER
    ]
    if settings.HEARD_CRISIS_ADVICE:
        lines.append(settings.HEARD_CRISIS_ADVICE)
    return " ".join(lines)


def crisis_help_data() -> dict:
    """Return the crisis help for the app: the heading, the first words, the numbers and the council's advice."""
    return {
        "heading": _("If you are not safe right now"),
        "lead": crisis_help_lead(),
        "numbers": [{"number": n.number, "label": n.label, "href": n.href} for n in crisis_numbers()],
        "advice": settings.HEARD_CRISIS_ADVICE,
        "text": crisis_help_sms_text(),
    }


def crisis_categories() -> list[str]:
    """Return the categories that show the crisis help as soon as a child chooses them, in the order offered."""
    return [value for value in Category.values if value in URGENT_CATEGORIES]


def crisis_help_due(child: Child) -> bool:
    """Whether the child has an urgent message nobody has taken charge of yet: their home shows the help till then."""
    return SafeguardingAlert.objects.filter(child=child, acknowledged_at__isnull=True).exists()
