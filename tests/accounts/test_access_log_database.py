"""The access log is append-only in PostgreSQL itself: raw SQL cannot change or delete an entry."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import AccessLogEntry, AccessPurpose
from accounts.services import access_log_record


@pytest.fixture
def entry(child, iro):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (CI's PostgreSQL run)")
    access_log_record(user=iro, what="statement", purpose=AccessPurpose.STATEMENT, object_id=1, child=child)
    return AccessLogEntry.objects.get()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_accesslogentry SET what = 'nothing to see' WHERE id = %s",
        "DELETE FROM accounts_accesslogentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_remove_an_entry(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.what == "statement"


def test_the_base_manager_cannot_either(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry._base_manager.filter(pk=entry.pk).update(what="changed")
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "statement"


def test_only_the_retention_job_removes_old_entries(entry):
    assert AccessLogEntry.objects.expire_before(timezone.now() - timedelta(days=1)) == 0
    assert AccessLogEntry.objects.expire_before(timezone.now() + timedelta(days=1)) == 1
    assert not AccessLogEntry.objects.exists()
    # The permission ended with the retention job's transaction.
    access_log_record(user=entry.user, what="pack", purpose=AccessPurpose.PACK, object_id=2, child=entry.child)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accesslogentry")
