from typing import Literal

SyncServiceOrderRequestType = Literal["Order_Paid"]

SYNC_SERVICE_ORDER_REQUEST_TYPE_VALUES: set[SyncServiceOrderRequestType] = {
    "Order_Paid",
}


def check_sync_service_order_request_type(value: str) -> SyncServiceOrderRequestType:
    if value in SYNC_SERVICE_ORDER_REQUEST_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SYNC_SERVICE_ORDER_REQUEST_TYPE_VALUES!r}"
    )
