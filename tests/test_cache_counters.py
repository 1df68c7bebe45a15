"""The cache's window counters (the API's throttles) and the shared Redis client, on Redis and on the embedded cache."""

import pytest
from django.conf import settings
from django.core.cache import caches

from backend.cache import ResilientRedisCache, SharedRedisCacheClient, count_in_window


def test_a_window_counts_each_use_and_keys_apart():
    assert [count_in_window("throttle_user_1:7", 60) for _ in range(3)] == [1, 2, 3]
    assert count_in_window("throttle_user_2:7", 60) == 1


def test_on_redis_a_count_is_one_round_trip_and_expires_with_its_window():
    if not settings.REDIS_URL:
        pytest.skip("Redis is tested in the run with REDIS_URL set")
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    client = cache._cache.get_client(write=True)
    sent = []
    connection_class = client.connection_pool.connection_class
    original = connection_class.send_packed_command

    def counting(connection, command, *args, **kwargs):
        sent.append(command)
        return original(connection, command, *args, **kwargs)

    connection_class.send_packed_command = counting
    try:
        assert count_in_window("throttle_address_x:9", 60) == 1
    finally:
        connection_class.send_packed_command = original
    assert len(sent) == 1  # SET NX EX and INCR, pipelined
    name = cache.make_and_validate_key("throttle_address_x:9")
    client.expire(name, 5)  # the window runs from the first use: later uses do not lengthen it
    assert count_in_window("throttle_address_x:9", 60) == 2
    assert 0 < client.ttl(name) <= 5
    assert cache.get("throttle_address_x:9") == 2


def test_every_cache_object_shares_one_redis_client():
    if not settings.REDIS_URL:
        pytest.skip("Redis is tested in the run with REDIS_URL set")
    first = caches.create_connection("default")
    second = caches.create_connection("default")
    assert isinstance(first._cache, SharedRedisCacheClient)
    assert first._cache is not second._cache
    assert first._cache.get_client() is second._cache.get_client(write=True)
