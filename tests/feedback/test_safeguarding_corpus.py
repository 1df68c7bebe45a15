"""Every disclosure in the labelled corpus alerts with the default phrases; few benign sentences do."""

from collections import Counter

import pytest

from feedback.models import Category
from feedback.safeguarding import assess_urgency
from tests.feedback.safeguarding_corpus import BENIGN, CORPUS, KINDS, MISSED_BEFORE

# At most one benign sentence in five may alert: a false alarm costs an IRO a phone call.
BENIGN_ALERT_LIMIT = 1 / 5


def _alerts(text: str) -> list[str]:
    # A category the child did not mark as urgent, so only the words can make it urgent.
    return assess_urgency(category=Category.SOMETHING_ELSE, body=text)


def test_the_corpus_is_large_labelled_and_has_no_repeats():
    kinds = Counter(kind for kind, _ in CORPUS)
    assert set(kinds) == set(KINDS)
    assert len(CORPUS) >= 150
    assert len(CORPUS) - kinds[BENIGN] >= 100
    assert kinds[BENIGN] >= 40
    repeated = [text for text, count in Counter(text for _, text in CORPUS).items() if count > 1]
    assert repeated == []


def test_every_disclosure_in_the_corpus_alerts(db):
    missed = [f"{kind}: {text!r}" for kind, text in CORPUS if kind != BENIGN and not _alerts(text)]
    assert not missed, f"{len(missed)} disclosures did not alert:\n" + "\n".join(missed)


def test_at_most_one_in_five_benign_sentences_alert(db):
    benign = [text for kind, text in CORPUS if kind == BENIGN]
    alerted = [f"{text!r} ({', '.join(_alerts(text))})" for text in benign if _alerts(text)]
    assert len(alerted) <= len(benign) * BENIGN_ALERT_LIMIT, (
        f"{len(alerted)} of {len(benign)} benign sentences alerted:\n" + "\n".join(alerted)
    )


@pytest.mark.parametrize("text", MISSED_BEFORE)
def test_the_sentences_a_nearby_negation_used_to_hide_now_alert(db, text):
    assert _alerts(text)
