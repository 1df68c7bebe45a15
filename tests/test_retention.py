"""Retention: once past the council's periods, children's words, texts, keys, log entries and exports are gone."""

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import AccessLogEntry, AccessPurpose
from accounts.services import access_log_record
from backend.retention import retention_apply
from complaints.services import complaint_make, stage1_respond
from consultations.models import Response
from consultations.services import forms_sync_from_files, invitations_create_for_review, response_submit
from feedback.models import Statement
from feedback.services import statement_reply, statement_submit
from mobile_api.models import IdempotentRequest
from reporting.models import Quote, Theme
from reporting.periods import Period
from reporting.reports import report
from reviews.models import AdvocacyRequest, Child, Review
from sms.models import InboundMessage, OutboundMessage
from sms.outbound import sms_queue
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")
LONG_AGO = datetime(2019, 6, 3, 10, tzinfo=LONDON)  # more than six years before "now"
NOW = datetime(2026, 11, 23, 12, tzinfo=LONDON)


def _everything_said(child, child_user, iro, when: datetime, words: str) -> Statement:
    with time_machine.travel(when, tick=False):
        statement, _ = statement_submit(author=child_user, child=child, category="school", body=words, channel="sms")
        statement_reply(statement=statement, iro=iro, text=f"Reply to {words}")
        Quote.objects.create(statement=statement, theme=Theme.objects.get_or_create(slug="t", name="T")[0], text=words)
        AdvocacyRequest.objects.create(
            child=child, requested_by=child_user, note=words, resolved_at=when, outcome="not_wanted"
        )
        sms_queue(to="+447700900123", body=words, purpose="reply", key=f"k-{words}")
        InboundMessage.objects.create(
            message_sid=f"SM{words[:10]}", from_number="+447700900123", body=words, user=child_user
        )
        access_log_record(
            user=iro, what="statement", purpose=AccessPurpose.STATEMENT, object_id=statement.pk, child=child
        )
    return statement


def test_nothing_past_retention_remains_and_what_is_recent_stays(child, child_user, iro, settings, tmp_path):
    settings.HEARD_EXPORTS_DIR = tmp_path
    old = _everything_said(child, child_user, iro, LONG_AGO, "old words from 2019")
    recent = _everything_said(child, child_user, iro, NOW - timedelta(days=20), "recent words")
    old_export = tmp_path / "ssda903_reviews_2019.csv"
    old_export.write_text("CHILD,DOB\n")
    os.utime(old_export, ((NOW - timedelta(days=40)).timestamp(),) * 2)
    new_export = tmp_path / "ssda903_reviews_2026.csv"
    new_export.write_text("CHILD,DOB\n")
    os.utime(new_export, ((NOW - timedelta(days=1)).timestamp(),) * 2)

    with time_machine.travel(NOW, tick=False):
        run = retention_apply()

    old.refresh_from_db()
    assert (old.body, old.reply, old.urgent_reasons) == ("", "", [])
    assert not Quote.objects.filter(statement=old).exists()
    assert not AdvocacyRequest.objects.filter(note__contains="2019").exists()
    # Nothing anywhere still holds the old words (text bodies go after 90 days; the log after 7 years).
    assert not Statement.objects.filter(body__contains="2019").exists()
    assert not OutboundMessage.objects.filter(body__contains="2019").exists()
    assert not InboundMessage.objects.filter(body__contains="2019").exists()
    assert not old_export.exists() and new_export.exists()
    # What is recent stays, words and all.
    recent.refresh_from_db()
    assert recent.body == "recent words" and recent.reply == "Reply to recent words"
    assert Quote.objects.filter(statement=recent).exists()
    assert OutboundMessage.objects.filter(body="recent words").exists()
    assert run.removed["statement words"] == 1 and run.removed["export files"] == 1
    # The row stays for the figures: counted, with no words.
    table = report("statements", Period(date(2019, 1, 1), date(2019, 12, 31)))
    assert sum(row.count for row in table.rows if row.group != "channel") >= 1


def test_words_go_a_year_after_a_child_leaves_care(child, child_user, iro):
    statement = _everything_said(child, child_user, iro, NOW - timedelta(days=500), "said before leaving")
    Child.objects.filter(pk=child.pk).update(left_care=(NOW - timedelta(days=400)).date())
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    statement.refresh_from_db()
    assert statement.body == ""


def test_consultation_answers_and_review_summaries_go_too(child, child_user, iro):
    forms_sync_from_files()
    with time_machine.travel(LONG_AGO, tick=False):
        review = Review.objects.get(child=child, held_on__isnull=True)
        invitations_create_for_review(review=review)
        invitation = review.invitations.get(contact__isnull=True)
        response_submit(
            invitation=invitation, answers={"home_feeling": "ok", "home_comment": "old"}, entered_by=child_user
        )
        Review.objects.filter(pk=review.pk).update(child_summary="old summary", summary_published_at=LONG_AGO)
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    assert Response.objects.get().answers == {}
    assert Review.objects.get(pk=review.pk).child_summary == ""


def test_a_closed_complaints_words_go_and_an_open_ones_stay(child, child_user, manager):
    with time_machine.travel(LONG_AGO, tick=False):
        closed, _ = complaint_make(child=child, by=child_user, words="old and answered", channel="web")
        stage1_respond(complaint=closed, by=manager, outcome="resolved")
        still_open, _ = complaint_make(child=child, by=child_user, words="old and still open", channel="web")
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert (closed.words, closed.stage1_outcome) == ("", "resolved")  # the counts stay for the reports
    assert still_open.words == "old and still open"


def test_idempotency_records_and_old_access_log_entries_expire(child, child_user, iro, settings):
    with time_machine.travel(NOW - timedelta(days=8), tick=False):
        client_for(child_user).post(
            "/api/v1/statements/",
            '{"category": "school", "body": "hi"}',
            content_type="application/json",
            headers={"Idempotency-Key": "old-key"},
        )
    with time_machine.travel(NOW - timedelta(days=8 * 365), tick=False):
        access_log_record(user=iro, what="statement", purpose=AccessPurpose.STATEMENT, object_id=1, child=child)
    access_log_record(user=iro, what="statement", purpose=AccessPurpose.STATEMENT, object_id=2, child=child)
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    assert not IdempotentRequest.objects.exists()
    assert list(AccessLogEntry.objects.values_list("object_id", flat=True)) == ["2"]


def test_the_command_says_what_it_would_remove_and_a_dry_run_changes_nothing(child, child_user, iro, capsys):
    old = _everything_said(child, child_user, iro, LONG_AGO, "dry run words")
    with time_machine.travel(NOW, tick=False):
        call_command("heard_retention", "--dry-run")
    assert "Would remove 1 statement words" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.body == "dry run words"
    with time_machine.travel(NOW, tick=False):
        call_command("heard_retention")
    old.refresh_from_db()
    assert old.body == ""


def test_the_access_log_stays_append_only_for_everything_but_retention(iro, child):
    access_log_record(user=iro, what="statement", purpose=AccessPurpose.STATEMENT, object_id=1, child=child)

    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.expire_before(datetime(2000, 1, 1, tzinfo=LONDON)) == 0
    assert AccessLogEntry.objects.count() == 1
