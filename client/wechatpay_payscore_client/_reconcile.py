"""Reconciliation by hand, for the sync: the names the sync has always had.

Every operation is reconciled by `WechatPayClient.reconcile(operation, body, out_order_no=...)`; these two are the
sync's spelling of it. The verdicts and their rows are in `_verdicts` (pure, below the pipeline).
"""

from __future__ import annotations

from typing import Any

from ._factory import WechatPayClient
from ._retry import ReconcilePolicy
from ._verdicts import Reconciliation, SyncVerdict, Verdict

__all__ = ["Reconciliation", "SyncVerdict", "Verdict", "reconcile_sync", "reconcile_sync_async"]

SYNC = "syncServiceOrder"


def reconcile_sync(
    client: WechatPayClient, out_order_no: str, body: Any, *, policy: ReconcilePolicy | None = None
) -> Reconciliation:
    """Query the order a sync was about and say what the sync did (signature verified).

    Bounded by `policy`, else the client's `ReconcilePolicy` (queries and time). Raises `ReconciliationError`
    when the query could not be completed, so the doubt remains.
    """
    return client.reconcile(SYNC, body, out_order_no=out_order_no, policy=policy)


async def reconcile_sync_async(
    client: WechatPayClient, out_order_no: str, body: Any, *, policy: ReconcilePolicy | None = None
) -> Reconciliation:
    """The async twin of `reconcile_sync`."""
    return await client.reconcile_async(SYNC, body, out_order_no=out_order_no, policy=policy)
