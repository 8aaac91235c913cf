"""What `notification verify` reads: the headers of a notification as a proxy or `curl -D` dumps them, and its body.

Rules of the headers file (`--headers FILE`, `-` for standard input), read the way an HTTP server reads a request's
header section (RFC 9112 §2.2, §5): lines end with CRLF or a bare LF; a first line that is a status line
(`HTTP/1.1 200 OK`) or a request line (`POST /notify HTTP/1.1`) is skipped, and so are HTTP/2 pseudo-header lines
(`:authority: ...`); every other line is `Name: value`, the name a token in any case, the value without the spaces
around it; a line starting with a space or a tab continues the previous value (obs-fold, RFC 9112 §5.2); one name
given twice is one field whose values are joined with `, ` (RFC 9110 §5.3); the header section ends at the first
blank line, and blank lines may follow it, but nothing else may (a body or a second dump belongs elsewhere). Names
keep their spelling: the checklist looks them up whatever their case. The bytes are read as ISO-8859-1, as HTTP
servers read header values, so that no byte is lost or replaced.

The body file (`--body FILE`, `-`) is read as raw bytes, exactly as they are: the signature covers those bytes, so a
line end an editor added, or JSON a proxy re-serialized, is what the verification is about to find, never fixed here.
"""

from __future__ import annotations

import re
import sys

from wechatpay_auth import shown

from .._notifications import DEFAULT_MAX_BODY_BYTES
from .shown import MAX_PATH_SHOWN, PATH, WORD, may_show

__all__ = ["MAX_HEADERS_BYTES", "NotificationInputError", "parse_headers", "read_body", "read_headers", "read_input"]

# A request's header section is a few hundred bytes; servers refuse far less than this (nginx: 4 x 8 KiB).
MAX_HEADERS_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"
_BLANK = " \t"  # RFC 9110 §5.5: the optional whitespace around a field value
_LINE_END = re.compile(r"\r?\n")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 §5.1: a field name is a token
_START_LINE = re.compile(r"HTTP/\d(?:\.\d)?\s+\d{3}(?:\s.*)?|[A-Z]+\s+\S+\s+HTTP/\d(?:\.\d)?")


class NotificationInputError(ValueError):
    """`--headers` or `--body` cannot be read as a notification's headers or body (exit 2: nothing was checked)."""


def read_input(source: str, flag: str, limit: int) -> bytes:
    """The bytes of `source` (a file name, or `-` for standard input), at most `limit` of them."""
    if source != "-" and not may_show(source, PATH, MAX_PATH_SHOWN):
        # Its name is quoted in every message about it: one that could be a key pasted here is never opened.
        raise NotificationInputError(f"{flag} expects a file name or -; got {shown(source, PATH)}")
    where = "standard input" if source == "-" else f"the {flag} file {source}"
    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as file:
                data = file.read(limit + 1)
    except OSError as exc:
        raise NotificationInputError(f"cannot read {where}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise NotificationInputError(f"{where} holds more than {limit} bytes: it is not a notification's {flag[2:]}")
    return data


def read_body(source: str) -> bytes:
    """The notification's body: the raw bytes of `source`, nothing added or removed."""
    return read_input(source, "--body", DEFAULT_MAX_BODY_BYTES)


def read_headers(source: str) -> dict[str, str]:
    """The notification's headers, from the dump in `source` (see the module's rules)."""
    data = read_input(source, "--headers", MAX_HEADERS_BYTES)
    return parse_headers(data.removeprefix(_BOM).decode("iso-8859-1"))


def _line(text: str) -> str:
    """A line of the file as a message may quote it: short and without control characters, else described."""
    return repr(text) if may_show(text, WORD, 80) else shown(text, re.compile(r"(?!)"))


def parse_headers(text: str) -> dict[str, str]:
    """`Name: value` lines (see the module's rules) as a mapping; `NotificationInputError` names the line at fault."""
    lines = _LINE_END.split(text)
    first = next((number for number, line in enumerate(lines) if line.strip()), len(lines))
    if first < len(lines) and _START_LINE.fullmatch(lines[first].strip()):
        first += 1
    fields: dict[str, str] = {}
    spelled: dict[str, str] = {}  # folded name -> the spelling of its first line
    last: str | None = None
    for number in range(first, len(lines)):
        line = lines[number]
        if not line.strip():
            extra = next((index for index in range(number, len(lines)) if lines[index].strip()), None)
            if extra is not None:
                raise NotificationInputError(
                    f"the --headers file goes on after the blank line that ends the headers (line {extra + 1}): "
                    "give the headers of one request there, and its body in --body"
                )
            break
        if line[0] in " \t":
            if last is None:
                raise NotificationInputError(f"line {number + 1} of the --headers file continues no header")
            fields[last] = f"{fields[last]} {line.strip(_BLANK)}"
            continue
        if line.startswith(":"):  # an HTTP/2 pseudo-header (`:method`, `:authority`): not a header field
            continue
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.fullmatch(name):
            raise NotificationInputError(
                f"line {number + 1} of the --headers file is not a 'Name: value' header line: {_line(line)}"
            )
        value = value.strip(_BLANK)
        last = spelled.setdefault(name.lower(), name)
        fields[last] = f"{fields[last]}, {value}" if last in fields else value
    if not fields:
        raise NotificationInputError(
            "the --headers file holds no header line: give the notification's headers as received, one "
            "'Name: value' per line (Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature, Wechatpay-Serial)"
        )
    return fields
