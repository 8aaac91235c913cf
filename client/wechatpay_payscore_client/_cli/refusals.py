"""Why `notification verify` refused a notification: the one table from error to step, exit status and what to check.

Each row is one failure class: the typed error of the step of the checklist that refused it (`wechatpay_auth`: the
four `Wechatpay-*` headers, the ±300 s timestamp, the key named by `Wechatpay-Serial`, the RSA signature over the raw
body, the envelope, the AEAD decryption; `parse_event`: the resource against the contract), or what kept the check
from starting (the files, the configuration). `refusal_for()` reads the first row an error matches, most specific
first: every failure of the command goes through it, and its exit status, its word for scripts and its advice come
from that row alone. The advice is what the failure usually means in the field (users' reports: a probe answered
as if it were an attack, a body re-serialized by a framework, an APIv3 key reset on the merchant platform and not
here, a Wechatpay-Serial from a key migration), in the operator's terms: the settings as they were set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any

import attrs
from wechatpay_auth import (
    MAX_SKEW_SECONDS,
    SCHEMA,
    ClockSkewError,
    ConfigurationError,
    DecryptionError,
    InvalidSignatureError,
    MalformedNotificationError,
    MalformedSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    UnknownSerialError,
    UnsupportedAlgorithmError,
    header,
    is_public_key_id,
)

from .._options import option_named
from .dump import NotificationInputError
from .exits import ExitCode

__all__ = [
    "NOTIFICATION_EXIT_STATUS",
    "REFUSALS",
    "Evidence",
    "MissingApiV3KeyError",
    "NotificationExit",
    "Refusal",
    "refusal_for",
]


class NotificationExit(IntEnum):
    """The exit status of `notification verify`: 0, 2 and 130 as for every command; 20-29 one per refusing step."""

    VERIFIED = 0
    UNEXPECTED = 1  # an error no row names (a bug): as Python's own status for an uncaught exception
    INVALID_INPUT = ExitCode.INVALID_INPUT  # the files or the configuration: nothing was checked
    MISSING_HEADER = 20
    CLOCK_SKEW = 21
    UNKNOWN_SERIAL = 22
    PROBE = 23
    SIGNATURE_TYPE = 24
    MALFORMED_SIGNATURE = 25
    SIGNATURE_MISMATCH = 26
    MALFORMED_BODY = 27
    UNSUPPORTED_ALGORITHM = 28
    DECRYPTION_FAILED = 29
    INTERRUPTED = ExitCode.INTERRUPTED


class MissingApiV3KeyError(ConfigurationError):
    """No APIv3 key is configured: a notification's resource cannot be decrypted without it."""


@attrs.frozen
class Evidence:
    """What the advice may draw on: the headers as read, the body's bytes, the names of the settings as the operator
    set them, and whether the same headers would verify over other bytes (None until WeChat Pay's keys are loaded)."""

    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes = b""
    name_for: Callable[[str], str] = lambda name: option_named(name).env
    verifies: Callable[[bytes], bool] | None = None


Advice = Callable[[Any, Evidence], str]


def _always(error: BaseException, evidence: Evidence) -> bool:
    return True


@attrs.frozen
class Refusal:
    """One failure class: the error it is, the step it stopped at, its exit status and word, and what to check."""

    error: type[BaseException]
    outcome: str  # the word for scripts (`--json` "outcome"): one per row
    exit: NotificationExit
    step: str  # where the check stopped: a step of the checklist, or "input" / "configuration" before it
    meaning: str  # one line, for the exit status list (--help, README)
    advice: Advice
    applies: Callable[[BaseException, Evidence], bool] = _always


# --- the advice of each row: what the failure usually means, in the operator's terms ------------------------------


def _apiv3_key_settings(evidence: Evidence) -> str:
    return (
        f"{option_named('apiv3_key').env}, apiv3_key in the --config file, or --apiv3-key-file FILE "
        f"({option_named('apiv3_key_file').env})"
    )


