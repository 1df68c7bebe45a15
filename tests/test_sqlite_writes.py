"""The embedded database takes two writers at once: the second waits its turn rather than failing."""

import threading
import time

from django.db.utils import ConnectionHandler

from backend.settings import sqlite_database


def test_two_threads_that_read_then_write_at_once_both_commit(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        _read_then_write_in_two_threads(tmp_path)


def _read_then_write_in_two_threads(tmp_path):
    connections = ConnectionHandler({"default": sqlite_database(tmp_path / "heard.sqlite3")})
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE receipt (statement INTEGER, reader TEXT)")
    connections.close_all()
    failures: list[Exception] = []

    def mark_read(reader: str) -> None:
        # As a request does: begin, read what is there, then write (the read and the reply in the issue).
        connection = connections["default"]
        try:
            with connection.cursor() as cursor:
                # Django's atomic() begins the same way on SQLite.
                cursor.execute("BEGIN " + (connection.transaction_mode or ""))
                cursor.execute("SELECT count(*) FROM receipt")
                time.sleep(0.3)  # both readers are in before either writes
                cursor.execute("INSERT INTO receipt VALUES (1, %s)", [reader])
                cursor.execute("COMMIT")
        except Exception as exc:  # "database is locked" before the fix
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=mark_read, args=(reader,)) for reader in ("read", "reply")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT reader FROM receipt ORDER BY reader")
        assert cursor.fetchall() == [("read",), ("reply",)]
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
    connections.close_all()
