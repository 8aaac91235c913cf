"""The merchant's APIv3 key: the symmetric key that decrypts notification resources, held so that it never shows."""

from __future__ import annotations

from typing import NoReturn, TypeAlias

from wechatpay_auth._errors import ConfigurationError

__all__ = ["APIV3_KEY_BYTES", "ApiV3Key", "ApiV3KeySource"]

# Protocol rule: "微信支付使用的密钥key长度为32个字节"; the merchant platform sets it as 32 characters.
APIV3_KEY_BYTES = 32
_AES_128_OR_192 = frozenset({16, 24})


def _length_hint(key: bytes, text: str | None) -> str:
    """Why a key of the wrong length is not the APIv3 key, in the terms of the usual mistakes; never the key."""
    if len(key.strip()) == APIV3_KEY_BYTES:
        # The usual mistake: the key read from a file or an environment variable with its line end (33 bytes).
        return "it has whitespace around it, such as the line end of a file it was read from: strip it"
    if text is not None and not text.isascii():
        return (
            f"it has non-ASCII characters ({len(text)} characters are {len(key)} bytes in UTF-8), while the key the "
            "merchant platform sets is 32 ASCII letters and digits"
        )
    if not key:
        return "it is empty: set it on the merchant platform (账户中心, API安全, APIv3密钥) and pass it here"
    if len(key) in _AES_128_OR_192:
        return (
            "that is an AES-128/192 key length, which some SDKs accept (wechatpay-go's own test uses a 16-byte "
            "key), but the key the merchant platform sets is always 32 characters and AEAD_AES_256_GCM needs "
            "32 bytes: this is another setting, or a truncated key"
        )
    return "a character was lost or added when it was copied, or another setting was put here"


def _checked(value: object, what: str) -> bytes:
    if isinstance(value, ApiV3Key):
        return value.reveal()
    text = value if isinstance(value, str) else None
    if text is not None:
        key = text.encode("utf-8", "surrogatepass")
    elif isinstance(value, bytes):
        key = value
    else:
        raise ConfigurationError(
            f"{what} must be the 32-character APIv3 key set on the merchant platform, as str or bytes; got a value "
            f"of type {type(value).__name__}"
        )
    if len(key) != APIV3_KEY_BYTES:
        raise ConfigurationError(
            f"{what} is {len(key)} bytes, not the {APIV3_KEY_BYTES} of an APIv3 key (value not shown): "
            f"{_length_hint(key, text)}"
        )
    return key


class ApiV3Key:
    """The APIv3 key (APIv3密钥) that decrypts notification resources: exactly 32 bytes, checked here, never shown.

    Protocol rule: AEAD_AES_256_GCM takes the key's 32 bytes as they are; AEAD_SM4_GCM the first 16 bytes of its
    SM3 digest. A ``str`` is taken as its UTF-8 bytes. ``repr()``, ``str()`` and f-strings print ``********``; like
    the private key object, it refuses to be pickled (a worker process loads its own settings); ``copy`` keeps it.
    ``reveal()`` returns the bytes, for the one place that needs them.
    """

    __slots__ = ("_key",)

    def __init__(self, key: ApiV3Key | str | bytes, *, what: str = "apiv3_key") -> None:
        self._key = _checked(key, what)

    def reveal(self) -> bytes:
        """The key's 32 bytes."""
        return self._key

    def __repr__(self) -> str:
        return "ApiV3Key('********')"

    def __str__(self) -> str:
        return "********"

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        # Rule: secrets are never in pickles.
        raise TypeError("an ApiV3Key is never pickled: load the APIv3 key again in the process that needs it")

    def __copy__(self) -> ApiV3Key:
        return self

    def __deepcopy__(self, memo: object) -> ApiV3Key:
        return self


ApiV3KeySource: TypeAlias = ApiV3Key | str | bytes
