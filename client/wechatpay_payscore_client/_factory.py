"""`create_client()`: the one documented way to build a ready client.

It returns the generated `Client` (a subclass of it, so every generated function accepts it) whose httpx clients,
sync and async alike, run every call through the pipeline (`_pipeline`): validate, sign, send within bounds,
verify, decide, and, when asked, reconcile.
"""

from __future__ import annotations

import math
import os
import platform
import ssl
import threading
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import httpx
from wechatpay_auth import ConfigurationError, PrivateKeySource, PublicKeySource, WechatPayAuth, default_clock
from wechatpay_auth import default_nonce as _default_nonce
from wechatpay_payscore import Client

from ._contract import load_contract
from ._errors import RequestValidationError, ValidationProblem
from ._network import DEFAULT_MAX_RESPONSE_BYTES
from ._retry import NO_RETRY, ReconcilePolicy, RetryPolicy
from ._urls import check_base_url, check_headers

__all__ = [
    "BACKUP_BASE_URL",
    "DEFAULT_TIMEOUT",
    "PRIMARY_BASE_URL",
    "Seams",
    "WechatPayClient",
    "create_client",
    "user_agent",
]

PRIMARY_BASE_URL = "https://api.mch.weixin.qq.com"
BACKUP_BASE_URL = "https://api2.mch.weixin.qq.com"
# Seconds, not minutes: a payment call that hangs holds up the caller's own request. Each attempt as a whole is
# bounded by the largest part (10 s here), not only each read.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)

RequestHook = Callable[[httpx.Request], None]
ResponseHook = Callable[[httpx.Response], None]


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


@attrs.frozen
class Seams:
    """What a test replaces: the network, the clocks, the randomness and the waits. Never needed in production.

    `transport` / `async_transport` replace the network (e.g. `httpx.MockTransport`); `clock` is Unix seconds for
    signing and verification; `monotonic` measures retry and reconciliation budgets; `sleep` / `async_sleep` wait
    between attempts; `nonce` and `rng` replace the randomness of signatures and backoff.
    """

    transport: httpx.BaseTransport | None = None
    async_transport: httpx.AsyncBaseTransport | None = None
    clock: Callable[[], float] | None = None
    monotonic: Callable[[], float] | None = None
    nonce: Callable[[], str] | None = None
    sleep: Callable[[float], None] | None = None
    async_sleep: Callable[[float], Awaitable[None]] | None = None
    rng: Callable[[], float] | None = None


if TYPE_CHECKING:
    import asyncio

    from ._drivers import AsyncPipelineTransport, PipelineTransport
    from ._pipeline import Pipeline
    from ._verdicts import Reconciliation


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing and sends nothing.

    WeChat Pay's API sets no cookies, and a forged answer's `Set-Cookie` must never ride along on the next call;
    skipping httpx's per-answer cookie extraction (a urllib request built for every answer) also saves time.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        return None


def _refused_argument(error: Exception, method: str = "?", path: str = "?") -> RequestValidationError:
    field = getattr(error, "field", None)
    problem = ValidationProblem(
        location="arguments",
        field=str(field) if field else type(error).__name__,
        value=None,
        rule="the generated function's argument types",
        message=_first_line(str(error)) or type(error).__name__,
    )
    return RequestValidationError([problem], method=method, path=path)


def _first_line(text: str, limit: int = 200) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[:limit] + "..."


def _build_or_refuse(build: Callable[..., httpx.Request], *args: Any, **kwargs: Any) -> httpx.Request:
    """Build a request; a body JSON cannot carry (NaN, bytes, a lone surrogate) is refused before sending."""
    try:
        return build(*args, **kwargs)
    except (TypeError, ValueError, UnicodeError) as exc:
        method = str(args[0]) if args else str(kwargs.get("method", "?"))
        url = str(args[1]) if len(args) > 1 else str(kwargs.get("url", "?"))
        raise _refused_argument(exc, method.upper(), url) from exc


class _HTTPClient(httpx.Client):
    """httpx.Client whose requests that cannot be encoded are refused as `RequestValidationError`; no cookies."""

    def __init__(self, *, pipeline_transport: PipelineTransport, **settings: Any) -> None:
        super().__init__(transport=pipeline_transport, **settings)
        self._cookies = _NoCookies()
        self.pipeline_transport = pipeline_transport

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        return _build_or_refuse(super().build_request, *args, **kwargs)


