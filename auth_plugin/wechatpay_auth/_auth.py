"""``WechatPayAuth``: WECHATPAY2-SHA256-RSA2048 for any httpx ``Client`` or ``AsyncClient``."""

from __future__ import annotations

import base64
import logging
import re
import secrets
import time
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING

import httpx

from wechatpay_auth._apiv3 import ApiV3Key, ApiV3KeySource
from wechatpay_auth._checklist import check_response, check_signature
from wechatpay_auth._errors import ConfigurationError
from wechatpay_auth._ids import check_mchid, check_serial_no, check_wechatpay_serial, is_public_key_id
from wechatpay_auth._keys import CertificateKey, PrivateKeySource, PublicKeySource, load_private_key
from wechatpay_auth._keys import load_verification_key as _load_verification_key
from wechatpay_auth._message import authorization_header, request_message
from wechatpay_auth._notification import Notification, open_notification
from wechatpay_auth._replay import ReplayGuard
from wechatpay_auth._shown import shown
from wechatpay_auth._signature import sign
from wechatpay_auth._verification import Verification, record

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["Clock", "NonceSource", "WechatPayAuth", "default_clock", "default_nonce"]

logger = logging.getLogger("wechatpay_auth")

Clock = Callable[[], float]
NonceSource = Callable[[], str]

_NONCE_LENGTH = 32
_NONCE = re.compile(r"[0-9A-Za-z]{1,32}")


def default_clock() -> int:
    """Protocol rule: ``timestamp`` is Unix time in whole seconds."""
    return int(time.time())


