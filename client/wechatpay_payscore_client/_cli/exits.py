"""What the process exit status tells a script, and the one table that says which failure is which status.

Every command reads its failure through `exit_code_for()`: the same exception means the same status whichever
command raised it; no command has a branch of its own.
"""

from __future__ import annotations

from enum import IntEnum

from wechatpay_auth import ConfigurationError

from .._errors import (
    AlreadyAppliedError,
    AlreadyThereError,
    APIConnectionError,
    BadRequestError,
    EndpointNotFoundError,
    NotAppliedError,
    OrderAlreadyCancelledError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    RequestValidationError,
    ServerError,
    SignatureRejectedError,
    WechatPayAPIError,
)

__all__ = ["EXIT_CODES", "EXIT_STATUS", "ExitCode", "UsageError", "exit_code_for", "outcome_word"]


class UsageError(Exception):
    """A command line that argparse refused; reported like every other failure (exit 2)."""


class ExitCode(IntEnum):
    """What the process exit status tells a script; the same for every command."""

    APPLIED = 0  # applied now (a change), or the answer was read and verified (a query)
    INVALID_INPUT = 2  # bad arguments, configuration or request fields; nothing was sent
    API_REJECTED = 3  # WeChat Pay refused (state, parameters, permission, rate limit; no such order)
    SIGNATURE_FAILURE = 4  # WeChat Pay rejected our signature (401 SIGN_ERROR): keys or serial misconfigured
    OUTCOME_UNKNOWN = 5  # sent, and what it did could not be established (the reconciling query failed too)
    UNREACHABLE = 6  # WeChat Pay could not be reached; nothing was sent; safe to retry
    NOT_APPLIED = 7  # a query proved the call was not applied (the order is where it was): safe to run again
    ALREADY_APPLIED = 10  # applied by an attempt of this command whose answer was lost, confirmed (query or memory)
    ALREADY_THERE = 11  # the order was already where the call would put it, before this command or by other means
    INTERRUPTED = 130  # Ctrl-C: a request under way may have been applied
    # The names `sync` has always had: the same statuses.
    SYNCED = 0
    ALREADY_SYNCED = 10
    ALREADY_DONE = 11


# Most specific first: the first class an error is an instance of decides. `AlreadySyncedError` is both an
# `AlreadyAppliedError` and an `OrderAlreadyDoneError`: our own lost sync did it, so 10 comes first. `ServerError`
# is a `WechatPayAPIError` too, but a 5xx leaves the outcome unknown, so it comes before the refusals.
EXIT_CODES: dict[type[BaseException], ExitCode] = {
    AlreadyAppliedError: ExitCode.ALREADY_APPLIED,
    OrderAlreadyDoneError: ExitCode.ALREADY_THERE,
    OrderAlreadyCancelledError: ExitCode.ALREADY_THERE,
    AlreadyThereError: ExitCode.ALREADY_THERE,
    NotAppliedError: ExitCode.NOT_APPLIED,
    UsageError: ExitCode.INVALID_INPUT,
    RequestValidationError: ExitCode.INVALID_INPUT,
    ConfigurationError: ExitCode.INVALID_INPUT,
    SignatureRejectedError: ExitCode.SIGNATURE_FAILURE,
    ServerError: ExitCode.OUTCOME_UNKNOWN,
    OutcomeUnknownError: ExitCode.OUTCOME_UNKNOWN,
    APIConnectionError: ExitCode.UNREACHABLE,
    OrderStateError: ExitCode.API_REJECTED,
    BadRequestError: ExitCode.API_REJECTED,
    PermissionDeniedError: ExitCode.API_REJECTED,
    OrderNotFoundError: ExitCode.API_REJECTED,
    RateLimitedError: ExitCode.API_REJECTED,
    EndpointNotFoundError: ExitCode.API_REJECTED,
    WechatPayAPIError: ExitCode.API_REJECTED,
    KeyboardInterrupt: ExitCode.INTERRUPTED,
}

# Statuses that say where the order is, proven: an earlier lost attempt does not make them doubtful.
_DEFINITIVE = frozenset({ExitCode.ALREADY_APPLIED, ExitCode.ALREADY_THERE, ExitCode.NOT_APPLIED})


def exit_code_for(error: BaseException, *, sent: bool = False) -> ExitCode:
    """The exit status of a failure: the first row of `EXIT_CODES` it matches, then two rules on top.

    A refusal whose `outcome_unknown` is set followed an attempt whose answer was lost, so it proves nothing about
    that attempt: unknown (5). And "nothing was sent" (2) is never reported once a request of the command left
    (`sent`): whatever refused the command after that, the outcome is unknown. Anything the table does not know
    is unknown too: a request may have been under way.
    """
    code = next((code for cls, code in EXIT_CODES.items() if isinstance(error, cls)), ExitCode.OUTCOME_UNKNOWN)
    if code in _DEFINITIVE or code is ExitCode.INTERRUPTED:
        return code
    if getattr(error, "outcome_unknown", False) is True or (sent and code is ExitCode.INVALID_INPUT):
        return ExitCode.OUTCOME_UNKNOWN
    return code


_WORDS = {
    ExitCode.APPLIED: "applied",
    ExitCode.INVALID_INPUT: "invalid",
    ExitCode.API_REJECTED: "refused",
    ExitCode.SIGNATURE_FAILURE: "signature_rejected",
    ExitCode.OUTCOME_UNKNOWN: "unknown",
    ExitCode.UNREACHABLE: "unreachable",
    ExitCode.NOT_APPLIED: "not_applied",
    ExitCode.ALREADY_APPLIED: "already_applied",
    ExitCode.ALREADY_THERE: "already_there",
    ExitCode.INTERRUPTED: "interrupted",
}


def outcome_word(code: ExitCode, *, changes_order: bool) -> str:
    """The report's `outcome`: one word per exit status (`found` for a query's 0, which applies nothing)."""
    if code is ExitCode.APPLIED and not changes_order:
        return "found"
    return _WORDS[code]


EXIT_STATUS = """\
exit status (the same for every command):
  0  applied (create, complete, modify, cancel, register-deduction, sync); the answer was read (query, deduction)
  2  invalid arguments, configuration or request fields: nothing was sent
  3  refused by WeChat Pay (order state, parameters, permission, rate limit, no such order)
  4  WeChat Pay rejected the request's signature (401 SIGN_ERROR): check the serial number and private key
  5  outcome unknown: the request was sent, its answer was lost or could not be verified, and the query that
     should settle it could not be completed either (or --no-reconcile): query the order before any retry;
     for query and deduction: no answer that could be verified
  6  WeChat Pay could not be reached: nothing was sent, safe to retry
  7  a query proved the call was not applied (the order is where it was): safe to run the command again
  10 applied by this command: an attempt whose answer was lost did it, and the query (or the client's memory)
     confirms it
  11 the order was already where the command would put it, before this command or by other means: the report
     shows what the query showed
  130 interrupted (Ctrl-C): a request under way may have been applied; see the advice in the report
With --json the report is one JSON object on standard output, whatever the outcome; only a command line or a
merchant configuration that is refused before the command starts is reported on standard error (exit 2).
"""
