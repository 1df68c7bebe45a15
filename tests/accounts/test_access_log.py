"""Every staff read of a child's words is logged; the log only grows."""

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry
from feedback.models import Category
from feedback.services import statement_submit
from tests.conftest import client_for


@pytest.fixture
def statement(child, child_user):
    return statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="hello", channel="web")[0]


def test_an_iro_opening_a_statement_is_logged_and_a_child_reading_their_own_is_not(statement, child, child_user, iro):
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    client_for(child_user).get(reverse("feedback:my_statements"))
    client_for(child_user).get("/api/v1/statements/")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.what, entry.object_id, entry.child, entry.action) == (
        iro, "statement", str(statement.pk), child, "view",
    )  # fmt: skip


def test_staff_reading_through_the_api_is_logged_per_statement(statement, manager):
    client_for(manager).get("/api/v1/statements/")
    assert list(AccessLogEntry.objects.values_list("what", "object_id")) == [("statement", str(statement.pk))]


def test_the_pack_and_exports_are_logged(statement, child, iro, manager):
    from reviews.models import Review

    review = Review.objects.get(child=child, held_on__isnull=True)
    client_for(iro).get(reverse("consultations:pack", args=[review.pk]))
    client_for(manager).get(reverse("reporting:ssda903_reviews") + "?year=2026")
    assert set(AccessLogEntry.objects.values_list("what", "action")) == {
        ("pre-review pack", "view"), ("SSDA903 reviews file", "export"),
    }  # fmt: skip


def test_a_refused_read_leaves_no_entry(statement, other_iro):
    assert client_for(other_iro).get(reverse("feedback:statement_detail", args=[statement.pk])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_log_cannot_be_changed_or_deleted_through_the_application(statement, iro):
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    entry = AccessLogEntry.objects.get()
    entry.reason = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().reason == ""


def test_managers_see_the_log_and_no_one_else_does(statement, child, iro, manager, other_iro, cicc):
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    page = client_for(manager).get(reverse("reporting:access_log") + f"?child={child.case_reference}").content.decode()
    assert "amara" in page and child.case_reference in page
    for user in (iro, other_iro, cicc):
        assert client_for(user).get(reverse("reporting:access_log")).status_code == 404
