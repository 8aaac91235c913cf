"""Reconciliation: settle a sync whose outcome is in doubt with the order's own, verified state.

The query (`GET /v3/payscore/acquiringbank/serviceorder`) returns the order; `judge()` reads it, as a pure
function tested as a table. DERIVED attribution (no WeChat Pay page states it; see the reference on the
acquiring-bank family): a `DONE` order with a `collection.details[]` entry `paid_type=MCH` and our `paid_time` was
settled by our sync; `DONE` otherwise was settled by other means (a deduction, the user paying in WeChat).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from wechatpay_payscore.models import SyncServiceOrderRequest

    from ._factory import WechatPayClient

__all__ = [
    "QUERY_PATH",
    "Reconciliation",
    "SyncVerdict",
    "judge",
    "mismatch",
    "query_parameters",
    "reconcile_sync",
    "reconcile_sync_async",
    "summarize",
]

QUERY_PATH = "/v3/payscore/acquiringbank/serviceorder"


class SyncVerdict(enum.StrEnum):
    """What became of a sync, by the order's verified state."""

    SYNCED_BY_THIS_REQUEST = "synced_by_this_request"  # DONE, with an MCH payment at our paid_time
    DONE_OTHERWISE = "done_otherwise"  # DONE, not by our sync
    NOT_APPLIED = "not_applied"  # still before DONE: the sync did not take effect; safe to send again
    CANCELLED = "cancelled"  # REVOKED
    EXPIRED = "expired"
    NOT_FOUND = "not_found"


@attrs.frozen
class Reconciliation:
    """The definitive answer to "what did my sync do?", with the verified order as evidence."""

    verdict: SyncVerdict
    order: Any  # the verified order: the generated `ServiceOrder` (None for NOT_FOUND)
    request_id: str | None
    explanation: str
    raw: Mapping[str, Any] | None = attrs.field(default=None, repr=False)

    @property
    def settled(self) -> bool:
        """The order is DONE (by us or otherwise): nothing is left to send."""
        return self.verdict in (SyncVerdict.SYNCED_BY_THIS_REQUEST, SyncVerdict.DONE_OTHERWISE)


class UnknownStateError(ValueError):
    """The order is in a state this client does not know (WeChat Pay added one): no verdict is guessed."""


def _same_paid_time(detail: Any, paid_time: str) -> bool:
    value = detail if isinstance(detail, str) else ""
    # A date-only paid_time means 00:00:00 of that day; an answer may spell it out.
    return value == paid_time or (len(paid_time) == 8 and value == paid_time + "000000")


def judge(order: Mapping[str, Any] | None, paid_time: str) -> tuple[SyncVerdict, str]:
    """The verdict on a sync with `paid_time`, from the verified query answer (`None`: no such order)."""
    if order is None:
        return SyncVerdict.NOT_FOUND, "WeChat Pay has no such order (404 ORDER_NOT_EXIST)"
    state = order.get("state")
    entries = _details(order)
    if state == "DONE":
        ours = [e for e in entries if e.get("paid_type") == "MCH" and _same_paid_time(e.get("paid_time"), paid_time)]
        if ours:
            return SyncVerdict.SYNCED_BY_THIS_REQUEST, f"DONE with an MCH payment at {paid_time}: our sync"
        paid = ", ".join(f"{e.get('paid_type')} at {e.get('paid_time')}" for e in entries) or "no collection detail"
        return SyncVerdict.DONE_OTHERWISE, f"DONE by other means ({paid})"
    if state == "REVOKED":
        return SyncVerdict.CANCELLED, "the order was cancelled (REVOKED)"
    if state == "EXPIRED":
        return SyncVerdict.EXPIRED, "the order expired (EXPIRED)"
    if state in ("CREATED", "DOING"):
        description = order.get("state_description")
        return SyncVerdict.NOT_APPLIED, f"still {state}" + (f"/{description}" if description else "") + ": not synced"
    raise UnknownStateError(f"the order's state {str(state)[:40]!r} is not one this client knows")


def _details(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The collection's payment details, whatever shape a hostile or future answer gives them."""
    collection = order.get("collection")
    details = collection.get("details") if isinstance(collection, Mapping) else None
    return [entry for entry in details if isinstance(entry, Mapping)] if isinstance(details, list) else []


def mismatch(order: Mapping[str, Any], queried: Mapping[str, str]) -> str | None:
    """Which queried id the answer contradicts (an answer about another order proves nothing about ours)."""
    for name in ("out_order_no", "query_id", "service_id", "sub_mchid", "channel_id"):
        expected = queried.get(name)
        if expected is None or name not in order:
            if name == "out_order_no" and expected is not None:
                return name  # the order's own number is in every answer: its absence is a contradiction too
            continue
        if order.get(name) != expected:
            return name
    return None


def summarize(order: Mapping[str, Any]) -> str:
    """`DONE; collection USER_PAID; MCH 100 at 20091225091210` — what an operator needs to see of an order."""
    parts = [str(order.get("state"))]
    if order.get("state_description"):
        parts[0] += f"/{order['state_description']}"
    collection = order.get("collection")
    if isinstance(collection, Mapping):
        parts.append(f"collection {collection.get('state')}")
    parts += [
        f"{entry.get('paid_type')} {entry.get('amount')} at {entry.get('paid_time')}" for entry in _details(order)
    ]
    return "; ".join(str(part)[:80] for part in parts[:12])


def query_parameters(out_order_no: str, body: SyncServiceOrderRequest) -> list[tuple[str, str]]:
    """The query that finds the order a sync was about: the same ids, in the order the reference lists them."""
    parameters = [("service_id", body.service_id), ("sub_mchid", body.sub_mchid)]
    channel = getattr(body, "channel_id", None)
    if isinstance(channel, str):
        parameters.append(("channel_id", channel))
    parameters.append(("out_order_no", out_order_no))
    return parameters


def reconcile_sync(client: WechatPayClient, out_order_no: str, body: SyncServiceOrderRequest) -> Reconciliation:
    """Query the order a sync was about and say what the sync did (signature verified).

    Bounded by the client's `ReconcilePolicy` (queries and time). Raises `ReconciliationError` when the query
    could not be completed, so the doubt remains.
    """
    return client.pipeline.reconcile(client.get_httpx_client(), out_order_no, body)


async def reconcile_sync_async(
    client: WechatPayClient, out_order_no: str, body: SyncServiceOrderRequest
) -> Reconciliation:
    """The async twin of `reconcile_sync`."""
    return await client.pipeline.reconcile_async(client.get_async_httpx_client(), out_order_no, body)
