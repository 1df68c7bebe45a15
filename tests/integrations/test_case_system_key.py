"""The case system fetches what a webhook names with its own key: through the API's gates, logged, read only."""

import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from accounts.models import AccessLogEntry, Role
from consultations.services import forms_sync_from_files
from feedback.models import Category
from feedback.services import statement_submit
from integrations.models import EventType, IntegrationKey, WebhookEndpoint
from reviews.models import Review
from tests.conftest import make_user
from tests.integrations.test_webhooks import WORDS, Receiver

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def case_system(db):
    return make_user("mosaic", Role.CASE_SYSTEM)


@pytest.fixture
def key(case_system) -> str:
    out = StringIO()
    call_command("integration_key", "mosaic", "--name", "Mosaic", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def _fetch(link: str, key: str, method: str = "get"):
    path = urlsplit(link).path
    return getattr(Client(), method)(path, headers={"Authorization": f"Bearer {key}"})


def test_the_webhooks_links_are_fetched_with_the_key_and_each_read_is_logged(
    key, case_system, child, child_user, settings, django_capture_on_commit_callbacks
):
    settings.HEARD_WEBHOOKS_ALLOW_HTTP = True
    receiver = Receiver()
    try:
        WebhookEndpoint.objects.create(name="Mosaic", url=receiver.url, event_types=list(EventType.values))
        with django_capture_on_commit_callbacks(execute=True):
            statement_submit(author=child_user, child=child, category=Category.UNSAFE, body=WORDS, channel="web")
        payloads = {payload["type"]: payload["data"] for payload in receiver.payloads()}
    finally:
        receiver.close()

    message = _fetch(payloads["statement.received"]["link"], key)
    alert = _fetch(payloads["alert.raised"]["link"], key)

    assert (message.status_code, alert.status_code) == (200, 200)
    assert message.json()["body"] == WORDS
    logged = AccessLogEntry.objects.filter(user=case_system)
    assert {entry.what for entry in logged} >= {"statement", "safeguarding alert"}
    assert IntegrationKey.objects.get().last_used_at is not None


def test_the_pack_a_review_event_names_is_readable_too(key, child):
    forms_sync_from_files()
    review = Review.objects.get(child=child)
    response = _fetch(reverse("v1-review-pack", args=[review.pk]), key)
    assert response.status_code == 200, response.content


def test_the_key_reads_only(key, child, child_user):
    statement, _ = statement_submit(author=child_user, child=child, category=Category.UNSAFE, body=WORDS, channel="web")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    acknowledge = client.post(f"/api/v1/alerts/{statement.alert.pk}/acknowledge/")
    reply = client.post(
        f"/api/v1/statements/{statement.pk}/replies/", json.dumps({"body": "hi"}), content_type="application/json"
    )
    assert (acknowledge.status_code, reply.status_code) == (403, 403)
    statement.alert.refresh_from_db()
    assert statement.alert.acknowledged_at is None


@pytest.mark.parametrize(
    "header", ["Bearer heard_not-a-key", "Bearer", "Bearer a b", "Bearer " + "x" * 500, "Bearer heard_\u00e9"]
)
def test_a_wrong_or_malformed_key_is_refused_with_401(key, header):
    response = Client().get("/api/v1/statements/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_key_or_a_deactivated_account_is_refused(key, case_system):
    assert _fetch("/api/v1/statements/", key).status_code == 200
    IntegrationKey.objects.update(revoked_at="2026-12-01T09:00:00Z")
    assert _fetch("/api/v1/statements/", key).status_code == 401
    IntegrationKey.objects.update(revoked_at=None)
    case_system.is_active = False
    case_system.save(update_fields=["is_active"])
    assert _fetch("/api/v1/statements/", key).status_code == 401


def test_the_key_opens_no_web_page(key):
    response = Client().get(reverse("feedback:inbox"), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 302  # to sign in: pages know only signed-in people


def test_keys_are_made_only_for_a_case_system_account_and_stored_as_a_digest(case_system, key):
    make_user("iro2", Role.IRO)
    with pytest.raises(CommandError, match="case-system role"):
        call_command("integration_key", "iro2", "--name", "Sneaky", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="No account"):
        call_command("integration_key", "nobody", "--name", "X", stdout=StringIO(), stderr=StringIO())
    stored = IntegrationKey.objects.get()
    assert key.startswith("heard_") and key not in (stored.digest, stored.prefix) and key.startswith(stored.prefix)
