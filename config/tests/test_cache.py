"""The Redis cache backend shares one client per pool and still behaves as Django's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache


@pytest.fixture
def redis_cache():
    if settings.CACHES["default"]["BACKEND"] != "config.cache.RedisCache":
        pytest.skip("needs Redis (REDIS_URL=redis://...)")
    return cache


def test_one_redis_client_serves_every_call_and_values_round_trip(redis_cache):
    client = redis_cache._cache.get_client()

    redis_cache.set("config:test:shared-client", {"a": [1, 2]}, timeout=30)

    assert redis_cache.get("config:test:shared-client") == {"a": [1, 2]}
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache.add("config:test:shared-client", "other") is False
    assert redis_cache.delete("config:test:shared-client") is True
    assert redis_cache.get("config:test:shared-client") is None


def test_an_unreachable_redis_is_an_empty_cache_except_for_incr():
    from redis.exceptions import ConnectionError as RedisConnectionError

    from config.cache import RedisCache

    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})

    assert dead.get("k", "fallback") == "fallback"
    assert dead.get_many(["k", "j"]) == {}
    assert dead.add("k", 1) is False
    assert dead.set("k", 1) is None
    assert dead.set_many({"k": 1, "j": 2}) == ["k", "j"]
    assert dead.delete("k") is False
    with pytest.raises(RedisConnectionError):
        dead.incr("k")
