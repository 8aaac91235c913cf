"""The merchant's APIv3 key: the symmetric key notification resources are encrypted with, held so it never shows.

Protocol rule: "微信支付使用的密钥key长度为32个字节" — AEAD_AES_256_GCM takes the key's 32 bytes as they are; the
merchant platform sets it as 32 ASCII characters. The emulator refuses any other length at configuration, so a
receiver is never tested against a key WeChat Pay could not have.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import NoReturn

from ._errors import ConfigError

__all__ = ["APIV3_KEY_BYTES", "ApiV3Key", "ApiV3KeyInput", "read_apiv3_key_file"]

APIV3_KEY_BYTES = 32


class ApiV3Key:
    """The APIv3 key (APIv3密钥): exactly 32 bytes (a `str` is taken as its UTF-8 bytes), never printed.

    `repr()` and `str()` show `ApiV3Key('********')`; it refuses to be pickled; `reveal()` gives the bytes to the one
    place that encrypts with them. Two keys are equal when their bytes are (compared in constant time).
    """

    __slots__ = ("_key",)

    def __init__(self, key: ApiV3Key | str | bytes) -> None:
        if isinstance(key, ApiV3Key):
            self._key: bytes = key._key
            return
        if isinstance(key, str):
            raw = key.encode("utf-8", "surrogatepass")
        elif isinstance(key, bytes):
            raw = key
        else:
            raise ConfigError(f"apiv3_key must be str or bytes, not {type(key).__name__}")
        if len(raw) != APIV3_KEY_BYTES:
            # The length only, never the value: the usual mistake is a line end kept from a file (33 bytes).
            raise ConfigError(f"apiv3_key must be {APIV3_KEY_BYTES} bytes, got {len(raw)} (value not shown)")
        self._key = raw

    def reveal(self) -> bytes:
        """The key's 32 bytes."""
        return self._key

    def __repr__(self) -> str:
        return "ApiV3Key('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiV3Key):
            return NotImplemented
        return hmac.compare_digest(self._key, other._key)

    def __hash__(self) -> int:
        # A digest, so that the hash of a configuration says nothing usable about the key.
        return hash(hashlib.sha256(b"apiv3-key:" + self._key).digest())

    def __reduce__(self) -> NoReturn:
        raise TypeError("an ApiV3Key is not pickled: load it from its file in each process")


ApiV3KeyInput = ApiV3Key | str | bytes


def read_apiv3_key_file(path: str | os.PathLike[str]) -> ApiV3Key:
    """The APIv3 key held in a file: its content without one trailing line end (as an editor saves it)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the APIv3 key file {path}: {exc.strerror}") from None
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            raw = raw[: -len(ending)]
            break
    try:
        return ApiV3Key(raw)
    except ConfigError as exc:
        raise ConfigError(f"the APIv3 key file {path}: {exc}") from None
