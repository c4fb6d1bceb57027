"""Django's Redis cache, keeping one Redis client per connection pool.

Django's `RedisCache` builds a new `redis.Redis` around its connection pool
for every cache call, and redis-py fills a table of some 170 reply
callbacks in each one's constructor: about a fifth of a millisecond, more
than the round trip to a local Redis. This backend builds each pool's
client once (a client is safe to share; each command borrows a connection
from the pool). Everything else, keys and values included, is Django's.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):  # noqa: ANN001, ANN202
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache`, one client per pool."""

    def __init__(self, server, params) -> None:  # noqa: ANN001
        super().__init__(server, params)
        self._class = _ReusingClient
