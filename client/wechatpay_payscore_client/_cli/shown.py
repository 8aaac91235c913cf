"""What the command line may quote back to the operator (issue 14 #6: never echo a value that could be a secret).

A value is quoted only when its shape proves it is not a key: short, one line, no control character, no PEM
marker. Everything else is described (its length, what was expected), never shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from wechatpay_auth import shown

__all__ = ["MAX_PATH_SHOWN", "PATH", "WORD", "compact", "may_show", "redact_usage", "safe_text", "safe_value"]

# A command-line word argparse may quote in a message: short, one line, no control character.
WORD = re.compile(r"[^\x00-\x1f\x7f-\x9f]*")
# A file name the command may quote: any length a real path has, still one line without control characters.
PATH = WORD
MAX_PATH_SHOWN = 255
_PEM_MARKERS = ("-----BEGIN", "PRIVATE KEY")
_MAX_FOREIGN_TEXT = 200


def may_show(value: str, alphabet: re.Pattern[str] = WORD, max_length: int = 60) -> bool:
    """Whether `value` may be quoted in a message: no PEM marker, and of the alphabet and length expected."""
    return (
        len(value) <= max_length
        and alphabet.fullmatch(value) is not None
        and not any(marker in value for marker in _PEM_MARKERS)
    )


def redact_usage(message: str, arguments: Sequence[str]) -> str:
    """argparse's message with every word of the command line that could be a secret described, never quoted.

    argparse quotes what it refuses (`invalid choice: '...'`, `unrecognized arguments: ...`, `invalid int value`),
    flags' values included: a key pasted in the wrong place would be echoed. Each such word (or the value of a
    `--flag=value`) is replaced by its description (`wechatpay_auth.shown`), longest first so that no part of one
    survives; what still carries a PEM marker or a control character after that is not shown at all.
    """
    candidates = set(arguments) | {word.partition("=")[2] for word in arguments if word.startswith("-")}
    words = {word for word in candidates if word and not may_show(word)}
    for word in sorted(words, key=len, reverse=True):
        message = message.replace(repr(word), shown(word)).replace(word, shown(word))
    if not may_show(message, max_length=len(message)):
        prog = message.split(":", 1)[0] if may_show(message.split(":", 1)[0]) else "wechatpay-payscore"
        return f"{prog}: the command line was refused (message not shown: it quotes a value that could be a secret)"
    return message


def safe_value(value: Any) -> tuple[bool, Any]:
    """`(True, value)` when a request value may be shown as it is; `(False, description)` otherwise.

    Numbers, booleans and short one-line texts are shown; an object or a list is described by its size (its parts
    are named by their own problems); anything else by its length.
    """
    if value is None or isinstance(value, bool | int | float):
        return True, value
    if isinstance(value, str):
        return (True, value) if may_show(value) else (False, shown(value, re.compile(r"(?!)")))
    if isinstance(value, dict):
        return False, f"an object with {len(value)} field(s)"
    if isinstance(value, list | tuple):
        return False, f"a list of {len(value)} item(s)"
    return False, f"a value of type {type(value).__name__}"


def safe_text(error: BaseException) -> str:
    """The text of an exception that is not the project's own: its first line, short and without key material."""
    try:
        first = (str(error).splitlines() or [""])[0]
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the failure itself
        first = ""
    if len(first) <= _MAX_FOREIGN_TEXT and may_show(first, max_length=_MAX_FOREIGN_TEXT):
        return first
    return "(text not shown)"


def compact(value: Any) -> str:
    """A JSON value on one line, as the human report shows what was sent."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), sort_keys=False, default=str)
