"""Shared fixtures: a small council with a child, their IRO, another IRO, an advocate and more."""

import importlib
import json
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.demo import current_totp_code
from accounts.models import IROContract, Role, User
from backend.celery import app as celery_app
from backend.edited_rules import forget_all
from reviews.models import Child, Sex
from reviews.services import advocate_assign, child_admit, iro_allocate
from sms.transport import ConsoleTransport

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# A working Monday morning, three days after the reviews these tests hold on Friday 20 November.
PINNED_MOMENT = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth keeps rate limits in the cache: one test's attempts must not count in the next. Each
    # process's copy of the phrases and themes goes too: a test's rolled-back rules must not last.
    cache.clear()
    forget_all()
    yield
    cache.clear()
    forget_all()


@pytest.fixture(autouse=True)
def _default_language():
    # The test client's requests activate their language in this thread (LocaleMiddleware) and
    # leave it there: a test that asked in Ukrainian must not make the next one's texts Ukrainian.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_outbox():
    # The console transport keeps the texts it "sends" (sms/transport.py): each test starts with none.
    ConsoleTransport.sent.clear()
    yield
    ConsoleTransport.sent.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    # Tasks run in process on commit, as in the embedded default, even when CI gives a Redis
    # broker: these tests are about what the tasks do, not about a worker picking them up.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a third of a second a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The council's defaults that data migrations load: the flush after a test that commits empties them.
DEFAULT_DATA_MIGRATIONS = [
    ("reporting", "0002_default_themes", "add_themes"),
    ("feedback", "0003_default_safeguarding_phrases", "add_phrases"),
    ("feedback", "0009_safeguarding_phrases_in_childrens_words", "add_phrases"),
]


@pytest.fixture
def council_defaults(transactional_db):
    """For a test that commits: put back the themes and safeguarding phrases the migrations load."""
    for app, migration, function in DEFAULT_DATA_MIGRATIONS:
        getattr(importlib.import_module(f"{app}.migrations.{migration}"), function)(apps, None)


@pytest.fixture
def pinned_clock():
    """Pin the clock to PINNED_MOMENT (it ticks on from there), for tests whose dates are fixed."""
    with time_machine.travel(PINNED_MOMENT) as traveller:
        yield traveller


def make_user(username: str, role: str, **extra) -> User:
    """Create a user; staff who need it get TOTP so the MFA gate lets them through."""
    user = User.objects.create_user(username=username, password="correct horse battery", role=role, **extra)
    if user.needs_mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


def make_child(
    case_reference: str,
    *,
    user: User | None = None,
    born: date = date(2012, 5, 17),
    looked_after: date = date(2025, 9, 1),
) -> Child:
    """Admit a child to care, which also schedules their first review."""
    return child_admit(
        case_reference=case_reference,
        date_of_birth=born,
        sex=Sex.FEMALE,
        ethnicity="WBRI",
        became_looked_after=looked_after,
        user=user,
    )


@pytest.fixture
def iro(db) -> User:
    return make_user("amara", Role.IRO, email="amara@heard.example", iro_contract=IROContract.IN_HOUSE)


@pytest.fixture
def other_iro(db) -> User:
    return make_user("ben", Role.IRO, email="ben@heard.example", iro_contract=IROContract.SESSIONAL)


@pytest.fixture
def manager(db) -> User:
    return make_user("morgan", Role.MANAGER, email="manager@heard.example")


@pytest.fixture
def advocate(db) -> User:
    return make_user("riley", Role.ADVOCATE, email="riley@heard.example")


@pytest.fixture
def other_advocate(db) -> User:
    return make_user("sasha", Role.ADVOCATE, email="sasha@heard.example")


@pytest.fixture
def cicc(db) -> User:
    return make_user("jordan", Role.CICC)


@pytest.fixture
def child_user(db) -> User:
    return make_user("alice", Role.CHILD, phone="+447700900123", phone_verified=True)


@pytest.fixture
def other_child_user(db) -> User:
    return make_user("bob", Role.CHILD, phone="+447700900124", phone_verified=True)


@pytest.fixture
def child(child_user, iro, advocate) -> Child:
    """Alice's care record: allocated to Amara, with Riley as her advocate."""
    record = make_child("HRD0001", user=child_user)
    iro_allocate(child=record, iro=iro, allocated_on=date(2025, 9, 3))
    advocate_assign(child=record, advocate=advocate, started_on=date(2025, 9, 10))
    return record


@pytest.fixture
def other_child(other_child_user, other_iro) -> Child:
    """Bob's care record: allocated to Ben."""
    record = make_child("HRD0002", user=other_child_user)
    iro_allocate(child=record, iro=other_iro, allocated_on=date(2025, 9, 2))
    return record


def client_for(user: User | None) -> Client:
    """Return a test client signed in as this user (or anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def problem_fields(response) -> dict[str, str]:
    """The fields an API problem answer names, with their messages (RFC 9457 shape, checked)."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert body["status"] == response.status_code
    assert {"type", "title", "detail", "code"} <= set(body)
    return {error["field"]: error["detail"] for error in body.get("errors", [])}


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator's code now, never one in the last second of its 30: checked a moment later,
    in the next period, it would be refused (allauth accepts no neighbouring period)."""
    into_period = time.time() % 30
    if into_period > 29:
        time.sleep(30 - into_period + 0.05)
    return current_totp_code(secret)


def app_token(username: str, password: str = "correct horse battery") -> str:
    """Sign in as the app does (allauth headless, with TOTP for staff) and return the session token."""
    client = Client()
    response = client.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )
    token = response.json()["meta"]["session_token"]
    if response.status_code == 401:  # staff: the second step
        response = client.post(
            "/_allauth/app/v1/auth/2fa/authenticate",
            json.dumps({"code": totp_code()}),
            content_type="application/json",
            headers={"X-Session-Token": token},
        )
        token = response.json()["meta"]["session_token"]
    assert response.status_code == 200, response.content
    return token