class _AsyncHTTPClient(httpx.AsyncClient):
    def __init__(self, *, pipeline_transport: AsyncPipelineTransport, **settings: Any) -> None:
        super().__init__(transport=pipeline_transport, **settings)
        self._cookies = _NoCookies()
        self.pipeline_transport = pipeline_transport

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        return _build_or_refuse(super().build_request, *args, **kwargs)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    import asyncio  # noqa: PLC0415 - async use only; asyncio is already loaded by then

    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # trio, or no loop at all
        return None


@attrs.define
class WechatPayClient(Client):
    """The generated `Client`, whose httpx clients carry the pipeline: contract checks, signing, bounds, verification.

    Copies (`with_headers`, `with_timeout`) keep the pipeline and leave the original untouched. The httpx clients
    are built on first use, once, under a lock; the async one once per event loop, so the same client serves one
    `asyncio.run()` after another. Leaving `with` or `async with` closes every pool the client opened; an async pool
    whose `asyncio.run()` ended first was closed as that loop shut down.
    """

    _pipeline: Pipeline = attrs.field(kw_only=True, alias="pipeline", repr=False)
    _inner: httpx.BaseTransport | None = attrs.field(kw_only=True, alias="inner", default=None, repr=False)
    _async_inner: httpx.AsyncBaseTransport | None = attrs.field(
        kw_only=True, alias="async_inner", default=None, repr=False
    )
    _limits: httpx.Limits = attrs.field(kw_only=True, alias="limits", factory=httpx.Limits, repr=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False, eq=False)
    # One async pool per event loop (a pool is bound to the loop that opened it), and per loop the guard that
    # closes it when that loop shuts down; weakly keyed, so a finished loop takes both with it.
    _async_clients: weakref.WeakKeyDictionary[Any, httpx.AsyncClient] = attrs.field(
        init=False, factory=weakref.WeakKeyDictionary, repr=False, eq=False
    )
    _loop_guards: weakref.WeakKeyDictionary[Any, Any] = attrs.field(
        init=False, factory=weakref.WeakKeyDictionary, repr=False, eq=False
    )

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    def with_headers(self, headers: dict[str, str]) -> WechatPayClient:
        """A copy with more headers (checked like the configured ones); the original client is not changed."""
        return attrs.evolve(self, headers={**self._headers, **check_headers(headers)})

    def with_cookies(self, cookies: dict[str, str]) -> WechatPayClient:
        """Refused: WeChat Pay's API takes no cookies, and the client sends none."""
        raise ConfigurationError("WeChat Pay's API takes no cookies; the ready client sends none")

    def with_timeout(self, timeout: httpx.Timeout) -> WechatPayClient:
        """A copy with another (finite) timeout; the original client is not changed."""
        return attrs.evolve(self, timeout=_timeout(timeout))

    def invalid_argument(self, error: Exception) -> Exception:
        """Arguments a generated function could not turn into a request: `RequestValidationError`, nothing sent."""
        return _refused_argument(error)

    def set_httpx_client(self, client: httpx.Client) -> WechatPayClient:
        """Refused: a plain httpx client would carry none of the checks, signing or verification."""
        raise ConfigurationError(
            "set_httpx_client() would replace the pipeline (validation, signing, verification) with a bare httpx "
            "client; configure the ready client through create_client() instead (seams= for a test transport)"
        )

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> WechatPayClient:
        """Refused, like `set_httpx_client`."""
        raise ConfigurationError(
            "set_async_httpx_client() would replace the pipeline (validation, signing, verification) with a bare "
            "httpx client; configure the ready client through create_client() instead (seams= for a test transport)"
        )

    def _shared_settings(self) -> dict[str, Any]:
        """What the sync and the async httpx clients are both built with."""
        return {
            "base_url": self._base_url,
            "headers": self._headers,
            "timeout": self._timeout,
            "follow_redirects": False,
            "trust_env": False,
        }

    def get_httpx_client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                from ._backend import BoundedTransport  # noqa: PLC0415 - httpcore, from the first call on

                inner = self._inner or BoundedTransport(verify=self._verify_ssl, limits=self._limits)
                from ._drivers import PipelineTransport  # noqa: PLC0415 - loaded with the client's first pool

                self._client = _HTTPClient(
                    pipeline_transport=PipelineTransport(self._pipeline, inner), **self._shared_settings()
                )
            return self._client

    def _new_async_client(self) -> httpx.AsyncClient:
        from ._backend import AsyncBoundedTransport  # noqa: PLC0415 - httpcore, from the first call on

        inner = self._async_inner or AsyncBoundedTransport(verify=self._verify_ssl, limits=self._limits)
        from ._drivers import AsyncPipelineTransport  # noqa: PLC0415 - loaded with the client's first pool

        return _AsyncHTTPClient(
            pipeline_transport=AsyncPipelineTransport(self._pipeline, inner), **self._shared_settings()
        )

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        loop = _running_loop()
        with self._lock:
            if loop is None:  # trio, or no loop yet: one pool
                if self._async_client is None:
                    self._async_client = self._new_async_client()
                return self._async_client
            client = self._async_clients.get(loop)
            if client is None:
                client = self._async_clients[loop] = self._new_async_client()
                self._close_when_loop_ends(loop, client)
            self._async_client = client
            return client

    def _close_when_loop_ends(self, loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient) -> None:
        """Close `client` when `loop` shuts down (asyncio.run() finalises every async generator still open)."""

        async def guard() -> Any:
            try:
                yield
            finally:
                await client.aclose()

        generator = guard()
        started = loop.create_task(generator.__anext__())
        # Held as long as the loop lives, so that its weak set of async generators keeps the guard until shutdown.
        self._loop_guards[loop] = (generator, started)

    def reconcile(
        self, operation: str, body: Any, *, out_order_no: str | None = None, policy: ReconcilePolicy | None = None
    ) -> Reconciliation:
        """What a call of `operation` (its operationId) with `body` did, by its verified evidence query.

        Nothing of the call is sent: it is checked like a call, then the query the contract names for it
        (`x-outcome.evidence`) is sent, verified and read with the contract's verdict rows. Bounded by `policy`,
        else the client's `ReconcilePolicy` (`ReconcilePolicy(max_queries=1)`: exactly one query, for a caller
        that paces and journals each one itself); raises `ReconciliationError` when the query could not be
        completed (the doubt remains), `RequestValidationError` for arguments that cannot make the call.
        """
        from ._drivers import run_sync  # noqa: PLC0415 - with the pipeline

        client = self.get_httpx_client()
        assert isinstance(client, _HTTPClient)  # noqa: S101 - built above, never replaced (set_httpx_client refuses)
        pipeline = self._pipeline if policy is None else attrs.evolve(self._pipeline, reconcile_policy=policy)
        call = _reconcile_call(pipeline, client.build_request, operation, body, out_order_no)
        return run_sync(pipeline, pipeline.reconcile_flow(call), client.pipeline_transport.inner)

    async def reconcile_async(
        self, operation: str, body: Any, *, out_order_no: str | None = None, policy: ReconcilePolicy | None = None
    ) -> Reconciliation:
        """The async twin of `reconcile`."""
        from ._drivers import run_async  # noqa: PLC0415 - with the pipeline

        client = self.get_async_httpx_client()
        assert isinstance(client, _AsyncHTTPClient)  # noqa: S101 - built above, never replaced
        pipeline = self._pipeline if policy is None else attrs.evolve(self._pipeline, reconcile_policy=policy)
        call = _reconcile_call(pipeline, client.build_request, operation, body, out_order_no)
        return await run_async(pipeline, pipeline.reconcile_flow(call), client.pipeline_transport.inner)

    def __enter__(self) -> WechatPayClient:
        return self

    async def __aenter__(self) -> WechatPayClient:
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        self.close()

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        await self.aclose()

    def close(self) -> None:
        """Close the sync pool; forget async pools whose loops ended (each was closed as its loop shut down)."""
        with self._lock:
            client, self._client = self._client, None
            for loop in [loop for loop in self._async_clients if loop.is_closed()]:
                gone = self._async_clients.pop(loop)
                if self._async_client is gone:
                    self._async_client = None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the sync pool and this loop's async pool (pools of loops still running elsewhere close with them)."""
        loop = _running_loop()
        with self._lock:
            client = self._async_clients.pop(loop, None) if loop is not None else None
            if client is None or client is self._async_client:
                client, self._async_client = self._async_client if client is None else client, None
        if client is not None:
            await client.aclose()
        self.close()


