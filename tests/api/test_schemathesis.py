"""Schemathesis against the live schema: every operation, as every role, no 5xx and nothing off-schema."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.services import statement_submit
from reviews.models import Review
from tests.conftest import app_token

ROLES = ("child_user", "other_child_user", "advocate", "other_advocate", "iro", "other_iro", "manager", "cicc")


@pytest.fixture
def world(request, child, other_child, child_user, iro, settings):
    """A small council with something in every table the API reads, and a session token for each role."""
    settings.HEARD_API_THROTTLE_RATES = {"user": None, "address": None}
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    statement_submit(author=child_user, child=child, category="school", body="maths", channel="app")
    users = {role: request.getfixturevalue(role) for role in ROLES}
    tokens = {role: app_token(user.username) for role, user in users.items()}
    # Schemathesis calls the WSGI app directly; like Django's test client, keep the test's database
    # connection (and its transaction) open across requests instead of closing it after each one.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield {**tokens, "anonymous": None}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# The schema as the running service serves it (no database is touched to serve it).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_as_every_role_answers_within_the_schema(case, world):
    for token in world.values():
        headers = {"X-Session-Token": token} if token else {}
        # Every check but positive_data_acceptance: a schema-valid body can still break a rule the schema
        # cannot state (a form's own questions, whose child a statement is), and that is a documented 400/403.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
