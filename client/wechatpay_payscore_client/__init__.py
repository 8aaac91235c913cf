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

from wechatpay_auth import ConfigurationError, ResponseVerificationError, WechatPayError

from ._contract import Contract, Operation, load_contract, paid_time_is_valid
from ._contract_auth import ContractAuth, OutcomeLedger
from ._errors import (
    AlreadySyncedError,
    APIConnectionError,
    APITimeoutError,
    Attempt,
    BadRequestError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    RequestValidationError,
    ServerError,
    SignatureRejectedError,
    UnexpectedResponseError,
    UnverifiedResponseError,
    ValidationProblem,
    WechatPayAPIError,
)
from ._factory import BACKUP_BASE_URL, DEFAULT_TIMEOUT, PRIMARY_BASE_URL, WechatPayClient, create_client, user_agent
from ._settings import ENV_PREFIX, ClientSettings
from ._transport import ATTEMPTS_EXTENSION, NO_RETRY, AsyncRetryingTransport, RetryingTransport, RetryPolicy

__all__ = [
    "ATTEMPTS_EXTENSION",
    "BACKUP_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ENV_PREFIX",
    "NO_RETRY",
    "PRIMARY_BASE_URL",
    "APIConnectionError",
    "APITimeoutError",
    "AlreadySyncedError",
    "AsyncRetryingTransport",
    "Attempt",
    "BadRequestError",
    "ClientSettings",
    "ConfigurationError",
    "Contract",
    "ContractAuth",
    "Operation",
    "OrderAlreadyDoneError",
    "OrderNotFoundError",
    "OrderStateError",
    "OutcomeLedger",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestValidationError",
    "ResponseVerificationError",
    "RetryPolicy",
    "RetryingTransport",
    "ServerError",
    "SignatureRejectedError",
    "UnexpectedResponseError",
    "UnverifiedResponseError",
    "ValidationProblem",
    "WechatPayAPIError",
    "WechatPayClient",
    "WechatPayError",
    "create_client",
    "load_contract",
    "paid_time_is_valid",
    "user_agent",
]
