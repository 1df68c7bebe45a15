"""What README.md's "Demo logins" promises is what seed_demo makes: each claim is read from the
README and checked against the seeded database, at pinned moments (the seed works from today).
"""

import re
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.demo import current_totp_code
from accounts.models import IROContract, Role, User, normalise_uk_phone
from backend.celery import app
from backend.signed_links import LinkProblem, token_hash
from consultations.models import Invitation, Response
from consultations.services import invitation_open
from feedback.models import SafeguardingAlert, ServiceFeedback, Statement
from feedback.selectors import open_alerts_for
from reporting.models import ResponseTheme, StatementTheme
from reporting.periods import reporting_year
from reporting.reports import REPORTS, report
from reporting.themes import cicc_themes, quarter_containing
from reviews.models import Child, PracticeAlert, PracticeAlertStage, Review
from reviews.selectors import children_awaiting_allocation, children_visible_to, managers_in_escalation_order
from sms.models import OutboundMessage
from tests.conftest import client_for, totp_code

LONDON = ZoneInfo("Europe/London")
README = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
DEMO = README.split("## Demo logins\n", 1)[1].split("\n## ", 1)[0]
# Each row of the logins table: role, sign in with, password, second step.
ROWS = [
    [cell.strip() for cell in line.strip("|").split("|")]
    for line in DEMO.splitlines()
    if line.startswith("| ") and not line.startswith("| role")
]
STAFF_ROWS = [row for row in ROWS if "@" in row[1]]
MOMENTS = [
    # A Friday evening before Christmas week: next week has two bank holidays in it.
    datetime(2025, 12, 19, 18, 30, tzinfo=LONDON),
    # Early on the last Monday of a reporting year, the week before Easter Monday.
    datetime(2026, 3, 30, 7, 45, tzinfo=LONDON),
    # A Sunday afternoon: working days counted on from the week before land on days still to come.
    datetime(2026, 12, 6, 16, 55, tzinfo=LONDON),
]
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ticks(text: str) -> list[str]:
    """The `code` spans in a piece of README text."""
    return re.findall(r"`([^`]+)`", text)


def claim(pattern: str) -> re.Match:
    """The README sentence matching the pattern (the test fails when the README stops saying it)."""
    found = re.search(pattern, " ".join(DEMO.split()))
    assert found, f"README's Demo logins no longer says {pattern!r}"
    return found


def number_of(reference: str) -> int:
    return int(reference.removeprefix("HRD"))


def next_week(today: date) -> tuple[date, date]:
    monday = today + timedelta(days=7 - today.weekday())
    return monday, monday + timedelta(days=6)


