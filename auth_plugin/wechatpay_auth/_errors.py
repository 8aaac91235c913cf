"""Typed errors of the package.

::

    WechatPayError                          base of everything this package raises
    ├── ConfigurationError (ValueError)     bad keys, ids, serials or APIv3 key; raised at construction
    ├── SignatureVerificationError          a message signed by WeChat Pay (an answer or a notification) failed the
    │   │                                   WECHATPAY2 checklist; also exported as ResponseVerificationError
    │   ├── MissingSignatureHeadersError    step 1: a Wechatpay-* header is absent or malformed
    │   ├── ClockSkewError                  step 2: Wechatpay-Timestamp is more than 300 s from local time
    │   ├── UnknownSerialError              step 3: Wechatpay-Serial names no configured key
    │   ├── InvalidSignatureError           step 4: Wechatpay-Signature-Type is not RSA, or the signature does not
    │   │   │                               verify over the raw body
    │   │   ├── ProbeSignatureError         step 4: a deliberate WECHATPAY/SIGNTEST/ probe
    │   │   └── MalformedSignatureError     step 4: Wechatpay-Signature is not strict Base64
    │   └── ReplayedResponseError           step 5 (answers only): the same signed answer was already accepted once
    └── NotificationError                   a verified notification cannot be opened
        ├── MalformedNotificationError      step 6: the body, a field of its envelope or of its resource is missing or
        │                                   malformed (``field`` names it)
        ├── UnsupportedAlgorithmError       step 7: ``resource.algorithm`` is not one this package decrypts
        └── DecryptionError                 step 7: the GCM tag does not check: wrong APIv3 key, or altered ciphertext

Messages never contain key material (private key, APIv3 key) nor a decrypted resource: only ids, serials, header
values, field names, lengths and clock figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

if TYPE_CHECKING:
    import httpx

    from wechatpay_auth._subject import Subject

__all__ = [
    "ClockSkewError",
    "ConfigurationError",
    "DecryptionError",
    "InvalidSignatureError",
    "MalformedNotificationError",
    "MalformedSignatureError",
    "MissingSignatureHeadersError",
    "NotificationError",
    "ProbeSignatureError",
    "ReplayedResponseError",
    "ResponseVerificationError",
    "SignatureVerificationError",
    "UnknownSerialError",
    "UnsupportedAlgorithmError",
    "VerificationContext",
    "WechatPayError",
]


class VerificationContext(TypedDict):
    """What every signature verification error records about the message it rejects."""

    subject: Subject
    request_id: str | None
    timestamp: int | None
    nonce: str | None
    serial: str | None


class WechatPayError(Exception):
    """Base class of every error raised by ``wechatpay_auth`` (and by the clients built on it).

    Four predicates answer on every instance, so a caller decides what to do without knowing the class:
    ``retryable`` (the same call may be tried again), ``outcome_unknown`` (the request may have taken effect and
    nobody knows: query before any retry), ``already_done`` and ``not_found``. Subclasses set them per instance.
    """

    retryable: bool = False
    outcome_unknown: bool = False
    already_done: bool = False
    not_found: bool = False


class ConfigurationError(WechatPayError, ValueError):
    """A key, merchant id, serial, public key id or APIv3 key is unusable; raised when the auth object is built."""


class SignatureVerificationError(WechatPayError):
    """A message signed by WeChat Pay failed verification (WECHATPAY2-SHA256-RSA2048, "verifying a signature").

    The message must be treated as forged: nothing in it proves anything. Answers and notifications run the same
    checklist and raise the same classes. For an answer, ``request`` and ``response`` are the call's, and the request
    may have been applied (``retryable`` and ``outcome_unknown`` are set); for a notification both are None and the
    predicates are not set (WeChat Pay delivers a notification again until it is answered with a 2xx). Carries what
    is needed to quote the message to WeChat Pay support (``request_id``).
    """

    # An answer proves nothing, so the request it answers may have been applied.
    retryable = True
    outcome_unknown = True

    def __init__(
        self,
        message: str,
        *,
        subject: Subject,
        request_id: str | None,
        timestamp: int | None,
        nonce: str | None,
        serial: str | None,
    ) -> None:
        super().__init__(f"{message} ({subject.status}, Request-ID: {request_id or 'absent'})")
        if not subject.outcome_unknown:
            self.retryable = False
            self.outcome_unknown = False
        # Set by check_response for an answer; a notification has no httpx objects.
        self.request: httpx.Request | None = None
        self.response: httpx.Response | None = None
        self.request_id = request_id
        self.timestamp = timestamp
        self.nonce = nonce
        self.serial = serial


# The name this class had when only answers were verified; the same class, kept for existing callers.
ResponseVerificationError = SignatureVerificationError


class MissingSignatureHeadersError(SignatureVerificationError):
    """Step 1 of the checklist: one of the ``Wechatpay-*`` signature headers is absent or malformed."""


class ClockSkewError(SignatureVerificationError):
    """Step 2 of the checklist: the message's timestamp is more than 300 s away from local time, either way.

    ``skew`` is the message's timestamp minus local time, in seconds (negative: the message looks old).
    """

    def __init__(self, message: str, *, skew: float, **context: Unpack[VerificationContext]) -> None:
        super().__init__(message, **context)
        self.skew = skew


class UnknownSerialError(SignatureVerificationError):
    """Step 3 of the checklist: ``Wechatpay-Serial`` names neither a configured public key id nor a certificate.

    ``known_serials`` lists what is configured, to compare after a key rotation or public-key migration.
    """

    def __init__(self, message: str, *, known_serials: tuple[str, ...], **context: Unpack[VerificationContext]) -> None:
        super().__init__(message, **context)
        self.known_serials = known_serials


class InvalidSignatureError(SignatureVerificationError):
    """Step 4 of the checklist: ``Wechatpay-Signature`` is not a valid SHA256withRSA signature of the message.

    Also raised, under this very class, when ``Wechatpay-Signature-Type`` names another scheme than
    WECHATPAY2-SHA256-RSA2048 (the message names it).
    """


class ProbeSignatureError(InvalidSignatureError):
    """Step 4: the signature is a ``WECHATPAY/SIGNTEST/`` probe, sent by WeChat Pay to check that merchants verify.

    For an answer, the call itself may have been carried out: query the order before any retry. A notification
    probe is answered with a 4xx or 5xx status; WeChat Pay then delivers the notification again, correctly signed.
    """


class MalformedSignatureError(InvalidSignatureError):
    """Step 4: ``Wechatpay-Signature`` is not strict standard Base64 (padded, canonical), so not one WeChat Pay made."""


class ReplayedResponseError(SignatureVerificationError):
    """Step 5: an answer with this ``Wechatpay-Timestamp``, ``Wechatpay-Nonce`` and signature was accepted before.

    A correctly signed answer replayed for another call (WeChat Pay never repeats a nonce): it proves nothing about
    this call, which may or may not have been carried out. Query the order before any retry. Notifications are not
    checked for replays: a second delivery of one is legitimate.
    """


class NotificationError(WechatPayError):
    """A notification whose signature verified cannot be opened (its body, envelope or encrypted resource).

    ``field`` names the part at fault (``body``, ``id``, ``resource.nonce``, ``resource.ciphertext``, …) and
    ``algorithm`` the ``resource.algorithm`` when it is known. WeChat Pay delivers the notification again if it is
    answered with a 4xx or 5xx status.
    """

    def __init__(self, message: str, *, field: str | None = None, algorithm: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.algorithm = algorithm


class MalformedNotificationError(NotificationError):
    """Step 6: the body is not a JSON object, or a field of the envelope or of ``resource`` is missing or malformed.

    Also raised when the decrypted resource is not a JSON object (``field`` is then ``resource.ciphertext``).
    """


class UnsupportedAlgorithmError(NotificationError):
    """Step 7: ``resource.algorithm`` is neither ``AEAD_AES_256_GCM`` nor ``AEAD_SM4_GCM``, or the OpenSSL under
    ``cryptography`` here cannot run it (``AEAD_SM4_GCM`` needs SM3 and SM4-GCM)."""


class DecryptionError(NotificationError):
    """Step 7: the AEAD tag does not check: the APIv3 key is not the one set on the merchant platform (most often:
    it was reset there and not here), or the ciphertext, nonce or associated data were altered."""
