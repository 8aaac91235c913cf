"""A ready WeChat Pay Score client: the generated client, the WECHATPAY2 auth plugin and the contract, composed.

    from wechatpay_payscore.api.payscore import sync_service_order
    from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
    from wechatpay_payscore_client import create_client

    client = create_client(mchid=..., serial_no=..., private_key="apiclient_key.pem",
                           wechatpay_public_keys={"PUB_KEY_ID_...": "pub_key.pem"})
    sync_service_order.sync_detailed("1234323JKHDFE1243252", client=client, body=SyncServiceOrderRequest(...))

This is the only package that imports the generated package, the auth plugin and the contract together; the
generated code is never edited (it is rebuilt from `openapi/` by `make generate`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from wechatpay_auth import ConfigurationError, ResponseVerificationError, WechatPayError

from ._contract import Contract, Operation, load_contract, paid_time_is_valid
from ._errors import (
    AlreadyAppliedError,
    AlreadySyncedError,
    AlreadyThereError,
    APIConnectionError,
    APITimeoutError,
    Attempt,
    BadRequestError,
    EndpointNotFoundError,
    Evidence,
    NotAppliedError,
    OrderAlreadyCancelledError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    ReconciliationError,
    RequestValidationError,
    ServerError,
    SignatureRejectedError,
    UnexpectedResponseError,
    UnverifiedResponseError,
    ValidationProblem,
    WechatPayAPIError,
)
from ._factory import (
    BACKUP_BASE_URL,
    DEFAULT_TIMEOUT,
    PRIMARY_BASE_URL,
    Seams,
    WechatPayClient,
    create_client,
    user_agent,
)
from ._network import DEFAULT_MAX_RESPONSE_BYTES
from ._paid_time import paid_time_not_in_future
from ._retry import NO_RETRY, ReconcilePolicy, RetryPolicy
from ._urls import check_base_url, check_headers

if TYPE_CHECKING:
    from ._notifications import (
        MCH_PREPAY,
        USER_CONFIRM,
        USER_PAID,
        Answer,
        Event,
        MchPrepayEvent,
        MemoryNotificationStore,
        NotificationASGIApp,
        NotificationClaim,
        NotificationHandler,
        NotificationStore,
        NotificationWSGIApp,
        SQLiteNotificationStore,
        UnknownEvent,
        UserConfirmEvent,
        UserPaidEvent,
        ahandle_notification,
        failure_answer,
        handle_notification,
        open_event,
        parse_event,
        refusal_answer,
        success_answer,
    )
    from ._options import MerchantOptions, Secret
    from ._outcome import MAX_RETRY_AFTER
    from ._reconcile import Reconciliation, SyncVerdict, Verdict, reconcile_sync, reconcile_sync_async
    from ._settings import ENV_PREFIX, ClientSettings

# Loaded on first use, so that importing the package stays cheap: settings and reconciliation are not every
# program's.
_LAZY = {
    "MCH_PREPAY": "._notifications",
    "USER_CONFIRM": "._notifications",
    "USER_PAID": "._notifications",
    "Answer": "._notifications",
    "Event": "._notifications",
    "MchPrepayEvent": "._notifications",
    "MemoryNotificationStore": "._notifications",
    "NotificationASGIApp": "._notifications",
    "NotificationClaim": "._notifications",
    "NotificationHandler": "._notifications",
    "NotificationStore": "._notifications",
    "NotificationWSGIApp": "._notifications",
    "SQLiteNotificationStore": "._notifications",
    "UnknownEvent": "._notifications",
    "UserConfirmEvent": "._notifications",
    "UserPaidEvent": "._notifications",
    "ahandle_notification": "._notifications",
    "failure_answer": "._notifications",
    "handle_notification": "._notifications",
    "open_event": "._notifications",
    "parse_event": "._notifications",
    "refusal_answer": "._notifications",
    "success_answer": "._notifications",
    "MerchantOptions": "._options",
    "Secret": "._options",
    "MAX_RETRY_AFTER": "._outcome",
    "Reconciliation": "._reconcile",
    "SyncVerdict": "._reconcile",
    "Verdict": "._reconcile",
    "reconcile_sync": "._reconcile",
    "reconcile_sync_async": "._reconcile",
    "ENV_PREFIX": "._settings",
    "ClientSettings": "._settings",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "BACKUP_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "ENV_PREFIX",
    "MAX_RETRY_AFTER",
    "MCH_PREPAY",
    "NO_RETRY",
    "PRIMARY_BASE_URL",
    "USER_CONFIRM",
    "USER_PAID",
    "APIConnectionError",
    "APITimeoutError",
    "AlreadyAppliedError",
    "AlreadySyncedError",
    "AlreadyThereError",
    "Answer",
    "Attempt",
    "BadRequestError",
    "ClientSettings",
    "ConfigurationError",
    "Contract",
    "EndpointNotFoundError",
    "Event",
    "Evidence",
    "MchPrepayEvent",
    "MemoryNotificationStore",
    "MerchantOptions",
    "NotAppliedError",
    "NotificationASGIApp",
    "NotificationClaim",
    "NotificationHandler",
    "NotificationStore",
    "NotificationWSGIApp",
    "Operation",
    "OrderAlreadyCancelledError",
    "OrderAlreadyDoneError",
    "OrderNotFoundError",
    "OrderStateError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReconcilePolicy",
    "Reconciliation",
    "ReconciliationError",
    "RequestValidationError",
    "ResponseVerificationError",
    "RetryPolicy",
    "SQLiteNotificationStore",
    "Seams",
    "Secret",
    "ServerError",
    "SignatureRejectedError",
    "SyncVerdict",
    "UnexpectedResponseError",
    "UnknownEvent",
    "UnverifiedResponseError",
    "UserConfirmEvent",
    "UserPaidEvent",
    "ValidationProblem",
    "Verdict",
    "WechatPayAPIError",
    "WechatPayClient",
    "WechatPayError",
    "ahandle_notification",
    "check_base_url",
    "check_headers",
    "create_client",
    "failure_answer",
    "handle_notification",
    "load_contract",
    "open_event",
    "paid_time_is_valid",
    "paid_time_not_in_future",
    "parse_event",
    "reconcile_sync",
    "reconcile_sync_async",
    "refusal_answer",
    "success_answer",
    "user_agent",
]


def __dir__() -> list[str]:
    return sorted(__all__)
