"""Contains all the data models used in inputs/outputs"""

from .collection_detail import CollectionDetail
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .location import Location
from .post_discount import PostDiscount
from .post_payment import PostPayment
from .promotion_detail import PromotionDetail
from .promotion_goods_detail import PromotionGoodsDetail
from .risk_fund import RiskFund
from .service_order import ServiceOrder
from .service_order_collection import ServiceOrderCollection
from .sign_information import SignInformation
from .sync_detail import SyncDetail
from .sync_service_order_request import SyncServiceOrderRequest
from .sync_service_order_request_type import SyncServiceOrderRequestType
from .time_range import TimeRange

__all__ = (
    "CollectionDetail",
    "ErrorDetail",
    "ErrorResponse",
    "Location",
    "PostDiscount",
    "PostPayment",
    "PromotionDetail",
    "PromotionGoodsDetail",
    "RiskFund",
    "ServiceOrder",
    "ServiceOrderCollection",
    "SignInformation",
    "SyncDetail",
    "SyncServiceOrderRequest",
    "SyncServiceOrderRequestType",
    "TimeRange",
)
