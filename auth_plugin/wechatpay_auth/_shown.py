"""How a configured value may appear in a message: quoted only when its shape proves it is not a secret.

A private key pasted into the wrong setting (a serial, a merchant id, a key of ``wechatpay_public_keys``) must not be
echoed back in an error, a log line or a traceback. The rule: a value is quoted only when it is short and made only
of the characters the expected setting uses; anything else is described (its length, whether it looks like PEM
key material), never shown.
"""

from __future__ import annotations

import re

__all__ = ["IDENTIFIER", "MAX_SHOWN", "shown"]

# Long enough for a 40-digit serial written with colons (59 characters), shorter than one PEM line (64).
MAX_SHOWN = 60
# Serials, merchant ids, public key ids and their usual misspellings are made of these.
IDENTIFIER = re.compile(r"[0-9A-Za-z_: .\-]*")


def shown(value: object, alphabet: re.Pattern[str] = IDENTIFIER, *, max_length: int = MAX_SHOWN) -> str:
    """``repr(value)`` when ``value`` is a short string of ``alphabet``; otherwise a description without it."""
    if not isinstance(value, str):
        return f"a value of type {type(value).__name__}"
    if len(value) <= max_length and alphabet.fullmatch(value):
        return repr(value)
    if "-----BEGIN" in value or "PRIVATE KEY" in value:
        return f"a {len(value)}-character value that looks like PEM key material (not shown: was a key put here?)"
    return f"a {len(value)}-character value (not shown: it does not have the expected shape and could be a secret)"
