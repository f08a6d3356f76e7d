"""Translating botocore's transport errors into DependencyUnavailable, and failing fast after one.

Why a breaker: even with bounded timeouts, every call to a frozen store waits out its connect
or read timeout on each retry. Once a call has found the store unavailable, the next ones in
this process fail at once for `cooldown` seconds; after that one caller at a time probes the
store (the others still fail fast) until a call succeeds. So an outage costs one timeout per
cooldown per process, not one per request, and uploads and downloads answer 503 at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.storage.blobs.interface import BLOB_STORE

# EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError (connection errors);
# ReadTimeoutError, ConnectionClosedError, ResponseStreamingError (HTTP client errors).
TRANSPORT_ERRORS = (BotoConnectionError, HTTPClientError, ConnectionError, TimeoutError)


def is_transient(error: BaseException) -> bool:
    """Errors a later call may not get: transport failures and the store's own 5xx answers."""
    if isinstance(error, TRANSPORT_ERRORS):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        code = str(error.response.get("Error", {}).get("Code", ""))
        return int(status) >= 500 or code in {"SlowDown", "ServiceUnavailable", "InternalError"}
    return False


class Availability:
    """Shared by every call of one store; thread-safe."""

    def __init__(self, cooldown: float) -> None:
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._down_until = 0.0  # 0: the last call that finished succeeded
        self._probing = False
        self._last_error = ""
        self._nesting = threading.local()

    @contextmanager
    def call(self) -> Iterator[None]:
        """Run one store call: fail fast while the store is known down, translate its errors.

        A call inside a call (a client method inside a streaming read) is the outer call's.
        """
        depth = getattr(self._nesting, "depth", 0)
        if depth:
            yield
            return
        probe = self._admit()
        self._nesting.depth = 1
        try:
            yield
        except DependencyUnavailable:
            self._failed(None)
            raise
        except Exception as error:
            if not is_transient(error):
                self._succeeded()  # the store answered; what it said is the caller's business
                raise
            self._failed(error)
            raise DependencyUnavailable(BLOB_STORE, _describe(error)) from error
        else:
            self._succeeded()
        finally:
            self._nesting.depth = 0
            if probe:
                with self._lock:
                    self._probing = False

    def mark_available(self) -> None:
        """A readiness probe succeeded: stop failing fast."""
        self._succeeded()

    def mark_failed(self, error: BaseException) -> None:
        """A readiness probe found the store unavailable: fail fast from now on."""
        self._failed(error)

    def _admit(self) -> bool:
        with self._lock:
            if not self._down_until:
                return False
            if time.monotonic() < self._down_until or self._probing:
                raise DependencyUnavailable(
                    BLOB_STORE, f"{self._last_error} (not asked again for a few seconds)"
                )
            self._probing = True  # cooldown over: this call probes, the others keep failing
            return True

    def _failed(self, error: BaseException | None) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.cooldown
            if error is not None:
                self._last_error = _describe(error)

    def _succeeded(self) -> None:
        with self._lock:
            self._down_until = 0.0


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


class GuardedClient:
    """A boto3 client whose every method call goes through `Availability.call`.

    Attributes that are not methods (`meta`, ...) are the client's own. Streaming bodies and
    paginators are read outside these calls, so their callers wrap them in `availability.call()`.
    """

    def __init__(self, client: Any, availability: Availability) -> None:
        self._client = client
        self.availability = availability

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name in {"get_paginator", "close"}:
            return attribute
        return self._guarded(attribute)

    def _guarded(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self.availability.call():
                return method(*args, **kwargs)

        return call
