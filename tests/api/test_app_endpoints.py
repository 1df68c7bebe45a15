"""What the app does through the API: profile, messages and replies, reviews, advocacy, news, the IRO's side."""

import json
from datetime import date, timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import AccessLogEntry
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.services import statement_submit
from reporting.models import Theme, YouSaidWeDid
from reviews.models import AdvocacyRequest, Review
from reviews.services import advocate_assign, iro_allocate, review_publish_summary
from tests.conftest import client_for, make_child, make_user, problem_fields


def _json(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_child_sees_their_next_review_and_how_to_reach_their_iro(child, child_user, iro):
    iro.first_name, iro.last_name = "Amara", "Osei"
    iro.save()
    me = client_for(child_user).get("/api/v1/me/").json()
    review = Review.objects.get(child=child, held_on__isnull=True)
    assert me["role"] == "child"
    assert me["next_review"] == {"id": review.pk, "date": review.date.isoformat(), "booked": False}
    assert me["iro"]["name"] == "Amara Osei"
    assert me["iro"]["email"] == "amara@heard.example"


def test_staff_see_no_child_fields_in_their_profile(child, iro):
    me = client_for(iro).get("/api/v1/me/").json()
    assert (me["role"], me["next_review"], me["iro"]) == ("iro", None, None)


def test_a_child_chooses_how_to_hear_about_replies(child, child_user):
    client = client_for(child_user)
    assert _json(client, "patch", "/api/v1/me/", {"notify_by": "sms"}).json()["notify_by"] == "sms"
    bad = _json(client, "patch", "/api/v1/me/", {"notify_by": "pigeon"})
    assert bad.status_code == 400 and "notify_by" in problem_fields(bad)


def test_the_iro_replies_through_the_api_and_the_child_sees_it(child, child_user, iro, other_iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="app")
    url = f"/api/v1/statements/{statement.pk}/reply/"
    assert _json(client_for(other_iro), "post", url, {"reply": "hi"}).status_code == 404
    assert _json(client_for(child_user), "post", url, {"reply": "hi"}).status_code == 403
    blank = _json(client_for(iro), "post", url, {"reply": "   "})
    assert blank.status_code == 400 and "reply" in problem_fields(blank)

    assert _json(client_for(iro), "post", url, {"reply": "Thanks, I'll raise it."}).status_code == 200
    mine = client_for(child_user).get(f"/api/v1/statements/{statement.pk}/").json()
    assert (mine["reply"], mine["read"]) == ("Thanks, I'll raise it.", True)


def test_staff_reads_through_the_api_are_logged(child, child_user, iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="app")
    client_for(iro).get(f"/api/v1/statements/{statement.pk}/")
    client_for(child_user).get(f"/api/v1/statements/{statement.pk}/")
    assert list(AccessLogEntry.objects.values_list("user__username", "what")) == [("amara", "statement")]


def test_a_child_lists_their_reviews_with_the_summary_once_published(child, child_user, iro):
    review = Review.objects.get(child=child, held_on__isnull=True)
    Review.objects.filter(pk=review.pk).update(held_on=date(2026, 1, 10), participation_code="PN1")
    client = client_for(child_user)
    [listed] = client.get("/api/v1/reviews/").json()["results"]
    assert (listed["id"], listed["summary"], listed["feedback_wanted"]) == (review.pk, "", False)
    review.refresh_from_db()
    review_publish_summary(review=review, iro=iro, text="We agreed you can join the football club.")
    assert client.get("/api/v1/reviews/").json()["results"][0]["summary"].startswith("We agreed")
    assert client_for(iro).get("/api/v1/reviews/").json()["results"] == []


def test_a_child_asks_for_an_advocate_once_and_is_told_it_is_in_hand(
    child, child_user, iro, manager, advocate, django_capture_on_commit_callbacks
):
    client = client_for(child_user)
    with django_capture_on_commit_callbacks(execute=True):
        first = _json(client, "post", "/api/v1/advocacy-requests/", {"note": "I want help at my review"})
    assert first.status_code == 201
    again = _json(client, "post", "/api/v1/advocacy-requests/", {})
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert AdvocacyRequest.objects.count() == 1
    [email] = mail.outbox
    assert set(email.to) == {"amara@heard.example", "manager@heard.example"}
    assert "help at my review" not in email.body and "HRD0001" not in email.body

    assert [r["id"] for r in client_for(iro).get("/api/v1/advocacy-requests/").json()["results"]] == [
        first.json()["id"]
    ]
    assert _json(client_for(iro), "post", "/api/v1/advocacy-requests/", {}).status_code == 403

    advocate_assign(child=child, advocate=advocate, started_on=timezone.localdate(), by=manager)
    resolved = client.get("/api/v1/advocacy-requests/").json()["results"][0]
    assert resolved["outcome"] == "assigned" and resolved["resolved_at"]


def test_an_advocate_lists_only_the_children_assigned_to_them(child, other_child, advocate, other_advocate, manager):
    assert [c["case_reference"] for c in client_for(advocate).get("/api/v1/children/").json()["results"]] == ["HRD0001"]
    assert client_for(other_advocate).get("/api/v1/children/").json()["results"] == []
    everyone = client_for(manager).get("/api/v1/children/").json()["results"]
    assert {c["case_reference"] for c in everyone} == {"HRD0001", "HRD0002"}
    assert AccessLogEntry.objects.filter(user=manager, what="child record").count() == 2


def test_the_childrens_list_makes_the_same_queries_for_three_children_or_thirty(
    iro, advocate, django_assert_num_queries
):
    for n in range(3):
        child = make_child(f"Q{n:04}")
        advocate_assign(child=child, advocate=advocate, started_on=date(2025, 9, 1))
    client = client_for(advocate)
    with django_assert_num_queries(4) as small:
        client.get("/api/v1/children/")
    for n in range(3, 30):
        child = make_child(f"Q{n:04}")
        advocate_assign(child=child, advocate=advocate, started_on=date(2025, 9, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/children/").json()["results"]) == 30


def test_children_and_the_cicc_read_you_said_we_did_and_iros_do_not(child_user, cicc, iro):
    theme = Theme.objects.create(slug="pocket-money-test", name="Pocket money")
    YouSaidWeDid.objects.create(
        theme=theme,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 6, 30),
        you_said="Pocket money is different in each home.",
        we_did="One rate for every home from September.",
        published_by=cicc,
    )
    [item] = client_for(child_user).get("/api/v1/you-said-we-did/").json()["results"]
    assert (item["theme"], item["we_did"]) == ("Pocket money", "One rate for every home from September.")
    assert len(client_for(cicc).get("/api/v1/you-said-we-did/").json()["results"]) == 1
    assert client_for(iro).get("/api/v1/you-said-we-did/").json()["results"] == []


def test_the_iro_inbox_through_the_api_is_their_caseload_only(child, other_child, child_user, other_child_user, iro):
    statement_submit(author=child_user, child=child, category="school", body="alice words", channel="app")
    statement_submit(author=other_child_user, child=other_child, category="unsafe", body="bob words", channel="app")
    inbox = client_for(iro).get("/api/v1/inbox/")
    assert inbox.status_code == 200
    assert b"bob words" not in inbox.content
    [group] = inbox.json()["groups"]
    assert (group["child"]["case_reference"], group["unread"]) == ("HRD0001", 1)
    assert inbox.json()["alerts"] == []
    assert client_for(child_user).get("/api/v1/inbox/").status_code == 404


def test_the_pre_review_pack_through_the_api(child, child_user, iro, other_iro, manager):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    statement_submit(author=child_user, child=child, category="school", body="before the review", channel="app")
    url = f"/api/v1/reviews/{review.pk}/pack/"

    pack = client_for(iro).get(url)
    assert pack.status_code == 200
    body = pack.json()
    assert body["child"]["case_reference"] == "HRD0001"
    assert [s["body"] for s in body["statements"]] == ["before the review"]
    assert any(entry["from_child"] for entry in body["waiting"])
    assert AccessLogEntry.objects.filter(user=iro, what="pre-review pack").exists()
    for outsider in (other_iro, child_user):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(manager).get(url).status_code == 200


def test_the_app_lists_and_ends_its_sessions_through_allauth(child, child_user):
    tokens = []
    for _ in range(2):
        login = Client().post(
            "/_allauth/app/v1/auth/login",
            json.dumps({"username": "alice", "password": "correct horse battery"}),
            content_type="application/json",
        )
        tokens.append(login.json()["meta"]["session_token"])
    app = Client(headers={"X-Session-Token": tokens[0]})
    sessions = app.get("/_allauth/app/v1/auth/sessions").json()["data"]
    assert len(sessions) == 2
    other = next(s for s in sessions if not s["is_current"])
    ended = app.delete(
        "/_allauth/app/v1/auth/sessions", json.dumps({"sessions": [other["id"]]}), content_type="application/json"
    )
    assert ended.status_code == 200
    assert Client(headers={"X-Session-Token": tokens[1]}).get("/api/v1/me/").status_code == 401
    assert app.get("/api/v1/me/").status_code == 200


def test_a_sessional_iros_api_access_ends_with_their_allocation(child, child_user, iro, other_iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="app")
    assert client_for(iro).get(f"/api/v1/statements/{statement.pk}/").status_code == 200
    iro_allocate(child=child, iro=other_iro, allocated_on=timezone.localdate())
    assert client_for(iro).get(f"/api/v1/statements/{statement.pk}/").status_code == 404
    assert client_for(other_iro).get(f"/api/v1/statements/{statement.pk}/").status_code == 200


def test_a_child_without_a_care_record_is_told_clearly(db):
    lonely = make_user("nochild", "child")
    response = _json(client_for(lonely), "post", "/api/v1/statements/", {"category": "school", "body": "hi"})
    assert response.status_code == 403
    problem_fields(response)
    assert _json(client_for(lonely), "post", "/api/v1/advocacy-requests/", {}).status_code == 403
