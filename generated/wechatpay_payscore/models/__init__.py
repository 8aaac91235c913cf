"""Contains all the data models used in inputs/outputs"""

from .cancel_service_order_request import CancelServiceOrderRequest
from .collection_detail import CollectionDetail
from .complete_service_order_request import CompleteServiceOrderRequest
from .create_service_order_request import CreateServiceOrderRequest
from .created_service_order import CreatedServiceOrder
from .deduction import Deduction
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .location import Location
from .location_input import LocationInput
from .mch_prepay_notification import MchPrepayNotification
from .mch_prepay_notification_resource import MchPrepayNotificationResource
from .mch_prepay_request_body import MchPrepayRequestBody
from .mch_prepay_resource import MchPrepayResource
from .modify_service_order_request import ModifyServiceOrderRequest
from .notification_envelope import NotificationEnvelope
from .notification_failure import NotificationFailure
from .notification_resource import NotificationResource
from .notified_collection import NotifiedCollection
from .notified_collection_detail import NotifiedCollectionDetail
from .notified_post_discount import NotifiedPostDiscount
from .notified_post_payment import NotifiedPostPayment
from .notified_risk_fund import NotifiedRiskFund
from .notified_service_order import NotifiedServiceOrder
from .post_discount import PostDiscount
from .post_discount_amount import PostDiscountAmount
from .post_discount_input import PostDiscountInput
from .post_payment import PostPayment
from .post_payment_amount import PostPaymentAmount
from .post_payment_input import PostPaymentInput
from .promotion_detail import PromotionDetail
from .promotion_goods_detail import PromotionGoodsDetail
from .register_deduct_info_request import RegisterDeductInfoRequest
from .registered_deduction import RegisteredDeduction
from .risk_fund import RiskFund
from .risk_fund_input import RiskFundInput
from .service_order import ServiceOrder
from .service_order_collection import ServiceOrderCollection
from .sign_information import SignInformation
from .sync_detail import SyncDetail
from .sync_service_order_request import SyncServiceOrderRequest
from .sync_service_order_request_type import SyncServiceOrderRequestType
from .time_range import TimeRange
from .time_range_input import TimeRangeInput
from .user_confirm_notification import UserConfirmNotification
from .user_confirm_notification_resource import UserConfirmNotificationResource
from .user_paid_notification import UserPaidNotification
from .user_paid_notification_resource import UserPaidNotificationResource

__all__ = (
    "CancelServiceOrderRequest",
    "CollectionDetail",
    "CompleteServiceOrderRequest",
    "CreatedServiceOrder",
    "CreateServiceOrderRequest",
    "Deduction",
    "ErrorDetail",
    "ErrorResponse",
    "Location",
    "LocationInput",
    "MchPrepayNotification",
    "MchPrepayNotificationResource",
    "MchPrepayRequestBody",
    "MchPrepayResource",
    "ModifyServiceOrderRequest",
    "NotificationEnvelope",
    "NotificationFailure",
    "NotificationResource",
    "NotifiedCollection",
    "NotifiedCollectionDetail",
    "NotifiedPostDiscount",
    "NotifiedPostPayment",
    "NotifiedRiskFund",
    "NotifiedServiceOrder",
    "PostDiscount",
    "PostDiscountAmount",
    "PostDiscountInput",
    "PostPayment",
    "PostPaymentAmount",
    "PostPaymentInput",
    "PromotionDetail",
    "PromotionGoodsDetail",
    "RegisterDeductInfoRequest",
    "RegisteredDeduction",
    "RiskFund",
    "RiskFundInput",
    "ServiceOrder",
    "ServiceOrderCollection",
    "SignInformation",
    "SyncDetail",
    "SyncServiceOrderRequest",
    "SyncServiceOrderRequestType",
    "TimeRange",
    "TimeRangeInput",
    "UserConfirmNotification",
    "UserConfirmNotificationResource",
    "UserPaidNotification",
    "UserPaidNotificationResource",
)
