"""For each order not settled: what happened, and what an operator does next (the summary's last section)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._outcome import Outcome

if TYPE_CHECKING:
    from ._outcome import OrderResult

__all__ = ["advice"]

_REFUSED = {
    "INVALID_ORDER_STATE": "the order is not DOING + MCH_COMPLETE: query it (wechatpay-payscore query); "
    "sync it by hand once it is, or leave it if it was settled another way",
    "ORDER_CANCELED": "the order was cancelled (REVOKED): there is nothing to sync; refund the user if you collected",
    "ORDER_EXPIRED": "the order expired: there is nothing to sync; settle it with WeChat Pay support if you collected",
    "ORDER_NOT_EXIST": "WeChat Pay has no such order: check out_order_no, service_id, sub_mchid and channel_id",
    "NO_AUTH": "the merchant may not sync this order: check sub_mchid / channel_id and the service's permissions",
    "PARAM_ERROR": "WeChat Pay refused a field: fix the row and run the batch again",
    "INVALID_REQUEST": "WeChat Pay refused the request: fix the row and run the batch again",
}


def advice(result: OrderResult) -> str:  # noqa: PLR0911 - one answer per kind of row
    """One sentence: what happened to this row's order, then what to do (empty for a settled order)."""
    if result.duplicate_of is not None:
        return f"line {result.line} repeats line {result.duplicate_of}'s order: remove it (it was not sent twice)"
    if result.conflict:
        return f"{result.message}. Fix line {result.line} or use another journal; nothing was sent for this row"
    if result.outcome is Outcome.INVALID:
        return f"{result.message or 'invalid row'}. Fix the row and run the batch again; nothing was sent for it"
    if result.outcome is Outcome.REFUSED:
        what = f"refused by WeChat Pay: {result.code or '?'} {result.message or ''}".rstrip()
        todo = _REFUSED.get(result.code or "", "read WeChat Pay's message and settle the order by hand")
        return f"{what} (Request-ID {result.request_id or '-'}). {todo}"
    if result.outcome is Outcome.UNRESOLVED:
        return (
            f"unresolved after {result.attempts} attempt(s): {result.message or 'no definitive answer'}. Run the same "
            "command again: it queries the order before sending anything"
        )
    if result.outcome is Outcome.NOT_SENT:
        return result.explanation or "valid; not sent (dry run)"
    return ""
