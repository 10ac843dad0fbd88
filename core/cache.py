"""A Redis cache that degrades to "no cache" while Redis is unreachable.

Django's ``RedisCache`` raises ``redis.ConnectionError`` from every call when
Redis is down, so every page that touches the cache (reader pages, the API's
throttles, the link checker's host slots) would be a 500. ``DegradingRedisCache``
answers such a call as a cache miss instead:

* reads return the default (``get``/``get_many``/``has_key``: nothing there);
* ``add`` returns ``True`` (on a miss the key would have been stored); ``set``
  and ``delete`` do nothing; ``incr`` raises ``ValueError`` (no such key), as
  Django does for a missing key;
* one warning is logged when Redis becomes unreachable and one line when it
  answers again; in between, calls skip Redis for ``RETRY_AFTER`` seconds at
  a time instead of paying a connection timeout each (a simple circuit breaker).

Errors that are not about reaching Redis (a wrong type, a script error) still
raise. Set short ``socket_connect_timeout``/``socket_timeout`` in the cache's
OPTIONS so a silently dropped connection cannot hold a request for long.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds during which a Redis found unreachable is not tried again

T = TypeVar("T")


class _Breaker:
    """Per server: whether Redis was unreachable within the last ``RETRY_AFTER`` seconds (shared by threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_until: dict[str, float] = {}

    def is_open(self, server: str) -> bool:
        return self._down_until.get(server, 0.0) > time.monotonic()

    def trip(self, server: str, exc: BaseException) -> None:
        with self._lock:
            first = server not in self._down_until
            self._down_until[server] = time.monotonic() + RETRY_AFTER
        if first:
            logger.warning("cache unreachable at %s (%s); serving without cache until it answers", server, exc)

    def reset(self, server: str) -> None:
        if server in self._down_until:
            with self._lock:
                if self._down_until.pop(server, None) is not None:
                    logger.warning("cache at %s answers again", server)


breaker = _Breaker()


class DegradingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """One ``redis.Redis`` per connection pool, made once (Django makes one per call).

        A client holds no connection of its own (each command borrows one from
        the pool), so threads share it; making one cost about 100 µs, half of a
        cache read, on every page the process's memory does not hold.
        """
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(index, self._client(connection_pool=self._get_pool(index)))
        return client

    def _get_pool(self, index: int) -> Any:
        if index not in self._pools:
            self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return self._pools[index]

    def _guard(self, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        server = str(self._servers[0])
        if breaker.is_open(server):
            return fallback()
        try:
            result = call()
        except UNREACHABLE as exc:
            breaker.trip(server, exc)
            return fallback()
        breaker.reset(server)
        return result

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).add(key, value, timeout), lambda: True)

    def get(self, key: Any, default: Any) -> Any:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).get(key, default), lambda: default)

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._guard(lambda: super(DegradingRedisCacheClient, self).set(key, value, timeout), lambda: None)

    def touch(self, key: Any, timeout: Any) -> bool:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).touch(key, timeout), lambda: False)

    def delete(self, key: Any) -> bool:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).delete(key), lambda: False)

    def get_many(self, keys: Any) -> dict[Any, Any]:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).get_many(keys), dict)

    def has_key(self, key: Any) -> bool:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).has_key(key), lambda: False)

    def incr(self, key: Any, delta: int) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (cache unreachable).")

        return self._guard(lambda: super(DegradingRedisCacheClient, self).incr(key, delta), missing)

    def set_many(self, data: dict[Any, Any], timeout: Any) -> None:
        self._guard(lambda: super(DegradingRedisCacheClient, self).set_many(data, timeout), lambda: None)

    def delete_many(self, keys: Any) -> None:
        self._guard(lambda: super(DegradingRedisCacheClient, self).delete_many(keys), lambda: None)

    def clear(self) -> bool:
        return self._guard(lambda: super(DegradingRedisCacheClient, self).clear(), lambda: False)


class DegradingRedisCache(RedisCache):
    """Django's ``RedisCache``, answering as a cache miss while Redis is unreachable (see module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient
