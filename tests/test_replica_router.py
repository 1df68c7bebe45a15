"""Reports read from the replica when one is configured; everything else, and every write, from the primary."""

from datetime import date
from types import SimpleNamespace
from unittest import mock

from backend.db_router import REPLICA, ReplicaRouter, _use_replica, reads_from_replica
from feedback.models import Statement
from reporting import reports
from reporting.periods import Period


def test_reads_go_to_the_replica_only_inside_the_block_and_only_if_there_is_one():
    router = ReplicaRouter()
    assert router.db_for_read(Statement) is None
    with reads_from_replica():
        assert router.db_for_read(Statement) is None  # no replica configured: the primary
        with mock.patch("backend.db_router.settings", SimpleNamespace(DATABASES={"default": {}, REPLICA: {}})):
            assert router.db_for_read(Statement) == REPLICA
            assert router.db_for_write(Statement) is None
    assert router.db_for_read(Statement) is None
    assert router.allow_migrate(REPLICA, "feedback") is False


def test_every_report_is_read_inside_the_replica_block(db):
    seen = []

    def spy(period, previous, scope):
        seen.append(_inside())

    with mock.patch.dict(reports.REPORTS, {"statements": spy}):
        reports.report("statements", Period(date(2025, 4, 1), date(2026, 3, 31)))
    assert seen == [True]
    assert not _inside()


def _inside() -> bool:
    return _use_replica.get()
