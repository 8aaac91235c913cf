"""The two requests a batch sends, and the bounds each order's requests keep within one run.

- `send_sync`: the sync itself, once (the client built without retries: the runner decides every re-send);
- `query_once`: one reconciling query, exactly one GET: the runner journals, paces and (in a group) fences each
  query it sends and counts it against its own budget, so the client's own retries would send queries nobody
  recorded (`ReconcilePolicy(max_queries=1)`);
- `RunStats`: what every run counts, whichever runner;
- `Budget`: per order per run, the sends after a query proved "not applied", the queries, the waits (429,
  unreachable); when one runs out the order ends unresolved for this run (`_step.out_of_*`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

import attrs

if TYPE_CHECKING:
    from wechatpay_payscore.models import SyncServiceOrderRequest

    from .._factory import WechatPayClient

__all__ = ["Budget", "Reconciler", "RunStats", "query_once", "send_sync"]


class Reconciliation(Protocol):
    """What a runner reads of `wechatpay_payscore_client.Reconciliation`."""

    @property
    def verdict(self) -> str: ...
    @property
    def request_id(self) -> str | None: ...
    @property
    def explanation(self) -> str: ...


Reconciler = Callable[["WechatPayClient", str, "SyncServiceOrderRequest"], Awaitable[Reconciliation]]


@attrs.define
class RunStats:
    """What every run counts, whichever runner: the command's summary and exit status read these."""

    rows: int = 0
    sends: int = 0
    queries: int = 0
    rate_limited: int = 0
    unfinished: list[str] = attrs.field(factory=list)
    stopped: bool = False
    aborted: bool = False
    input_exhausted: bool = True  # every row of the input was read
    fatal: str | None = None


@attrs.define
class Budget:
    """Bounds per order per run: sends after a query proved "not applied", queries, waits (429, unreachable)."""

    sends: int
    queries: int
    waits: int
    last_error: str | None = None


async def send_sync(client: WechatPayClient, out_order_no: str, body: SyncServiceOrderRequest) -> Any:
    """One sync, answered or failed (the client's exception family says how)."""
    from wechatpay_payscore.api.payscore import sync_service_order  # noqa: PLC0415

    return await sync_service_order.asyncio_detailed(out_order_no, client=client, body=body)


async def query_once(client: WechatPayClient, out_order_no: str, body: SyncServiceOrderRequest) -> Any:
    """What the sync `body` did to the order, by exactly one verified query."""
    from .._reconcile import reconcile_sync_async  # noqa: PLC0415 - the query machinery loads on first doubt
    from .._retry import ReconcilePolicy  # noqa: PLC0415

    return await reconcile_sync_async(client, out_order_no, body, policy=ReconcilePolicy(max_queries=1))
