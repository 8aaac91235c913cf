"""Contains all the data models used in inputs/outputs"""

from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .sign_information import SignInformation
from .sync_detail import SyncDetail
from .sync_service_order_request import SyncServiceOrderRequest
from .sync_service_order_request_type import SyncServiceOrderRequestType

__all__ = (
    "ErrorDetail",
    "ErrorResponse",
    "SignInformation",
    "SyncDetail",
    "SyncServiceOrderRequest",
    "SyncServiceOrderRequestType",
)
