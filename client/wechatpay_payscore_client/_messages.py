"""The text of every error the client raises: what happened, what it proves, and what to do next.

Kept apart from the decision (`_outcome`) and the classes (`_errors`) so that wording never changes behaviour.
Every piece of a hostile answer that reaches a message is cut short: a 10 MB body makes a 120-character excerpt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ._errors import Attempt

__all__ = ["excerpt", "history", "text_for"]

_EXCERPT = 120
_FIELD = 200

_QUERY_FIRST = "query the order before any retry (client.reconcile(), or a client built with reconcile=True)"

_ADVICE: dict[str, str] = {
    "APIConnectionError": "nothing was sent; the order is unchanged and the call can be retried",
    "OutcomeUnknownError": f"the request may have taken effect: {_QUERY_FIRST}",
    "APITimeoutError": f"the request was sent and may have taken effect: {_QUERY_FIRST}",
    "UnverifiedResponseError": f"the answer proves nothing and the request may have taken effect: {_QUERY_FIRST}",
    "UnexpectedResponseError": f"the contract does not declare this answer; the request may have taken effect: "
    f"{_QUERY_FIRST}",
    "ServerError": "the call may or may not have been applied: reconcile, or retry later with the same parameters "
    "(an 'already there' answer then means an attempt of ours was applied)",
    "AlreadySyncedError": "the order is synced: an earlier attempt of ours, whose answer was lost, was applied",
    "AlreadyAppliedError": "the call is applied: an earlier attempt of ours, whose answer was lost, did it",
    "AlreadyThereError": "the order is already where this call would put it, by other means; do not retry",
    "OrderAlreadyDoneError": "the order was DONE before this call, by other means; do not retry",
    "OrderAlreadyCancelledError": "the order was already cancelled (REVOKED) or had expired; do not retry",
    "OrderStateError": "the order's state forbids this call; do not retry it unchanged",
    "BadRequestError": "fix the request; do not retry it unchanged",
    "SignatureRejectedError": "check the merchant serial_no and private key pair, and compare sign_information "
    "with the canonical message logged at DEBUG by logger 'wechatpay_auth'",
    "PermissionDeniedError": "this merchant may not call this API for these ids: service_id, appid, sub_mchid, "
    "sub_appid and channel_id must be those registered for the service and used when the order was created",
    "OrderNotFoundError": "no such order for this merchant: check out_order_no and the ids",
    "EndpointNotFoundError": "WeChat Pay serves no such path: check base_url (it must not end in /v3)",
    "RateLimitedError": "slow down, then retry with the same parameters",
    "WechatPayAPIError": "WeChat Pay refused the call",
    "ReconciliationError": "the doubt remains: query the order again later, and do not re-send before you know",
    "NotAppliedError": "the query proved the call was not applied: it is safe to send it again",
}

# What to fix, by WeChat Pay's code and the operation, where the code alone does not say (the errors other SDKs'
# users meet most). A row names the operations it applies to (None: every operation).
_SAME_NUMBER = "if this order number was used before with other parameters (相同单号使用了不同的参数), re-send exactly "
_BLOCKED = (
    "if a deduction (扣款单) was registered for this order in the last 24 hours, it blocks cancel, modify and sync "
    "until it lapses or is closed at the clearing house (UnionPay / NetsUnion); the deduction query (queryDeductInfo) "
    "shows it"
)
_CODE_HINTS: dict[str, list[tuple[frozenset[str] | None, str]]] = {
    "INVALID_REQUEST": [
        (frozenset({"createServiceOrder"}), _SAME_NUMBER + "the first body or create under a new order number"),
        (
            frozenset({"cancelServiceOrder", "syncServiceOrder", "registerDeductInfo"}),
            _SAME_NUMBER + "the first body (same ids, reason, times and numbers)",
        ),
    ],
    "INVALID_ORDER_STATE": [(frozenset({"cancelServiceOrder", "modifyServiceOrder", "syncServiceOrder"}), _BLOCKED)],
    "ORDER_NOT_EXIST": [
        (
            frozenset({"queryDeductInfo"}),
            "no deduction is registered for this order (or there is no such order): register one after completing it",
        )
    ],
}


def excerpt(data: bytes | str | None, limit: int = _EXCERPT) -> str:
    """A short, single-line, printable excerpt of an answer's body (never the whole of it)."""
    if not data:
        return "''"
    text = data if isinstance(data, str) else data[: limit * 4].decode("utf-8", errors="replace")
    cut = " ".join(text.split())
    if len(cut) > limit or len(data) > limit * 4:
        cut = cut[:limit] + "..."
    return repr(cut)


def _field(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _FIELD else text[:_FIELD] + "..."


def history(attempts: Sequence[Attempt]) -> str:
    """`#1 unknown: ReadTimeout; #2 answered: 400` — what each attempt of the call came to."""
    return "; ".join(f"#{a.number} {a.outcome}: {a.error or a.status_code}" for a in attempts)


def _hint(status: int | None, code: str | None, operation: str | None) -> str:
    if status is None:  # only a signed answer's code says anything
        return ""
    for operations, hint in _CODE_HINTS.get(code or "", ()):
        if operations is None or operation in operations:
            return f" — {hint}"
    return ""


def text_for(
    error_name: str,
    *,
    method: str,
    path: str,
    status: int | None = None,
    code: str | None = None,
    wechat_message: str | None = None,
    detail: Mapping[str, Any] | None = None,
    request_id: str | None = None,
    signature: str | None = None,
    body: bytes = b"",
    reason: str | None = None,
    attempts: Sequence[Attempt] = (),
    earlier_in_doubt: bool = False,
    evidence: str | None = None,
    order_summary: str | None = None,
    operation: str | None = None,
) -> str:
    """The message of one error: where, what came back, whether it was WeChat Pay's word, and what to do."""
    parts = [f"{method} {path}:"]
    if status is not None:
        what = f"{status} {code}" if code else str(status)
        if wechat_message:
            what += f": {_field(wechat_message)}"
        parts.append(what)
    if signature in ("absent", "failed"):
        claimed = f"it claimed {excerpt(body)}" if body else "it carried no body"
        what = "UNSIGNED answer" if signature == "absent" else "answer that FAILED signature verification"
        parts.append(f"— {what}, not WeChat Pay's word ({claimed})")
    if reason:
        # Straight after the call's line when nothing came back to show; after a dash when it explains an answer.
        parts.append(("— " if len(parts) > 1 else "") + excerpt(reason, 400)[1:-1])
    if detail:
        shown = {key: detail[key] for key in ("field", "value", "issue", "location") if key in detail}
        if "sign_information" in detail:
            shown["sign_information"] = detail["sign_information"]
        if shown:
            parts.append(f"[{_field(shown)}]")
    if order_summary:
        parts.append(f"(query: {order_summary})")
    meta = f"Request-ID {excerpt(request_id, 64)[1:-1] if request_id else '-'}"
    if signature == "verified":
        meta += "; signature verified"
    if evidence:
        meta += f"; evidence: {evidence}"
    if attempts and (len(attempts) > 1 or attempts[0].outcome != "answered"):
        meta += f"; attempts: {history(attempts)}"
    parts.append(f"({meta})")
    text = " ".join(parts) + " — " + _ADVICE.get(error_name, "see the error's class") + _hint(status, code, operation)
    if earlier_in_doubt:
        text += (
            " — an earlier attempt of this call was sent and its answer lost, so it may have been applied: "
            f"{_QUERY_FIRST}"
        )
    return text