def _missing_apiv3_key(error: MissingApiV3KeyError, evidence: Evidence) -> str:
    return (
        f"set the APIv3 key, the 32 characters set on the merchant platform (账户中心 > API安全 > APIv3密钥): "
        f"{_apiv3_key_settings(evidence)}"
    )


def _configuration(error: ConfigurationError, evidence: Evidence) -> str:
    return "fix the setting the message names (a flag, a WECHATPAY_* variable, or a key of the --config file)"


def _input(error: NotificationInputError, evidence: Evidence) -> str:
    return (
        "give --headers the request's header lines as received (a proxy's dump, or curl -D: a status line, CRLF "
        "and blank lines are fine) and --body its body's raw bytes, each a file or - (one of them)"
    )


def _missing_header(error: MissingSignatureHeadersError, evidence: Evidence) -> str:
    return (
        "WeChat Pay signs every notification with Wechatpay-Timestamp (Unix seconds), Wechatpay-Nonce, "
        "Wechatpay-Signature and Wechatpay-Serial: if the request had them, the dump lost some (a proxy that logs "
        "only some headers, a header renamed on the way); if it had none, it was not sent by WeChat Pay"
    )


def _clock_skew(error: ClockSkewError, evidence: Evidence) -> str:
    late = "behind" if error.skew < 0 else "ahead of"
    return (
        f"the notification's time is {abs(error.skew):.0f} s {late} this host's clock (the limit is "
        f"{MAX_SKEW_SECONDS} s either way): check the host clock (NTP, the time zone does not matter: Unix seconds); "
        "a dump saved earlier and verified now is stale by design, so verify a dump within 5 minutes of its delivery"
    )


def _key_kind(serial: str) -> str:
    return "a WeChat Pay public key id" if is_public_key_id(serial) else "a platform certificate serial"


def _unknown_serial(error: UnknownSerialError, evidence: Evidence) -> str:
    configured = ", ".join(f"{serial} ({_key_kind(serial)})" for serial in error.known_serials) or "none"
    received = error.serial or ""
    if is_public_key_id(received):
        fix = (
            f"set {evidence.name_for('public_key_id')} to it and {evidence.name_for('public_key')} to that public key "
            "(merchant platform > API安全 > 微信支付公钥): WeChat Pay signs with its public key after a migration"
        )
    else:
        fix = (
            f"add that platform certificate to {evidence.name_for('platform_certificates')} (a certificate rotation), "
            "keeping the current one until no notification is signed with it"
        )
    return f"the notification names {received!r}, {_key_kind(received)}; configured: {configured}: {fix}"


def _probe(error: ProbeSignatureError, evidence: Evidence) -> str:
    return (
        "a WeChat Pay signature probe (WECHATPAY/SIGNTEST/): WeChat Pay sends these on purpose to check that "
        "notifications are verified, and expects this refusal (a 4xx or 5xx answer); nothing to fix, the real "
        "notification comes again correctly signed"
    )


def _signature_type(error: InvalidSignatureError, evidence: Evidence) -> str:
    return (
        f"Wechatpay-Signature-Type is {header(evidence.headers, 'Wechatpay-Signature-Type')!r}, not {SCHEMA}: "
        "a merchant account switched to 国密 (SM2) signatures, which this client does not verify, or the header "
        "was altered on the way"
    )


def _malformed_signature(error: MalformedSignatureError, evidence: Evidence) -> str:
    return (
        "Wechatpay-Signature is not one Base64 value (344 characters for RSA-2048): it was cut, wrapped or quoted "
        "when the dump was made (check the whole line), or the request was not signed by WeChat Pay"
    )


def _without_line_ends(body: bytes) -> bytes:
    return body.rstrip(b"\r\n")


