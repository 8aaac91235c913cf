"""`create_client()`: the one documented way to build a ready client.

It returns the generated `Client` (a subclass of it, so every generated function accepts it) whose httpx clients,
sync and async alike, validate each request against the contract, sign it, verify WeChat Pay's answer, type every
failure, time out, and, when asked to, retry safely.
"""

from __future__ import annotations

import math
import platform
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import attrs
import httpx
from wechatpay_auth import (
    ConfigurationError,
    PrivateKeySource,
    PublicKeySource,
    WechatPayAuth,
    default_clock,
    default_nonce,
)
from wechatpay_payscore import Client

from ._contract import load_contract
from ._contract_auth import ContractAuth, OutcomeLedger
from ._transport import NO_RETRY, AsyncRetryingTransport, RetryingTransport, RetryPolicy

__all__ = [
    "BACKUP_BASE_URL",
    "DEFAULT_TIMEOUT",
    "PRIMARY_BASE_URL",
    "WechatPayClient",
    "create_client",
    "user_agent",
]

PRIMARY_BASE_URL = "https://api.mch.weixin.qq.com"
BACKUP_BASE_URL = "https://api2.mch.weixin.qq.com"
# Seconds, not minutes: a payment call that hangs holds up the caller's own request. Reads get the longest share.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def user_agent() -> str:
    """`User-Agent` naming this package, its version and the platform (WeChat Pay refuses requests without one)."""
    from importlib import metadata  # noqa: PLC0415 - once per create_client(), not at import

    try:
        version = metadata.version("wechatpay-payscore")
    except metadata.PackageNotFoundError:  # pragma: no cover - only when run from a bare source tree
        version = "0"
    return (
        f"wechatpay-payscore-python/{version} httpx/{httpx.__version__} "
        f"{platform.python_implementation()}/{platform.python_version()} ({platform.system()})"
    )


RequestHook = Callable[[httpx.Request], None]
ResponseHook = Callable[[httpx.Response], None]


@attrs.frozen
class _Pipeline:
    """What every httpx client of a `WechatPayClient` is built with."""

    auth: ContractAuth
    policy: RetryPolicy
    backup_base_url: str | None
    limits: httpx.Limits
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None
    sleep: Callable[[float], None] | None
    async_sleep: Callable[[float], Awaitable[None]] | None
    request_hooks: tuple[RequestHook, ...]

    def sync_transport(self, verify: Any) -> RetryingTransport:
        inner = self.transport or httpx.HTTPTransport(verify=verify, limits=self.limits)
        return RetryingTransport(
            inner,
            policy=self.policy,
            resign=self.auth.sign_request,
            backup_base_url=self.backup_base_url,
            on_outcome_unknown=self.auth.ledger.mark_unknown,
            sleep=self.sleep,
        )

    def async_transport_(self, verify: Any) -> AsyncRetryingTransport:
        inner = self.async_transport or httpx.AsyncHTTPTransport(verify=verify, limits=self.limits)
        return AsyncRetryingTransport(
            inner,
            policy=self.policy,
            resign=self.auth.sign_request,
            backup_base_url=self.backup_base_url,
            on_outcome_unknown=self.auth.ledger.mark_unknown,
            sleep=self.async_sleep,
        )

    def async_request_hooks(self) -> list[Callable[[httpx.Request], Awaitable[None]]]:
        def wrap(hook: RequestHook) -> Callable[[httpx.Request], Awaitable[None]]:
            async def run(request: httpx.Request) -> None:
                hook(request)

            return run

        return [wrap(hook) for hook in self.request_hooks]


@attrs.define
class WechatPayClient(Client):
    """The generated `Client`, whose httpx clients carry the contract checks, signing, verification and retries.

    Its copies (`with_headers`, `with_timeout`, `with_cookies`) keep all of that, and leave the original untouched:
    the pipeline is part of the client, not of one httpx client. The httpx clients are built on first use (once,
    under a lock, however many threads call at once); leaving a `with` block closes them, and the next call builds
    fresh ones, so a client can be entered again.
    """

    _pipeline: _Pipeline = attrs.field(kw_only=True, alias="pipeline", repr=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False, eq=False)

    def with_headers(self, headers: dict[str, str]) -> WechatPayClient:
        """A copy with more headers; unlike the generated method, the original client is not changed."""
        return attrs.evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> WechatPayClient:
        """A copy with more cookies; the original client is not changed."""
        return attrs.evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> WechatPayClient:
        """A copy with another (finite) timeout; the original client is not changed."""
        return attrs.evolve(self, timeout=_timeout(timeout))

    def _shared_settings(self) -> dict[str, Any]:
        """What the sync and the async httpx clients are both built with."""
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "follow_redirects": False,
            "auth": self._pipeline.auth,
        }

    def get_httpx_client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    transport=self._pipeline.sync_transport(self._verify_ssl),
                    event_hooks={"request": list(self._pipeline.request_hooks)},
                    **self._shared_settings(),
                )
            return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        with self._lock:
            if self._async_client is None:
                self._async_client = httpx.AsyncClient(
                    transport=self._pipeline.async_transport_(self._verify_ssl),
                    event_hooks={"request": self._pipeline.async_request_hooks()},
                    **self._shared_settings(),
                )
            return self._async_client

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        self.close()

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        await self.aclose()

    def close(self) -> None:
        """Close the sync connection pool; the next call opens a new one."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the async connection pool; the next call opens a new one."""
        with self._lock:
            client, self._async_client = self._async_client, None
        if client is not None:
            await client.aclose()


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    """A timeout whose every part is a finite, positive number of seconds: no call may hang forever."""
    if isinstance(value, httpx.Timeout):
        parts = {"connect": value.connect, "read": value.read, "write": value.write, "pool": value.pool}
        bad = {name: part for name, part in parts.items() if not _finite(part)}
        if bad:
            raise ConfigurationError(f"every part of the timeout must be a finite number of seconds > 0, got {bad}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
        raise ConfigurationError(
            f"timeout must be a finite number of seconds > 0 (None would let a call hang forever), got {value!r}"
        )
    return httpx.Timeout(value)


def _base_url(name: str, value: str) -> str:
    url = httpx.URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"{name} must be an http(s) URL such as {PRIMARY_BASE_URL!r}, got {value!r}")
    if url.query or url.fragment:
        raise ConfigurationError(f"{name} must not carry a query or fragment, got {value!r}")
    return str(url).rstrip("/")