def _refuse(field: str, message: str, path: str = "?") -> RequestValidationError:
    problem = ValidationProblem("arguments", field, None, "reconcile's arguments", message)
    return RequestValidationError([problem], method="?", path=path)


def _reconcile_call(
    pipeline: Pipeline, build: Callable[..., httpx.Request], operation: str, body: Any, out_order_no: str | None
) -> httpx.Request:
    """The call `reconcile` asks about, built as the generated function builds it (and never sent)."""
    from urllib.parse import quote  # noqa: PLC0415 - reconciliation by hand only

    try:
        spec = pipeline.contract.operation(operation) if isinstance(operation, str) else None
    except KeyError:
        spec = None
    if spec is None:
        known = ", ".join(op.operation_id for op in pipeline.contract.operations if op.outcome is not None)
        raise _refuse("operation", f"must be the operationId of a call that changes an order ({known})")
    path = spec.path
    if "{out_order_no}" in path:
        if not isinstance(out_order_no, str):
            raise _refuse("out_order_no", f"must be a str, got {type(out_order_no).__name__}", path)
        path = path.replace("{out_order_no}", quote(out_order_no, safe=""))
    to_dict = getattr(body, "to_dict", None)
    try:
        fields = to_dict() if callable(to_dict) else (dict(body) if isinstance(body, Mapping) else None)
    except (TypeError, ValueError, AttributeError) as exc:
        raise _refuse("body", f"cannot be read: {type(exc).__name__}", path) from exc
    if not isinstance(fields, dict):
        raise _refuse("body", f"must be the call's request model, got {type(body).__name__}", path)
    return _build_or_refuse(build, spec.method, path, json=fields)


