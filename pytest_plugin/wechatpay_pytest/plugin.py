"""The pytest plugin: a WeChat Pay emulator per session, reset before each test, and clients ready to call it.

Fixtures (all function-scoped unless said otherwise):

- `wechatpay_emulator` — the `wechatpay_emulator.Emulator`, served on 127.0.0.1 once per session and reset before
  each test to its configured orders (the demo order `1234323JKHDFE1243252`, DOING + MCH_COMPLETE, by default), no
  fault, no rate limit and an empty request log; then this test's markers are applied. `base_url` is its URL.
- `wechatpay_client` / `wechatpay_async_client` — `wechatpay_payscore_client.create_client(...)` against it, closed
  after the test. The async one keeps no idle connection, so that closing it needs no event loop: it works under
  pytest-asyncio and anyio alike.
- `wechatpay_base_url` — the emulator's URL, for your own HTTP client or a subprocess.
- `wechatpay_notifications` — your application's notification endpoint (the `wechatpay_notification_app` you
  override: an ASGI or a WSGI app) served on 127.0.0.1, with the emulator's notifications sent to it; a
  `NotificationReceiver` to wait for deliveries and read what your application answered. Retries come 1000 times
  faster than WeChat Pay's (`wechatpay_notification_time_scale`, 0.001).

To use your own keys and orders, override (in your `conftest.py`) the session-scoped
`wechatpay_emulator_config` (an `EmulatorConfig`: your merchant's public key, WeChat Pay keys, `orders=...`) and
`wechatpay_merchant_private_key` (the private key your client signs with: a path, PEM or key object); extra
`create_client` options (`retry=`, `timeout=`, ...) come from the `wechatpay_client_options` fixture. The APIv3 key
(`wechatpay_apiv3_key`, session; the TEST-ONLY demo key by default) goes to both the default configuration and the
clients: a configuration of your own should take it too (`EmulatorConfig(..., apiv3_key=wechatpay_apiv3_key)`).

Markers, for one test (applied after the reset, in this order):

- `@pytest.mark.wechatpay_orders(*orders)` — seed these orders (`Order` objects or their JSON form, as dicts);
- `@pytest.mark.wechatpay_fault(fault, times=1, out_order_no=None)` — inject a `Fault` (stack several);
- `@pytest.mark.wechatpay_rate_limit(per_second)` — answer `429 FREQUENCY_LIMITED` above that rate;
- `@pytest.mark.wechatpay_notification_fault(kind, times=1, out_order_no=None, event_type=None)` — inject a
  `NotificationFault` (or its kind's name, e.g. `"probe_signature"`; stack several).

The same can be done in the test body (`wechatpay_emulator.seed(...)`, `.inject(...)`, `.set_rate_limit(...)`).

This module imports the emulator and the client only when a fixture runs: without the `emulator` extra installed,
pytest starts as usual and only a test that asks for these fixtures fails, saying what to install.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

from ._receiver import NotificationReceiver
from ._serving import serve_app

if TYPE_CHECKING:
    from wechatpay_emulator import Emulator, EmulatorConfig
    from wechatpay_payscore_client import WechatPayClient

__all__ = [
    "EXTRA_HINT",
    "MARKERS",
    "NotificationReceiver",
    "wechatpay_apiv3_key",
    "wechatpay_async_client",
    "wechatpay_base_url",
    "wechatpay_client",
    "wechatpay_client_options",
    "wechatpay_emulator",
    "wechatpay_emulator_config",
    "wechatpay_emulator_server",
    "wechatpay_merchant_private_key",
    "wechatpay_notification_app",
    "wechatpay_notification_app_kind",
    "wechatpay_notification_path",
    "wechatpay_notification_time_scale",
    "wechatpay_notifications",
]

EXTRA_HINT = "pip install 'wechatpay-payscore[emulator]'"
MARKERS = {
    "wechatpay_orders": "wechatpay_orders(*orders): seed these emulator orders (Order objects or JSON dicts)",
    "wechatpay_fault": "wechatpay_fault(fault, times=1, out_order_no=None): inject an emulator Fault for this test",
    "wechatpay_rate_limit": "wechatpay_rate_limit(per_second): the emulator answers 429 above this request rate",
    "wechatpay_notification_fault": "wechatpay_notification_fault(kind, times=1, out_order_no=None, "
    "event_type=None): inject an emulator NotificationFault (or its kind's name) for this test",
}


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers (so that `--strict-markers` accepts them); nothing else happens at start-up."""
    for description in MARKERS.values():
        config.addinivalue_line("markers", description)


def _require(module: str) -> Any:
    """Import a module of the `emulator` extra or of the client, or fail the test saying what to install."""
    try:
        loaded = importlib.import_module(module)
        # The emulator's server is loaded on first use (it needs the extra's packages): load it here, in the try.
        getattr(loaded, "Emulator", None)
    except ImportError as exc:
        pytest.fail(f"the wechatpay fixtures need the emulator extra ({exc}): {EXTRA_HINT}", pytrace=False)
    return loaded