def create_client(
    *,
    mchid: str,
    serial_no: str,
    private_key: PrivateKeySource,
    wechatpay_public_keys: Mapping[str, PublicKeySource],
    private_key_password: str | bytes | None = None,
    base_url: str = PRIMARY_BASE_URL,
    backup_base_url: str | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    raise_on_api_error: bool = True,
    headers: Mapping[str, str] | None = None,
    limits: httpx.Limits | None = None,
    verify: Any = True,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] | None = None,
    nonce: Callable[[], str] | None = None,
    sleep: Callable[[float], None] | None = None,
    async_sleep: Callable[[float], Awaitable[None]] | None = None,
    request_hooks: Sequence[RequestHook] = (),
    response_hooks: Sequence[ResponseHook] = (),
) -> WechatPayClient:
    """Build the generated `Client`, ready for `sync_service_order.sync_detailed(...)` and `asyncio_detailed(...)`.

    Keys are parsed once, here: `private_key` and the values of `wechatpay_public_keys` may be paths, PEM text or
    bytes, or key objects; `wechatpay_public_keys` maps each `Wechatpay-Serial` (a `PUB_KEY_ID_…` public key id
    and/or an upper-case hex platform certificate serial) to its public key or certificate.

    - Every request is checked against the contract before it is signed; a violation raises
      `RequestValidationError` naming the field, the value and the rule, and nothing is sent.
    - Every answer's signature is verified; every non-2xx answer raises a `WechatPayAPIError` subclass (set
      `raise_on_api_error=False` to get the generated `Response` for the error bodies the generated parser can read).
    - `timeout` (seconds or an `httpx.Timeout`, finite) applies to every call; `retry` (a `RetryPolicy`) is opt-in.
    - `backup_base_url` (e.g. `BACKUP_BASE_URL`) is where retries go once the primary host could not be reached.
    - `request_hooks` see each request as signed and sent; `response_hooks` see each answer only after its
      signature was verified (an unsigned non-2xx answer is passed as it is), before errors are raised. Both are
      plain functions, for sync and async calls alike; what they raise reaches the caller.
    - `transport`, `async_transport`, `clock`, `nonce`, `sleep` and `async_sleep` are for tests.
    """
    signer = WechatPayAuth(
        mchid=mchid,
        serial_no=serial_no,
        private_key=private_key,
        private_key_password=private_key_password,
        wechatpay_public_keys=wechatpay_public_keys,
        clock=clock or default_clock,
        nonce=nonce or default_nonce,
    )
    url = _base_url("base_url", base_url)
    backup = _base_url("backup_base_url", backup_base_url) if backup_base_url else None
    auth = ContractAuth(
        signer,
        load_contract(),
        base_path=httpx.URL(url).path,
        raise_on_api_error=raise_on_api_error,
        ledger=OutcomeLedger(),
        response_hooks=tuple(response_hooks),
    )
    pipeline = _Pipeline(
        auth=auth,
        policy=retry or NO_RETRY,
        backup_base_url=backup,
        # Keep every connection alive: closing and reopening them after each burst costs more than it saves.
        limits=limits or httpx.Limits(max_connections=100, max_keepalive_connections=100),
        transport=transport,
        async_transport=async_transport,
        sleep=sleep,
        async_sleep=async_sleep,
        request_hooks=tuple(request_hooks),
    )
    return WechatPayClient(
        base_url=url,
        headers={"Accept": "application/json", "User-Agent": user_agent(), **dict(headers or {})},
        timeout=_timeout(timeout),
        verify_ssl=verify,
        raise_on_unexpected_status=True,
        pipeline=pipeline,
    )
