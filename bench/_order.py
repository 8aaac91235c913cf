"""The one sync call every contender makes: the same order number, path and JSON document."""

from __future__ import annotations

from typing import Any

from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest

__all__ = ["BODY_FIELDS", "OUT_ORDER_NO", "PATH", "body_document", "body_model"]

OUT_ORDER_NO = "1234323JKHDFE1243252"
PATH = f"/v3/payscore/acquiringbank/serviceorder/{OUT_ORDER_NO}/sync"
BODY_FIELDS: dict[str, Any] = {
    "service_id": "2002000000000558128851361561536",
    "sub_mchid": "1900000109",
    "type": "Order_Paid",
    "detail": {"paid_time": "20261127103000"},
    "channel_id": "1230000109",
}


def body_document() -> dict[str, Any]:
    """A fresh copy of the JSON document (key order as the generated model emits it)."""
    return {**BODY_FIELDS, "detail": dict(BODY_FIELDS["detail"])}


def body_model() -> SyncServiceOrderRequest:
    """The same document as the generated request model."""
    return SyncServiceOrderRequest.from_dict(
        {**BODY_FIELDS, "detail": SyncDetail.from_dict(BODY_FIELDS["detail"]).to_dict()}
    )
