"""On PostgreSQL each process keeps a bounded pool of connections, whatever the number of threads.

Under ASGI a request can run in a thread of its own; with persistent connections each such thread
kept one open, and the benchmark's load ran PostgreSQL out of connections ("too many clients").
"""

import threading

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's")


def test_the_pool_is_on_and_persistent_connections_off():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"]["max_size"] == settings.DB_POOL_SIZE > 0


@pytest.mark.django_db(transaction=True)
def test_many_threads_share_a_bounded_number_of_connections():
    name = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    params.pop("pool", None)
    watcher = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    seen: list[int] = []
    start = threading.Barrier(40)

    def request_in_its_own_thread():
        start.wait()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.05)")
            seen.append(
                watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]
            )
        finally:
            connections.close_all()  # what Django does at the end of every request

    threads = [threading.Thread(target=request_in_its_own_thread) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    watcher.close()
    assert len(seen) == 40
    # The pool's connections, plus this test's own (the test database's session).
    assert max(seen) <= settings.DB_POOL_SIZE + 1