@pytest.fixture(scope="session")
def wechatpay_apiv3_key() -> str | bytes:
    """The merchant's APIv3 key (session, 32 bytes): the emulator encrypts notifications with it and the clients
    get it (`create_client(apiv3_key=...)`). The TEST-ONLY demo key by default; override it with a test key of
    yours, never a production one."""
    demo: Any = _require("wechatpay_emulator.demo")
    key: bytes = demo.demo_apiv3_key_path().read_bytes()
    return key.rstrip(b"\r\n")


@pytest.fixture(scope="session")
def wechatpay_emulator_config(wechatpay_apiv3_key: str | bytes) -> EmulatorConfig:
    """The emulator's configuration (session): the TEST-ONLY demo identity and order, and `wechatpay_apiv3_key`.
    Override for your own."""
    emulator: Any = _require("wechatpay_emulator")
    config: EmulatorConfig = emulator.EmulatorConfig.demo(apiv3_key=wechatpay_apiv3_key)
    return config


@pytest.fixture(scope="session")
def wechatpay_merchant_private_key() -> Any:
    """The merchant private key the clients sign with (session): the TEST-ONLY demo key's path. Override it
    together with `wechatpay_emulator_config` when that names your own merchant key."""
    demo: Any = _require("wechatpay_emulator.demo")
    return demo.demo_merchant_private_key_path()


@pytest.fixture
def wechatpay_client_options() -> dict[str, Any]:
    """Extra keyword arguments for `create_client()` of the client fixtures (none by default)."""
    return {}


class _Servers:
    """The session's served emulators, one per distinct configuration, all stopped when the session ends.

    Keyed by the configuration object, so that a `wechatpay_emulator_config` overridden in one folder's
    `conftest.py` gets its own server while the other folders keep the default one.
    """

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._served: dict[int, tuple[EmulatorConfig, Emulator]] = {}

    def emulator_for(self, config: EmulatorConfig) -> Emulator:
        found = self._served.get(id(config))
        if found is None:
            module: Any = _require("wechatpay_emulator")
            emulator: Emulator = module.Emulator(config)
            self._stack.enter_context(emulator.serve())
            # The config is kept with it: its id cannot be reused by another object during the session.
            found = self._served[id(config)] = (config, emulator)
        return found[1]

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def _wechatpay_servers() -> Iterator[_Servers]:
    servers = _Servers()
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture
def wechatpay_emulator_server(wechatpay_emulator_config: EmulatorConfig, _wechatpay_servers: _Servers) -> Emulator:
    """The emulator served on 127.0.0.1 for `wechatpay_emulator_config`, started once per session and not reset
    (use `wechatpay_emulator`, which resets it)."""
    return _wechatpay_servers.emulator_for(wechatpay_emulator_config)


def _apply_markers(emulator: Emulator, node: pytest.Item) -> None:
    module: Any = _require("wechatpay_emulator")
    for marker in node.iter_markers("wechatpay_orders"):
        emulator.seed(*(item if isinstance(item, module.Order) else _order(module, item) for item in marker.args))
    # Closest marker first from iter_markers; inject in the order they are written, top to bottom.
    for marker in reversed(list(node.iter_markers("wechatpay_fault"))):
        if len(marker.args) != 1 or not isinstance(marker.args[0], module.Fault):
            pytest.fail("@pytest.mark.wechatpay_fault takes one Fault, e.g. Fault.apply_then_drop()", pytrace=False)
        emulator.inject(marker.args[0], **marker.kwargs)
    rate = node.get_closest_marker("wechatpay_rate_limit")
    if rate is not None:
        emulator.set_rate_limit(*rate.args, **rate.kwargs)
    for marker in reversed(list(node.iter_markers("wechatpay_notification_fault"))):
        emulator.inject_notification_fault(_notification_fault(module, marker.args), **marker.kwargs)


def _notification_fault(module: Any, args: tuple[Any, ...]) -> Any:
    if len(args) == 1 and isinstance(args[0], module.NotificationFault):
        return args[0]
    kinds = [kind.value for kind in module.NotificationFaultKind]
    if len(args) == 1 and args[0] in kinds:
        return module.NotificationFault(args[0])
    pytest.fail(
        f"@pytest.mark.wechatpay_notification_fault takes one NotificationFault or a kind of {kinds}", pytrace=False
    )


def _order(module: Any, item: object) -> Any:
    if not isinstance(item, Mapping):
        pytest.fail("@pytest.mark.wechatpay_orders takes Order objects or dicts of their JSON form", pytrace=False)
    return module.Order.from_json(item)


@pytest.fixture
def wechatpay_emulator(wechatpay_emulator_server: Emulator, request: pytest.FixtureRequest) -> Emulator:
    """The session's emulator, reset for this test (configured orders, no fault, no rate limit, empty log), with
    this test's `wechatpay_orders` / `wechatpay_fault` / `wechatpay_rate_limit` markers applied."""
    emulator = wechatpay_emulator_server
    # A request an earlier test gave up on (a timeout during injected latency) must not land in this test. Its
    # pending notifications need not be waited for: the reset drops them.
    if not emulator.wait_idle(60, deliveries=False):
        pytest.fail("a request of an earlier test is still being handled by the emulator", pytrace=False)
    emulator.reset()
    _apply_markers(emulator, request.node)
    return emulator