def default_nonce(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """Protocol rule: ``nonce_str`` is a random string; like the official SDKs, 32 characters of ``[0-9A-Za-z]``.

    Base64 of random bytes is uniform over 64 symbols; dropping `+` and `/` leaves it uniform over the 62 wanted
    ones, at a fraction of the cost of 32 ``secrets.choice`` calls (which showed in the per-call benchmark).
    """
    while True:
        candidate = base64.b64encode(token_bytes(_NONCE_LENGTH + 4)).translate(None, b"+/")
        if len(candidate) >= _NONCE_LENGTH:
            return candidate[:_NONCE_LENGTH].decode("ascii")


def _load_public_keys(keys: Mapping[str, PublicKeySource], merchant_serial: str) -> dict[str, RSAPublicKey]:
    if not isinstance(keys, Mapping) or not keys:
        raise ConfigurationError(
            "wechatpay_public_keys must map each Wechatpay-Serial (a 'PUB_KEY_ID_…' public key id or a platform "
            "certificate's hex serial) to its key; got an empty or non-mapping value"
        )
    loaded: dict[str, RSAPublicKey] = {}
    for serial, source in keys.items():
        # Checked before it is quoted anywhere: a key pasted here by mistake must not be echoed.
        check_wechatpay_serial(serial, "a key of wechatpay_public_keys")
        what = f"wechatpay_public_keys[{serial!r}]"
        if serial == merchant_serial:
            raise ConfigurationError(
                f"{what}: {serial} is the merchant's own serial_no; list WeChat Pay's public keys and platform "
                "certificates here, not the merchant certificate"
            )
        key = _load_verification_key(source, what)
        if isinstance(key, CertificateKey):
            if key.serial != serial:
                raise ConfigurationError(
                    f"{what} is a certificate whose serial is {key.serial}: list it under that serial"
                )
            key = key.public_key
        loaded[serial] = key
    return loaded


class WechatPayAuth(httpx.Auth):
    """Sign requests and verify answers with WECHATPAY2-SHA256-RSA2048, for any WeChat Pay APIv3 endpoint.

    One ``auth_flow`` and no I/O of its own, so it serves ``httpx.Client`` and ``httpx.AsyncClient`` alike::

        Client(base_url=..., httpx_args={"auth": WechatPayAuth(mchid=..., serial_no=..., private_key=...,
                                                               wechatpay_public_keys={...})})

    ``wechatpay_public_keys`` maps each ``Wechatpay-Serial`` value to its key: WeChat Pay public keys under their
    ``PUB_KEY_ID_…`` id and platform certificates under their hex serial, both at once during a migration. Keys are
    parsed here, once. ``clock`` (Unix seconds) and ``nonce`` can be injected for tests. ``apiv3_key`` (the 32-byte
    APIv3 key, checked here) is needed only to open notifications (``open_notification``); signing does not use it.

    Each verified answer is accepted once: the same ``Wechatpay-Timestamp``, ``Wechatpay-Nonce`` and signature
    seen again within the 300 s window raises ``ReplayedResponseError``. The memory of answers (``replay_guard``,
    one per auth object by default) is bounded; share one ``ReplayGuard`` between auth objects that talk to the
    same merchant account to refuse replays across them too.
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        *,
        mchid: str,
        serial_no: str,
        private_key: PrivateKeySource,
        wechatpay_public_keys: Mapping[str, PublicKeySource],
        private_key_password: str | bytes | None = None,
        clock: Clock = default_clock,
        nonce: NonceSource = default_nonce,
        replay_guard: ReplayGuard | None = None,
        apiv3_key: ApiV3KeySource | None = None,
    ) -> None:
        self._mchid = check_mchid(mchid)
        self._serial_no = check_serial_no(serial_no, "serial_no")
        self._private_key = load_private_key(private_key, password=private_key_password, what="private_key")
        self._public_keys = _load_public_keys(wechatpay_public_keys, self._serial_no)
        own = self._private_key.public_key().public_numbers()
        for serial, key in self._public_keys.items():
            if key.public_numbers() == own:
                raise ConfigurationError(
                    f"wechatpay_public_keys[{serial!r}] is the merchant's own public key; WeChat Pay signs its "
                    "answers with WeChat Pay's key, listed under its PUB_KEY_ID_… id or platform serial"
                )
        # Sending a public key id asks WeChat Pay to sign its answer with that key rather than a platform certificate.
        self._request_serial = next((serial for serial in self._public_keys if is_public_key_id(serial)), None)
        self._clock = clock
        self._nonce = nonce
        self._replay_guard = ReplayGuard() if replay_guard is None else replay_guard
        self._apiv3_key = None if apiv3_key is None else ApiV3Key(apiv3_key, what="apiv3_key")

    def __repr__(self) -> str:
        return (
            f"WechatPayAuth(mchid={self._mchid!r}, serial_no={self._serial_no!r}, "
            f"wechatpay_serials={tuple(self._public_keys)!r})"
        )

    @property
    def wechatpay_serials(self) -> tuple[str, ...]:
        """The ``Wechatpay-Serial`` values whose answers can be verified."""
        return tuple(self._public_keys)

    def sign_request(self, request: httpx.Request) -> None:
        """Set a fresh ``Authorization`` (new timestamp and nonce) and ``Wechatpay-Serial`` on ``request``.

        Protocol rule: sign ``METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n`` over exactly what goes on the wire —
        ``request.method``, ``request.url.raw_path`` (path and query as sent) and ``request.content`` (never a
        re-serialization). Public so that a retrying transport can re-sign every attempt. The body must have been
        read, as it is for ``content=``/``json=`` requests and inside ``auth_flow``.
        """
        timestamp = int(self._clock())
        nonce = self._nonce()
        if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
            raise ConfigurationError(
                f"the nonce source must return 1 to 32 characters of [0-9A-Za-z]; got {shown(nonce)}"
            )
        message = request_message(request.method, request.url.raw_path, timestamp, nonce, request.content)
        signature = sign(message, self._private_key)
        request.headers["Authorization"] = authorization_header(
            self._mchid, self._serial_no, timestamp, nonce, signature
        )
        # A caller may name another key here itself (one that encrypted a field); keep it.
        if self._request_serial is not None and "Wechatpay-Serial" not in request.headers:
            request.headers["Wechatpay-Serial"] = self._request_serial
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "signed %s %s timestamp=%d nonce=%s body_length=%d message=%s",
                request.method,
                request.url,
                timestamp,
                nonce,
                len(request.content),
                message.decode("utf-8", "backslashreplace").replace("\n", "\\n"),
            )

    def verify_response(self, response: httpx.Response) -> Verification:
        """Run the response checklist on ``response`` (body read), record the outcome on it and return it.

        Raises a ``ResponseVerificationError`` subclass when a signed or 2xx answer fails; see ``check_response``.
        """
        return self._verify(response.request, response)

    def _verify(self, request: httpx.Request, response: httpx.Response) -> Verification:
        verification = check_response(
            request, response, self._public_keys, self._clock(), replay_guard=self._replay_guard
        )
        record(response, verification)
        if verification.verified:
            logger.debug(
                "verified HTTP %d answer to %s %s: serial=%s timestamp=%s nonce=%s request_id=%s",
                response.status_code,
                request.method,
                request.url,
                verification.serial,
                verification.timestamp,
                verification.nonce,
                verification.request_id,
            )
        else:
            logger.info(
                "HTTP %d answer to %s %s carries no WeChat Pay signature; let through unverified (request_id=%s)",
                response.status_code,
                request.method,
                request.url,
                verification.request_id,
            )
        return verification

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Verification:
        """Run the signature checklist on a notification (回调通知) and return what it established.

        Protocol rule: the checklist of answers (``check_signature``) over ``TIMESTAMP\\nNONCE\\nBODY\\n`` with
        ``body`` the raw request body bytes as received, and the same keys; a signature is always required (an
        unsigned notification is refused, never let through like a gateway's unsigned 502). ``headers`` are looked
        up whatever the case of their names. No replay memory: WeChat Pay delivers one notification again until it
        is answered with a 2xx, so a second delivery is legitimate; the ±300 s window is the freshness rule, and
        deduplicating (by the notification ``id`` and the order's state) is the application's. Raises a
        ``SignatureVerificationError`` subclass.
        """
        return check_signature(headers, body, self._public_keys, self._clock(), signature_required=True)

    def open_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Verify a notification, read its envelope and decrypt its resource with the APIv3 key.

        Protocol rules: ``verify_notification``, then the envelope, then ``AEAD_AES_256_GCM`` or ``AEAD_SM4_GCM``
        (see ``open_notification`` of the package). Raises a ``SignatureVerificationError`` subclass for the
        signature, a ``NotificationError`` subclass for the body, and ``ConfigurationError`` when this object was
        built without ``apiv3_key``.
        """
        if self._apiv3_key is None:
            raise ConfigurationError(
                "opening a notification needs the APIv3 key: pass apiv3_key=... (the 32-character key set on the "
                "merchant platform) to WechatPayAuth"
            )
        notification = open_notification(
            headers, body, public_keys=self._public_keys, apiv3_key=self._apiv3_key, now=self._clock()
        )
        logger.debug(
            "opened notification id=%s event_type=%s serial=%s timestamp=%s request_id=%s",
            notification.id,
            notification.event_type,
            notification.verification.serial,
            notification.verification.timestamp,
            notification.request_id,
        )
        return notification

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request, send it, verify the answer (httpx drives this generator for sync and async clients)."""
        self.sign_request(request)
        response = yield request
        self._verify(request, response)
