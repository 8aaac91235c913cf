"""The request body of a command: `--body FILE` (`-`: standard input), the flags over it, checked before sending.

Rules: the file holds one JSON object (UTF-8, at most 1 MiB, no key twice, no NaN); flags given beside it fill or
override its top-level fields; the result is checked against the contract (schema and `x-rules`) before the
merchant configuration is even read, so an invalid body is reported with its field and rule (exit 2) and nothing
is sent. Every problem is a `RequestValidationError`, the error the client raises for a body it refuses.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from wechatpay_auth import shown

from .._errors import RequestValidationError, ValidationProblem
from .shown import MAX_PATH_SHOWN, PATH, may_show

__all__ = ["MAX_BODY_BYTES", "check_request", "read_body", "request_target"]

MAX_BODY_BYTES = 1 << 20  # a Pay Score request is a few KiB: anything near this is not one


def request_target(path: str, path_values: Mapping[str, str]) -> str:
    """The raw path of a call, its parameters percent-encoded as the generated functions encode them."""
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def _refused(rule: str, message: str, *, method: str, path: str) -> RequestValidationError:
    return RequestValidationError([ValidationProblem("body", "/", None, rule, message)], method=method, path=path)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook`: a key given twice (which JSON parsers resolve silently, each its own way) is refused."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {shown(key)} appears twice in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_body(source: str, *, method: str, path: str) -> dict[str, Any]:
    """The JSON object in `source` (a file name, or `-` for standard input); `RequestValidationError` otherwise."""
    where = "standard input" if source == "-" else "the --body file"
    refuse = functools.partial(_refused, method=method, path=path)
    if source != "-" and not may_show(source, PATH, MAX_PATH_SHOWN):
        # Its name is quoted in every message about it: one that could be a key pasted here is never opened.
        raise refuse("--body FILE: a file name", f"--body expects a file name or -; got {shown(source, PATH)}")
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_BODY_BYTES + 1)
        else:
            with open(source, "rb") as file:
                raw = file.read(MAX_BODY_BYTES + 1)
    except OSError as exc:
        raise refuse("--body FILE: readable", f"cannot read {source}: {exc.strerror or type(exc).__name__}") from None
    if len(raw) > MAX_BODY_BYTES:
        raise refuse(f"at most {MAX_BODY_BYTES} bytes", f"{where} holds more than {MAX_BODY_BYTES} bytes")
    try:
        value = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise refuse("application/json (UTF-8)", f"{where} is not UTF-8 text") from None
    except RecursionError:
        raise refuse("application/json", f"{where} is nested too deeply to be a request") from None
    except ValueError as exc:
        # json's own message names the line and column; it quotes no part of the text.
        raise refuse("application/json", f"{where} is not one JSON value: {exc}") from None
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else f"a {type(value).__name__}"
        raise refuse("a JSON object", f"{where} must hold one JSON object (the request body); it holds {kind}")
    return value


def check_request(method: str, target: str, body: Mapping[str, Any] | None) -> None:
    """The contract's rules for the call (path, body schema, `x-rules`), as the client checks them before sending."""
    from .._contract import load_contract  # noqa: PLC0415 - the compiled contract, cached for the client too
    from .._validation import RequestValidator  # noqa: PLC0415

    # ASCII escapes: a lone surrogate in the file reaches the validator (which refuses it) instead of failing here.
    content = b"" if body is None else json.dumps(body).encode("ascii")
    RequestValidator(load_contract()).validate_call(method, target, content)