def _finite(value: float | None) -> bool:
    return value is not None and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    """A timeout whose every part is a finite, positive number of seconds: no call may hang forever."""
    if isinstance(value, httpx.Timeout):
        parts = {"connect": value.connect, "read": value.read, "write": value.write, "pool": value.pool}
        bad = sorted(name for name, part in parts.items() if not _finite(part))
        if bad:
            raise ConfigurationError(f"every part of the timeout must be a finite number of seconds > 0: {bad}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
        shown = value if isinstance(value, int | float) or value is None else type(value).__name__
        raise ConfigurationError(
            f"timeout must be a finite number of seconds > 0 (None would let a call hang forever), got {shown!r}"
        )
    return httpx.Timeout(value)


def _max_bytes(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1024:
        raise ConfigurationError(f"max_response_bytes must be an integer >= 1024, got {type(value).__name__}")
    return value


def _hooks(name: str, hooks: Any) -> tuple[Any, ...]:
    if isinstance(hooks, str | bytes) or not isinstance(hooks, Sequence):
        raise ConfigurationError(f"{name} must be a list of functions, got a {type(hooks).__name__}")
    for hook in hooks:
        if not callable(hook):
            raise ConfigurationError(f"{name} must hold functions; one is a {type(hook).__name__}")
    return tuple(hooks)


def _check_options(**options: tuple[Any, tuple[type, ...]]) -> None:
    """Every option of the wrong type is refused here, not found out at the first call (after the order was marked)."""
    for name, (value, types) in options.items():
        if not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types if t is not type(None))
            raise ConfigurationError(f"{name} must be a {wanted}, got a {type(value).__name__}")


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
    reconcile: bool | ReconcilePolicy = False,
    raise_on_api_error: bool = True,
    headers: Mapping[str, str] | None = None,
    limits: httpx.Limits | None = None,
    verify: Any = True,
    allow_insecure_http: bool = False,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    request_hooks: Sequence[RequestHook] = (),
    response_hooks: Sequence[ResponseHook] = (),
    seams: Seams | None = None,
    apiv3_key: str | bytes | None = None,  # the APIv3 key: only `open_event` (notifications) needs it
) -> WechatPayClient:
    """Build the generated `Client`, ready for `sync_service_order.sync_detailed(...)` and every other operation.

    Keys are parsed once, here: `private_key` and the values of `wechatpay_public_keys` may be paths, PEM text or
    bytes, or key objects; `wechatpay_public_keys` maps each `Wechatpay-Serial` (a `PUB_KEY_ID_…` public key id
    and/or an upper-case hex platform certificate serial) to its public key or certificate.

    - Every request is checked against the contract before it is signed; a violation raises
      `RequestValidationError` naming the field, the value and the rule, and nothing is sent.
    - Every answer's signature is verified; what it means is decided in one place (`_outcome.meaning`), and every
      failure raises one typed `WechatPayError` whose `retryable`, `outcome_unknown`, `already_done` and
      `not_found` say what to do (`raise_on_api_error=False` returns the signed, declared error bodies instead).
    - `timeout` (seconds or an `httpx.Timeout`, finite) bounds every attempt as a whole; `retry` (a `RetryPolicy`,
      opt-in) bounds the whole call with `total_timeout`. Answers larger than `max_response_bytes` are refused.
    - `reconcile=True` (or a `ReconcilePolicy`): a call whose outcome is unknown, or that meets an "already
      there" code, is settled as its `x-outcome` says: re-entrant calls (create, cancel, registerdeductinfo) by
      re-sending the identical body, the others by a verified query, re-sent only when it proves them not applied.
      A call that reconciles must carry what its query needs (a sync's `channel_id`), or it is refused unsent.
    - `base_url` must be https (plain http only to loopback, or with `allow_insecure_http=True`); `backup_base_url`
      (e.g. `BACKUP_BASE_URL`) is where retries go once the primary could not be reached.
    - `request_hooks` see each request as signed and sent; `response_hooks` see each answer once its signature was
      verified (an unsigned non-2xx answer is passed as it is). What they raise reaches the caller.
    - `seams` (a `Seams`) replaces the network, clocks and randomness in tests.
    """
    test = seams or Seams()
    _check_options(
        retry=(retry, (RetryPolicy, type(None))),
        reconcile=(reconcile, (bool, ReconcilePolicy)),
        raise_on_api_error=(raise_on_api_error, (bool,)),
        allow_insecure_http=(allow_insecure_http, (bool,)),
        limits=(limits, (httpx.Limits, type(None))),
        seams=(test, (Seams,)),
        verify=(verify, (bool, str, ssl.SSLContext)),
    )
    if isinstance(verify, str) and not os.path.exists(verify):
        raise ConfigurationError("verify names a CA bundle file that does not exist (pass True for the system's)")
    signer = WechatPayAuth(
        mchid=mchid,
        serial_no=serial_no,
        private_key=private_key,
        private_key_password=private_key_password,
        wechatpay_public_keys=wechatpay_public_keys,
        clock=test.clock or default_clock,
        nonce=test.nonce or _default_nonce,
        apiv3_key=apiv3_key,
    )
    url = check_base_url("base_url", base_url, allow_http=allow_insecure_http)
    backup = (
        check_base_url("backup_base_url", backup_base_url, allow_http=allow_insecure_http) if backup_base_url else None
    )
    # The pipeline's modules load here, once, rather than at import: importing the package stays cheap.
    from ._memory import OrderMemory  # noqa: PLC0415
    from ._pipeline import Pipeline  # noqa: PLC0415
    from ._validation import RequestValidator  # noqa: PLC0415

    contract = load_contract()
    base = httpx.URL(url)
    reconcile_policy = (
        reconcile if isinstance(reconcile, ReconcilePolicy) else (ReconcilePolicy() if reconcile else None)
    )
    options: dict[str, Any] = {}
    if test.clock is not None:
        options["clock"] = test.clock
    if test.monotonic is not None:
        options["monotonic"] = test.monotonic
    if test.rng is not None:
        options["rng"] = test.rng
    if test.sleep is not None:
        options["sleep"] = test.sleep
    pipeline = Pipeline(
        signer=signer,
        contract=contract,
        validator=RequestValidator(contract, base_path=base.path),
        policy=retry or NO_RETRY,
        reconcile_policy=reconcile_policy,
        memory=OrderMemory(),
        base_url=base,
        backup_base_url=httpx.URL(backup) if backup else None,
        max_response_bytes=_max_bytes(max_response_bytes),
        raise_on_api_error=raise_on_api_error,
        request_hooks=_hooks("request_hooks", request_hooks),
        response_hooks=_hooks("response_hooks", response_hooks),
        async_sleep=test.async_sleep,
        **options,
    )
    return WechatPayClient(
        base_url=url,
        headers={
            "Accept": "application/json",
            "User-Agent": user_agent(),
            **check_headers(headers),
            # The client reads answers raw and bounded; it asks for them uncompressed.
            "Accept-Encoding": "identity",
        },
        timeout=_timeout(timeout),
        verify_ssl=verify,
        raise_on_unexpected_status=True,
        pipeline=pipeline,
        inner=test.transport,
        async_inner=test.async_transport,
        # Keep every connection alive: closing and reopening them after each burst costs more than it saves.
        limits=limits or httpx.Limits(max_connections=100, max_keepalive_connections=100),
    )
