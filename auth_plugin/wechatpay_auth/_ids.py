"""Shapes of merchant ids, certificate serials and WeChat Pay public key ids, checked at construction."""

from __future__ import annotations

import re

from wechatpay_auth._errors import ConfigurationError
from wechatpay_auth._shown import shown

__all__ = ["check_mchid", "check_serial_no", "check_wechatpay_serial", "is_public_key_id"]

_MCHID = re.compile(r"[0-9]{1,32}")
_PUBLIC_KEY_ID = re.compile(r"PUB_KEY_ID_[0-9]+")
# 160-bit serials print as 40 hex digits at most; the Go SDK prints them with %X (no leading zeros).
_SERIAL = re.compile(r"[0-9A-F]{1,40}")
_ANY_CASE_HEX = re.compile(r"[0-9A-Fa-f]+")
_DIGITS = re.compile(r"[0-9]+")
_MAX_SERIAL_DIGITS = 40
_MAX_DECIMAL_DIGITS = 49  # 2**160 has 49 decimal digits
# What a message may quote of a value that is not of the right shape: only the alphabet of the expected shape (a
# password typed into the wrong setting is then described, never echoed).
_SHOWN_MCHID = re.compile(r"[0-9 ]*")
_SHOWN_SERIAL = re.compile(r"[0-9A-Fa-f: ]*")
_SHOWN_KEY_ID = re.compile(r"PUB_KEY_ID[0-9A-Za-z_]*")


def check_mchid(mchid: object, what: str = "mchid") -> str:
    """Protocol rule: ``mchid`` in ``Authorization`` is the merchant id, decimal digits only."""
    if not isinstance(mchid, str) or not _MCHID.fullmatch(mchid):
        raise ConfigurationError(
            f"{what} must be the merchant id as a string of digits, e.g. '1900000100'; got {shown(mchid, _SHOWN_MCHID)}"
        )
    return mchid


def is_public_key_id(value: str) -> bool:
    """Tell whether ``value`` is a WeChat Pay public key id (``PUB_KEY_ID_`` followed by digits)."""
    return _PUBLIC_KEY_ID.fullmatch(value) is not None


def check_serial_no(serial: object, what: str) -> str:
    """Protocol rule: certificate serials (``serial_no``, ``Wechatpay-Serial``) are upper-case hexadecimal.

    Explains the usual mistakes: lower case, a decimal rendering, OpenSSL's colon-separated form.
    """
    if isinstance(serial, int) and not isinstance(serial, bool):
        raise ConfigurationError(f"{what} must be the serial in upper-case hex as a string: use {serial:X}")
    if not isinstance(serial, str):
        raise ConfigurationError(
            f"{what} must be a string (the certificate serial in upper-case hex); got {shown(serial, _SHOWN_SERIAL)}"
        )
    if _SERIAL.fullmatch(serial):
        return serial
    compact = serial.replace(":", "").replace(" ", "")
    if _DIGITS.fullmatch(serial) and len(serial) <= _MAX_DECIMAL_DIGITS:
        hint = f"it looks like a decimal number; in upper-case hex it is {int(serial):X}"
    elif _ANY_CASE_HEX.fullmatch(compact) and len(compact) <= _MAX_SERIAL_DIGITS:
        hint = f"serials are upper-case hex without separators: use {compact.upper()}"
    elif serial.upper().startswith("PUB_KEY_ID"):
        hint = "that is a WeChat Pay public key id, not a certificate serial"
    else:
        hint = f"expected upper-case hex digits, at most {_MAX_SERIAL_DIGITS}"
    raise ConfigurationError(f"{what} {shown(serial, _SHOWN_SERIAL)} is not a certificate serial: {hint}")


def check_wechatpay_serial(value: object, what: str) -> str:
    """Protocol rule: a ``Wechatpay-Serial`` is a public key id (``PUB_KEY_ID_`` + digits) or a certificate serial."""
    if isinstance(value, str) and value.upper().startswith("PUB_KEY_ID"):
        if not is_public_key_id(value):
            raise ConfigurationError(
                f"{what}: {shown(value, _SHOWN_KEY_ID)} is not a WeChat Pay public key id, which is 'PUB_KEY_ID_' "
                "followed by digits"
            )
        return value
    return check_serial_no(value, what)