@pytest.fixture(scope="class", params=MOMENTS, ids=lambda moment: moment.strftime("%Y-%m-%d-%a-%H%M"))
def seeded(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once per pinned moment, keep the clock there for the class, and roll it all back afterwards."""
    traveller = time_machine.travel(request.param, tick=False)
    traveller.start()
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command(
                    "seed_demo", "--force", "--outbox", tmp_path_factory.mktemp("var") / "outbox.txt", stdout=StringIO()
                )
            yield timezone.localdate()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            app.conf.task_always_eager = eager
            traveller.stop()


@pytest.fixture
def today(seeded, db, settings):
    settings.PASSWORD_HASHERS = MD5
    return seeded


def signs_in(login: str, password: str, second_step: str) -> User:
    """Sign in through the real sign-in page as the README says; return who it signed in."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code == 302, f"{login} could not sign in with {password}"
    if second_step == "TOTP code":
        assert response["Location"] == reverse("mfa_authenticate")
        secret = ticks(DEMO.split("Add the secret", 1)[1])[0]
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302, f"{login}'s second step failed"
    else:
        assert second_step == "none"
        assert response["Location"] != reverse("mfa_authenticate")
    return User.objects.get(pk=client.session["_auth_user_id"])


class TestTheDemoIsWhatTheReadmeSays:
    """Each claim, at each pinned moment."""

    def test_every_staff_login_signs_in_with_its_password_and_second_step(self, today):
        assert len(STAFF_ROWS) == 10
        for role, logins, password, second_step in STAFF_ROWS:
            for login in ticks(logins):
                user = signs_in(login, ticks(password)[0], second_step)
                assert user.email == login
                assert user.needs_mfa == (second_step == "TOTP code"), role

    def test_each_staff_login_has_the_role_the_readme_gives_it(self, today):
        duty, deputy = managers_in_escalation_order()[:2]
        checks = {
            "IRO manager (duty manager, first for escalations; edits forms and phrases in `/admin/`)": lambda user: (
                user.role == Role.MANAGER
                and user == duty
                and user.is_staff
                and user.has_perms(["consultations.change_formtemplateversion", "feedback.change_safeguardingphrase"])
            ),
            "IRO manager (next for escalations)": lambda user: user.role == Role.MANAGER and user == deputy,
            "IRO (in-house)": lambda user: user.role == Role.IRO and user.iro_contract == IROContract.IN_HOUSE,
            "IRO (sessional, 0.5 FTE)": lambda user: (
                user.role == Role.IRO and user.iro_contract == IROContract.SESSIONAL and float(user.fte) == 0.5
            ),
            "Advocate": lambda user: user.role == Role.ADVOCATE,
            "Social worker (every child's; their inbox holds what children chose to send them, and every "
            "safeguarding alert)": lambda user: (
                user.role == Role.SOCIAL_WORKER
                and not Child.objects.filter(iro_allocations__isnull=False)
                .exclude(worker_allocations__worker=user, worker_allocations__ended_on__isnull=True)
                .exists()
            ),
            "Personal adviser (the young people aged 16 and over)": lambda user: (
                user.role == Role.PERSONAL_ADVISER
                and {a.child.age_on(today) >= 16 for a in user.worker_allocations.filter(ended_on__isnull=True)}
                == {True}
            ),
            "Emergency duty team (urgent alerts raised out of hours, while open, at `/inbox/alerts/`)": lambda user: (
                user.role == Role.EDT
            ),
            "Children in Care Council member": lambda user: user.role == Role.CICC,
            "Administrator (`/admin/`)": lambda user: user.role == Role.ADMIN and user.is_staff and user.is_superuser,
        }
        for role, logins, _, _ in STAFF_ROWS:
            for login in ticks(logins):
                assert checks[role](User.objects.get(email=login)), f"{login} is not what the README calls {role!r}"

    def test_children_sign_in_by_username_and_young_people_by_phone_too(self, today):
        child_row = next(row for row in ROWS if row[0] == "Child aged 8\u201311")
        username = ticks(child_row[1])[0]
        child = signs_in(username, ticks(child_row[2])[0], child_row[3])
        assert 8 <= child.child_record.age_on(today) <= 11

        young_row = next(row for row in ROWS if row[0] == "Young person 12+")
        phone, username = ticks(young_row[1])
        password = ticks(young_row[2])[0]
        by_phone = signs_in(phone, password, young_row[3])
        assert by_phone == signs_in(username, password, young_row[3])
        assert by_phone.username == username
        assert by_phone.phone == normalise_uk_phone(phone)
        assert by_phone.child_record.age_on(today) >= 12

        # "Text me a code instead": the code goes out as a text to that phone.
        Client().post(reverse("account_request_login_code"), {"phone": phone})
        assert OutboundMessage.objects.filter(to=normalise_uk_phone(phone)).exists()

    def test_children_have_the_ages_usernames_and_numbers_the_readme_gives(self, today):
        first, last, youngest, oldest = claim(r"Children are `(HRD\d+)`\u2013`(HRD\d+)`, aged (\d+) to (\d+)").groups()
        assert claim(r"child \*n\* is aged 2 \+ \(\*n\* \u2212 1\) mod 16")
        children = list(Child.objects.select_related("user").order_by("case_reference"))
        assert [c.case_reference for c in children] == [
            f"HRD{n:04d}" for n in range(number_of(first), number_of(last) + 1)
        ]
        ages = {number_of(c.case_reference): c.age_on(today) for c in children}
        assert ages == {n: 2 + (n - 1) % 16 for n in ages}
        assert (min(ages.values()), max(ages.values())) == (int(youngest), int(oldest))

        low, high = claim(r"usernames `(child\d+)`\u2013`(child\d+)`, those aged (\d+)\+").groups()[:2]
        with_accounts = {c.user.username for c in children if c.user is not None}
        assert with_accounts == {f"child{n:02d}" for n, age in ages.items() if age >= 8}
        assert min(with_accounts) >= low and max(with_accounts) <= high

        claim(r"aged 12 and over have numbers from Ofcom's drama range \(`\+447700900nnn`\)")
        for child in children:
            number = number_of(child.case_reference)
            phone = child.user.phone if child.user else ""
            assert phone == (f"+447700900{number:03d}" if ages[number] >= 12 else "")

    def test_the_advocate_is_assigned_to_the_children_the_readme_names(self, today):
        named = ticks(claim(r"The advocate is assigned to ((?:`HRD\d+`(?:, | and )?)+)").group(1))
        advocate = User.objects.get(role=Role.ADVOCATE)
        assert sorted(children_visible_to(advocate).values_list("case_reference", flat=True)) == sorted(named)

    def test_the_open_safeguarding_alert_is_in_the_inbox_the_readme_names(self, today):
        reference, name = claim(r"`(HRD\d+)` has an open safeguarding alert \((\w+)'s inbox\)").groups()
        alert = SafeguardingAlert.objects.get(child__case_reference=reference, closed_at__isnull=True)
        for iro in User.objects.filter(role=Role.IRO):
            mine = iro.first_name == name
            assert (alert in open_alerts_for(iro)) == mine
            inbox = client_for(iro).get(reverse("feedback:inbox")).content.decode()
            assert (reverse("feedback:alert_detail", args=[alert.pk]) in inbox) == mine
        assert alert.assigned_to.first_name == name

    def test_the_child_waiting_for_an_iro_came_into_care_two_days_ago(self, today):
        reference = claim(r"`(HRD\d+)` came into care two days ago and waits on the manager's allocation page").group(1)
        waiting = list(children_awaiting_allocation())
        assert [child.case_reference for child in waiting] == [reference]
        assert waiting[0].became_looked_after == today - timedelta(days=2)
        manager = User.objects.get(username="manager")
        assert reference in client_for(manager).get(reverse("reviews:allocation")).content.decode()

    def test_the_reviews_next_week_have_their_forms_out_and_their_packs_ready(self, today):
        named = ticks(claim(r"((?:`HRD\d+`(?:, | and )?)+) have reviews next week").group(1))
        monday, sunday = next_week(today)
        upcoming = Review.objects.filter(held_on__isnull=True).select_related("child")
        assert sorted(r.child.case_reference for r in upcoming if monday <= r.date <= sunday) == sorted(named)
        for review in upcoming.filter(child__case_reference__in=named):
            audiences = set(
                Invitation.objects.filter(review=review, sent_at__isnull=False).values_list("audience", flat=True)
            )
            assert {"carer", "professional"} <= audiences, review.child
            assert (review.child.user is not None) <= (len(audiences) > 2), review.child
            iro = User.objects.get(iro_allocations__child=review.child, iro_allocations__ended_on__isnull=True)
            assert client_for(iro).get(reverse("consultations:pack", args=[review.pk])).status_code == 200
        # Nobody else has a form out yet.
        assert set(
            Invitation.objects.filter(review__held_on__isnull=True).values_list(
                "review__child__case_reference", flat=True
            )
        ) == set(named)

        for username in ticks(
            claim(r"sign in as ((?:`child\d+`(?:, | or )?)+) and open \"Before my review\"").group(1)
        ):
            child = User.objects.get(username=username)
            assert child.child_record.case_reference in named
            invitation = Invitation.objects.get(review__child__user=child, review__held_on__isnull=True, contact=None)
            page = client_for(child).get(reverse("consultations:mine")).content.decode()
            assert reverse("consultations:mine_detail", args=[invitation.pk]) in page

    def test_two_years_of_history_fill_every_report_and_the_cicc_themes(self, today):
        claim(
            r"Behind today lie two years of history: reviews held \(a few late, with their reasons\), messages read "
            r"and answered, consultation answers, feedback after reviews, practice alerts and closed safeguarding "
            r"alerts"
        )
        since = today - timedelta(days=2 * 365)
        late = Review.objects.filter(held_on__gte=since, held_on__gt=F("due_by"))
        assert late.exists()
        assert not late.filter(late_reason="").exists()
        assert Statement.objects.filter(created_at__date__lt=since + timedelta(days=60)).exists()
        assert Statement.objects.filter(created_at__date__lt=today - timedelta(days=30), read_at__isnull=False).exists()
        assert Statement.objects.exclude(reply="").filter(replied_at__date__lt=today - timedelta(days=30)).exists()
        assert Response.objects.filter(submitted_at__date__lt=today - timedelta(days=300)).exists()
        assert ServiceFeedback.objects.filter(submitted_at__date__lt=today - timedelta(days=300)).exists()
        assert PracticeAlert.objects.filter(stage=PracticeAlertStage.RESOLVED).exists()
        assert PracticeAlert.objects.exclude(stage=PracticeAlertStage.RESOLVED).exists()
        assert SafeguardingAlert.objects.filter(closed_at__date__lt=today - timedelta(days=30)).exists()
        # Nothing is dated in the future.
        assert not Statement.objects.filter(created_at__gt=timezone.now()).exists()
        assert not Review.objects.filter(held_on__gte=today).exists()

        claim(
            r"Every report at `/reports/` and the annual report at `/reports/annual/` compare this reporting year so "
            r"far with the whole of the last"
        )
        for name in REPORTS:
            table = report(name, reporting_year(today))
            assert any(row.count for row in table.rows), f"{name} is empty this year"
            assert name == "caseloads" or any(row.previous_count for row in table.rows), f"{name} is empty last year"
        manager = User.objects.get(username="manager")
        assert client_for(manager).get(reverse("reporting:annual")).status_code == 200

    def test_the_cicc_sees_counts_and_fewer_than_ten_and_never_a_small_theme_or_this_quarter(self, today):
        claim(
            r"the Children in Care Council \(`cicc@heard.example`, at `/cicc/`\) sees the themes of the last four "
            r"closed quarters: some as rounded counts, some as \"fewer than 10\", those raised by fewer than three "
            r"children left out, and nothing yet from the current quarter"
        )
        periods = cicc_themes(today)
        assert len(periods) == 4
        assert all(period.period.end < quarter_containing(today).start for period in periods)
        shown = [cell.shown for period in periods for cell in period.cells]
        assert any(value.isdigit() and int(value) >= 10 for value in shown)
        assert "fewer than 10" in shown
        left_out = False
        for period in periods:
            visible = {cell.theme for cell in period.cells}
            raised = set(
                StatementTheme.objects.filter(
                    statement__created_at__date__range=(period.period.start, period.period.end)
                ).values_list("theme__name", flat=True)
            ) | set(
                ResponseTheme.objects.filter(
                    response__submitted_at__date__range=(period.period.start, period.period.end)
                ).values_list("theme__name", flat=True)
            )
            left_out = left_out or bool(raised - visible)
        assert left_out
        page = client_for(User.objects.get(email="cicc@heard.example")).get(reverse("reporting:cicc")).content.decode()
        assert "fewer than 10" in page

    def test_seeding_again_changes_nothing(self, today):
        before = (User.objects.count(), Statement.objects.count(), Review.objects.count())
        out = StringIO()
        call_command("seed_demo", "--force", stdout=out)
        assert out.getvalue().strip() == "Demo data is already loaded."
        assert (User.objects.count(), Statement.objects.count(), Review.objects.count()) == before

    def test_the_demo_totp_command_prints_the_code_for_the_readme_secret(self, today):
        assert "manage.py demo_totp" in DEMO
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("demo_totp", stdout=out)
        assert out.getvalue().strip() == current_totp_code(ticks(DEMO.split("Add the secret", 1)[1])[0])


def test_the_seed_refuses_to_run_without_debug_or_force(db):
    claim(r"`seed_demo` refuses to run unless `HEARD_DEBUG=1` \(or `--force`\)")
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


# The seed's mail is sent on commit, as in `make run`: this one commits for real (the tables are
# emptied after it; pytest-django runs such tests after all the others).
@time_machine.travel(datetime(2026, 7, 15, 12, 0, tzinfo=LONDON), tick=False)
def test_the_seeds_emails_and_texts_go_to_the_outbox_file_and_one_line_says_where(council_defaults, tmp_path, caplog):
    claim(
        r"the emails and texts it would send are written to `var/demo-outbox.txt` \(`--outbox` chooses another file\)"
    )
    claim(r"the carers' and parents' links are in `var/demo-outbox.txt`")
    outbox = tmp_path / "demo-outbox.txt"
    out = StringIO()
    caplog.set_level("INFO")
    call_command("seed_demo", "--force", "--outbox", outbox, stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(f"are in {outbox}.")
    written = outbox.read_text()
    assert mail.outbox == []
    assert not [record for record in caplog.records if record.name == "heard.sms"]

    # Every carer's and parent's invitation for next week's reviews is in the file as a working link.
    linked = set()
    for token in re.findall(r"/c/([^/\s]+)/", written):
        invitation = Invitation.objects.get(token_hash=token_hash(token))
        try:
            assert invitation_open(token) == invitation
        except LinkProblem as problem:
            assert problem.reason == "used"  # the carer who has answered already
        linked.add(invitation.pk)
    wanted = Invitation.objects.filter(review__held_on__isnull=True, audience__in=["carer", "parent"])
    assert set(wanted.values_list("pk", flat=True)) <= linked
    assert wanted.filter(audience="parent").exists()
    assert written.count("EMAIL ") >= wanted.filter(audience="carer").count()
    assert "TEXT " in written