@pytest.fixture
def wechatpay_base_url(wechatpay_emulator: Emulator) -> str:
    """The URL the emulator is served on, `http://127.0.0.1:PORT`."""
    url = wechatpay_emulator.base_url
    assert url is not None  # noqa: S101 - the session fixture serves it for the whole session
    return url


def _create_client(
    emulator: Emulator, private_key: Any, apiv3_key: str | bytes, options: Mapping[str, Any], **defaults: Any
) -> WechatPayClient:
    client_module: Any = _require("wechatpay_payscore_client")
    config = emulator.config
    material = emulator.public_material
    # Every key the emulator may sign with, as during a migration: it picks by the `Wechatpay-Serial` sent.
    keys: dict[str, str] = {}
    if config.wechatpay_key_id is not None and material["wechatpay_public_key_pem"]:
        keys[config.wechatpay_key_id] = material["wechatpay_public_key_pem"]
    if config.platform_serial is not None and material["platform_certificate_pem"]:
        keys[config.platform_serial] = material["platform_certificate_pem"]
    client: WechatPayClient = client_module.create_client(
        mchid=config.mchid,
        serial_no=config.merchant_serial,
        private_key=private_key,
        wechatpay_public_keys=keys,
        base_url=emulator.base_url,
        apiv3_key=apiv3_key,
        **{**defaults, **options},
    )
    return client


@pytest.fixture
def wechatpay_client(
    wechatpay_emulator: Emulator,
    wechatpay_merchant_private_key: Any,
    wechatpay_apiv3_key: str | bytes,
    wechatpay_client_options: dict[str, Any],
) -> Iterator[WechatPayClient]:
    """A client from `create_client()` against the emulator (its keys, its URL, the APIv3 key), closed after the
    test."""
    with _create_client(
        wechatpay_emulator, wechatpay_merchant_private_key, wechatpay_apiv3_key, wechatpay_client_options
    ) as client:
        yield client


@pytest.fixture
def wechatpay_async_client(
    wechatpay_emulator: Emulator,
    wechatpay_merchant_private_key: Any,
    wechatpay_apiv3_key: str | bytes,
    wechatpay_client_options: dict[str, Any],
) -> Iterator[WechatPayClient]:
    """The same client for `asyncio_detailed(...)` calls, closed after the test.

    It keeps no idle connection (each call opens its own): a connection left open belongs to the test's event
    loop, which pytest-asyncio or anyio may already have closed when this fixture ends.
    """
    httpx: Any = _require("httpx")
    no_keepalive = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    client = _create_client(
        wechatpay_emulator,
        wechatpay_merchant_private_key,
        wechatpay_apiv3_key,
        wechatpay_client_options,
        limits=no_keepalive,
    )
    with client:
        yield client


@pytest.fixture
def wechatpay_notification_app() -> Any:
    """Your application's notification endpoint, as an ASGI or a WSGI app: override this fixture (in your
    `conftest.py`) to use `wechatpay_notifications`."""
    pytest.fail(
        "override the wechatpay_notification_app fixture in your conftest.py: return the ASGI or WSGI app that "
        "receives WeChat Pay's notifications",
        pytrace=False,
    )


@pytest.fixture
def wechatpay_notification_app_kind() -> str:
    """`"auto"` (ASGI when the app is an `async` callable, else WSGI), `"asgi"` or `"wsgi"`: override when the
    guess is wrong."""
    return "auto"


@pytest.fixture
def wechatpay_notification_path() -> str:
    """The path of your endpoint within the app (`"/"` by default), e.g. `"/wechatpay/notify"`."""
    return "/"


@pytest.fixture
def wechatpay_notification_time_scale() -> float:
    """The factor of the retry schedule's delays during a `wechatpay_notifications` test: 0.001 by default (WeChat
    Pay's 15 s become 15 ms); 1 for real time."""
    return 0.001


@pytest.fixture
def wechatpay_notifications(
    wechatpay_emulator: Emulator,
    wechatpay_notification_app: Any,
    wechatpay_notification_app_kind: str,
    wechatpay_notification_path: str,
    wechatpay_notification_time_scale: float,
) -> Iterator[NotificationReceiver]:
    """Your `wechatpay_notification_app` served on 127.0.0.1 for this test, every order's notifications sent to
    it: drive the user (`wechatpay_emulator.confirm(...)`, `.pay(...)`, `.pay_now(...)`), wait (`wait_for(...)`,
    `wait()`), then assert what your app answered (`attempts(...)`) and did."""
    path = "/" + wechatpay_notification_path.lstrip("/")
    with serve_app(wechatpay_notification_app, wechatpay_notification_app_kind) as base_url:
        url = base_url + path
        wechatpay_emulator.set_notify_url(url)
        wechatpay_emulator.set_notification_time_scale(wechatpay_notification_time_scale)
        try:
            yield NotificationReceiver(wechatpay_emulator, url)
        finally:
            # Nothing more is sent to the app once it stops; the next test's reset drops what is left.
            wechatpay_emulator.set_notify_url(None)
