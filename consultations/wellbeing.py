"""The wellbeing check inside each child's consultation form: its indicators, and scoring a child's answers.

A question counts towards an indicator when its form file marks it:
    "wellbeing": {"indicator": "trusted_adult", "positive": ["yes"], "not_counted": ["not_sure"],
                  "source": "Heard's own wording"}
`positive` are the answers that count as doing well; `not_counted` answers (and none) leave the
child out of that indicator's base. The ONS questions are 0-10 scales (question type scale_0_10) and
need no `positive`. Every marked question says where its wording comes from (`source`): Heard's own,
or the ONS personal well-being questions, published under the Open Government Licence v3.0. They are
asked from 11 ("from_age": 11 in the form files, consultations/schema.py), so the 8 to 11 form asks
them of its 11-year-olds only.
The four domains are those councils already report on (relationships, rights, resilience, recovery).
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    """One thing the wellbeing check measures, in staff words."""

    slug: str
    domain: str
    label: str
    # A 0-10 ONS scale rather than the share of children doing well.
    scale: bool = False
    # For a scale: whether a higher score is better (anxiety is the one where it is not).
    higher_is_better: bool = True


DOMAINS = ["relationships", "rights", "resilience", "recovery"]
INDICATORS: dict[str, Indicator] = {
    indicator.slug: indicator
    for indicator in [
        Indicator("trusted_adult", "relationships", "Has an adult they trust to talk to"),
        Indicator("family_time", "relationships", "Sees family and friends as much as they want"),
        Indicator("know_why_in_care", "rights", "Knows why they are in care"),
        Indicator("listened_to", "rights", "Feels listened to"),
        Indicator("good_friend", "resilience", "Has a good friend"),
        Indicator("school", "resilience", "Feels good about school or college"),
        Indicator("enjoys_activities", "resilience", "Does things they enjoy"),
        Indicator("settled", "resilience", "Feels good about where they live"),
        Indicator("happy", "recovery", "Feels happy"),
        Indicator("not_worried", "recovery", "Does not worry a lot"),
        Indicator("life_better", "recovery", "Feels their life is getting better"),
        Indicator("ons_life_satisfaction", "recovery", "ONS: satisfied with life (0-10)", scale=True),
        Indicator("ons_worthwhile", "recovery", "ONS: things they do are worthwhile (0-10)", scale=True),
        Indicator("ons_happy", "recovery", "ONS: happy yesterday (0-10)", scale=True),
        Indicator(
            "ons_anxious",
            "recovery",
            "ONS: anxious yesterday (0-10, lower is better)",
            scale=True,
            higher_is_better=False,
        ),
    ]
}
SCALE_TYPE = "scale_0_10"
# A fall worth an IRO's notice: a scale moving two points the wrong way, or a share from well to not.
SCALE_FALL = 2


def check_marker(question: dict, choice_values: Sequence[str]) -> str | None:
    """Return what is wrong with a question's wellbeing marker, or None when it is right (or has none)."""
    marker = question.get("wellbeing")
    if marker is None:
        return None
    qid = question.get("id")
    if not isinstance(marker, dict):
        return f"Question {qid!r}: wellbeing must be an object."
    indicator = INDICATORS.get(marker.get("indicator", ""))
    if indicator is None:
        known = ", ".join(INDICATORS)
        return f"Question {qid!r}: unknown wellbeing indicator {marker.get('indicator')!r} (one of {known})."
    if not isinstance(marker.get("source"), str) or not marker["source"].strip():
        return f"Question {qid!r}: say where the wellbeing question's wording comes from (source)."
    if indicator.scale:
        return None if question.get("type") == SCALE_TYPE else f"Question {qid!r}: {indicator.slug} is a 0-10 scale."
    if question.get("type") == SCALE_TYPE or not choice_values:
        return f"Question {qid!r}: {indicator.slug} needs a question with choices."
    positive, not_counted = marker.get("positive"), marker.get("not_counted", [])
    if not isinstance(positive, list) or not positive or not isinstance(not_counted, list):
        return f"Question {qid!r}: list the answers that count as doing well (positive)."
    unknown = [value for value in [*positive, *not_counted] if value not in choice_values]
    if unknown:
        return f"Question {qid!r}: wellbeing names answers the question does not offer: {unknown}."
    return None


def wellbeing_scores(schema: dict, answers: dict) -> dict[str, int]:
    """Score one set of answers: each indicator answered, 1 or 0 for a share, 0-10 for a scale.

    An indicator asked twice in a form (it should not be) keeps the first answer.
    """
    scores: dict[str, int] = {}
    for question in schema.get("questions", []):
        marker = question.get("wellbeing")
        if not marker or marker.get("indicator") not in INDICATORS or marker["indicator"] in scores:
            continue
        value = answers.get(question["id"])
        if not isinstance(value, str) or not value:
            continue
        if INDICATORS[marker["indicator"]].scale:
            if value.isdigit() and 0 <= int(value) <= 10:
                scores[marker["indicator"]] = int(value)
        elif value not in marker.get("not_counted", []):
            scores[marker["indicator"]] = 1 if value in marker.get("positive", []) else 0
    return scores


def fell(slug: str, before: int, now: int) -> bool:
    """Whether an indicator fell between two answers of the same child."""
    indicator = INDICATORS[slug]
    if not indicator.scale:
        return before == 1 and now == 0
    change = now - before
    return change <= -SCALE_FALL if indicator.higher_is_better else change >= SCALE_FALL