def _compact_json(body: bytes) -> bytes:
    # WeChat Pay sends compact UTF-8 JSON; json keeps the keys' order, so this undoes spacing and \\u escapes.
    document = json.loads(body.decode("utf-8"))
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Bodies changed in the usual ways, each undone to see whether the signature then verifies (only to say what
# happened: a body that verifies only once undone is still refused). Most specific first.
_UNDONE: tuple[tuple[str, Callable[[bytes], bytes]], ...] = (
    ("without the line end(s) at its end: the file gained them (an editor, echo, a paste)", _without_line_ends),
    (
        "once written back as compact JSON: it was re-serialized on the way (a framework that parsed and dumped it, "
        "a proxy or logger that pretty-printed it or escaped its Chinese text)",
        _compact_json,
    ),
)


def _undone(evidence: Evidence) -> str | None:
    """How the body was changed, when undoing a usual change makes the signature verify; None otherwise."""
    if evidence.verifies is None:
        return None
    for what, undo in _UNDONE:
        try:
            candidate = undo(evidence.body)
        except (ValueError, RecursionError):  # not JSON in UTF-8: nothing to undo that way
            continue
        if candidate != evidence.body and evidence.verifies(candidate):
            return what
    return None


def _signature_mismatch(error: InvalidSignatureError, evidence: Evidence) -> str:
    found = _undone(evidence)
    if found is not None:
        return (
            f"the body file is not the bytes WeChat Pay signed, but it verifies {found}; the notification as "
            "WeChat Pay sent it is fine: verify (and let your endpoint read) the raw body, byte for byte"
        )
    key = error.serial or "the key"
    public = is_public_key_id(error.serial or "")
    where = evidence.name_for("public_key" if public else "platform_certificates")
    return (
        "the body is not byte for byte what WeChat Pay signed, or the key is not the one that signed it: take the "
        "raw request body (not JSON re-serialized by a proxy or framework, no line end added, no re-encoding) and "
        f"the headers of the same request; check that {key} is WeChat Pay's key as the merchant platform shows it "
        f"({where}), not the merchant's own or another account's"
    )


def _malformed_body(error: MalformedNotificationError, evidence: Evidence) -> str:
    # The envelope is read, and the resource decrypted and typed, only once the signature verified.
    return (
        f"the signature verified, so these are WeChat Pay's own bytes, yet {error.field or 'the body'} is not what "
        "a notification of this event carries (the message says how): keep the headers and the body and report "
        "them, with the Request-ID, to WeChat Pay support; an endpoint refuses it (4xx/5xx) and it comes again"
    )


def _unsupported_algorithm(error: UnsupportedAlgorithmError, evidence: Evidence) -> str:
    return (
        "resource.algorithm names an AEAD this client cannot run here: AEAD_AES_256_GCM is the usual one, "
        "AEAD_SM4_GCM (国密) needs an OpenSSL with SM3 and SM4-GCM (the official cryptography wheels have both)"
    )


def _decryption_failed(error: DecryptionError, evidence: Evidence) -> str:
    return (
        "the signature verified, so the body is WeChat Pay's: most often the APIv3 key here is not the one set on "
        "the merchant platform (it was reset there, 账户中心 > API安全 > APIv3密钥, and not updated here: "
        f"{_apiv3_key_settings(evidence)}); otherwise resource.ciphertext was altered or cut short before the body "
        "was signed"
    )


def _interrupted(error: KeyboardInterrupt, evidence: Evidence) -> str:
    return "nothing was changed: run the same command again"


def _unexpected(error: BaseException, evidence: Evidence) -> str:
    return "an error this command does not know: report it with this message (not the files: they hold user data)"


def _other_signature_type(error: BaseException, evidence: Evidence) -> bool:
    return header(evidence.headers, "Wechatpay-Signature-Type") not in (None, SCHEMA)


# Most specific first: the first row whose class the error is an instance of (and that `applies`) decides.
REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        MissingApiV3KeyError,
        "missing_apiv3_key",
        NotificationExit.INVALID_INPUT,
        "configuration",
        "no APIv3 key configured",
        _missing_apiv3_key,
    ),
    Refusal(
        ConfigurationError,
        "invalid_configuration",
        NotificationExit.INVALID_INPUT,
        "configuration",
        "invalid configuration",
        _configuration,
    ),
    Refusal(
        NotificationInputError,
        "invalid_input",
        NotificationExit.INVALID_INPUT,
        "input",
        "the --headers or --body file cannot be read as a notification's",
        _input,
    ),
    Refusal(
        MissingSignatureHeadersError,
        "missing_header",
        NotificationExit.MISSING_HEADER,
        "headers",
        "a Wechatpay-* signature header is missing or malformed",
        _missing_header,
    ),
    Refusal(
        ClockSkewError,
        "clock_skew",
        NotificationExit.CLOCK_SKEW,
        "timestamp",
        f"Wechatpay-Timestamp is more than {MAX_SKEW_SECONDS} s from this host's clock: check the clock",
        _clock_skew,
    ),
    Refusal(
        UnknownSerialError,
        "unknown_serial",
        NotificationExit.UNKNOWN_SERIAL,
        "serial",
        "Wechatpay-Serial names no configured WeChat Pay key (public key id or certificate serial)",
        _unknown_serial,
    ),
    Refusal(
        ProbeSignatureError,
        "probe",
        NotificationExit.PROBE,
        "signature",
        "a WeChat Pay signature probe (WECHATPAY/SIGNTEST/), refused as WeChat Pay expects: nothing to fix",
        _probe,
    ),
    Refusal(
        MalformedSignatureError,
        "malformed_signature",
        NotificationExit.MALFORMED_SIGNATURE,
        "signature",
        "Wechatpay-Signature is not strict Base64 (cut or altered)",
        _malformed_signature,
    ),
    Refusal(
        InvalidSignatureError,
        "unsupported_signature_type",
        NotificationExit.SIGNATURE_TYPE,
        "signature",
        f"Wechatpay-Signature-Type is not {SCHEMA}",
        _signature_type,
        applies=_other_signature_type,
    ),
    Refusal(
        InvalidSignatureError,
        "signature_mismatch",
        NotificationExit.SIGNATURE_MISMATCH,
        "signature",
        "the signature does not verify: the body was altered (re-serialized, a line end added) or the key is wrong",
        _signature_mismatch,
    ),
    Refusal(
        MalformedNotificationError,
        "malformed_body",
        NotificationExit.MALFORMED_BODY,
        "body",
        "the body (envelope or decrypted resource) is not a notification's",
        _malformed_body,
    ),
    Refusal(
        UnsupportedAlgorithmError,
        "unsupported_algorithm",
        NotificationExit.UNSUPPORTED_ALGORITHM,
        "decryption",
        "resource.algorithm is not one this client decrypts here",
        _unsupported_algorithm,
    ),
    Refusal(
        DecryptionError,
        "decryption_failed",
        NotificationExit.DECRYPTION_FAILED,
        "decryption",
        "the resource does not decrypt: a wrong APIv3 key (reset on the merchant platform?) or an altered ciphertext",
        _decryption_failed,
    ),
    Refusal(
        KeyboardInterrupt,
        "interrupted",
        NotificationExit.INTERRUPTED,
        "interrupted",
        "interrupted (Ctrl-C): nothing was changed",
        _interrupted,
    ),
    Refusal(
        BaseException,
        "unexpected_error",
        NotificationExit.UNEXPECTED,
        "unexpected",
        "an unexpected error (a bug: report it)",
        _unexpected,
    ),
)


def refusal_for(error: BaseException, evidence: Evidence) -> tuple[Refusal, str]:
    """The row `error` falls in, and its advice for this failure (see the module's rule)."""
    row = next(row for row in REFUSALS if isinstance(error, row.error) and row.applies(error, evidence))
    return row, row.advice(error, evidence)


def _exit_status() -> str:
    lines = ["exit status (notification verify):", "  0  verified, decrypted and read as a typed event"]
    for code in sorted({row.exit for row in REFUSALS}):
        meanings = "; ".join(dict.fromkeys(row.meaning for row in REFUSALS if row.exit is code))
        lines.append(f"  {int(code):<2} {meanings}")
    return "\n".join(lines) + "\n"


NOTIFICATION_EXIT_STATUS = _exit_status()
