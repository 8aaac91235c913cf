"""The call pipeline of a ready client, composed in one place and read top to bottom.

    validate  → the contract's rules (schema, `x-rules`, and the framing headers made the client's own); a call
                that reconciles must also carry what its evidence query needs; nothing is sent otherwise
    sign      → WECHATPAY2-SHA256-RSA2048 over what goes on the wire, afresh for every attempt
    send      → one attempt on the wire, bounded in time and size (`_network`); retries per `RetryPolicy`
    verify    → the answer's signature checklist (`wechatpay_auth`), before anything reads the answer
    decide    → what the answer means (`_outcome.meaning`): success, or exactly one error class
    reconcile → when asked, an unknown outcome is settled as the operation's `x-outcome` says: by re-sending the
                identical body where WeChat Pay declares it re-entrant, else by a verified query read with the
                contract's verdict rows (`_verdicts.judge`), re-sending only what the query proved not applied

Every operation goes through the same steps; what differs between them is data the contract declares
(`x-outcome`, `x-rules`), never a branch here. The flow is a generator, like an httpx `auth_flow`: it yields
`Send` and `Wait` actions and is driven by a sync or an async driver (`_drivers`), so both share every decision,
and a test can drive it by hand. The only state the layers share is the request-scoped `CallRecord` (attempts,
which were sent, which answers were lost) and the client's `OrderMemory` (orders in doubt), which is written
before each attempt leaves. The pipeline never holds an httpx client: it is handed requests and gives back flows.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import quote, unquote

import attrs
import httpx
from wechatpay_auth import ResponseVerificationError, Verification, WechatPayAuth, WechatPayError

from . import _messages
from ._contract import Contract, Operation
from ._errors import (
    APITimeoutError,
    Attempt,
    NotAppliedError,
    OrderNotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ReconciliationError,
    RequestValidationError,
    UnexpectedResponseError,
    UnverifiedResponseError,
    ValidationProblem,
    WechatPayAPIError,
)
from ._memory import OrderMemory
from ._network import AnswerRefused
from ._outcome import Facts, History, Meaning, meaning, parse_retry_after, reconciled, retry_delay
from ._paid_time import DEFAULT_CLOCK_TOLERANCE_S, latest_paid_time
from ._retry import ReconcilePolicy, RetryPolicy
from ._validation import RequestValidator
from ._verdicts import (
    EvidenceRule,
    OutcomeRule,
    Reconciliation,
    UnknownStateError,
    Verdict,
    evidence_parameters,
    judge,
    mismatch,
    order_number,
    tokens_get,
)

__all__ = ["CallRecord", "Failed", "Pipeline", "Send", "Sent", "Wait"]

logger = logging.getLogger("wechatpay_payscore_client")

T = TypeVar("T")

# How the message names the answer's signature, by what verification found.
_SIGNATURE = {"signed": "verified", "unsigned": "absent", "unverifiable": "failed"}


# -- actions a flow asks its driver for, and what the driver hands back -------------------------------------------


@attrs.frozen
class Send:
    """Put `request` on the wire and read its answer, all by `deadline` (time.monotonic seconds)."""

    request: httpx.Request
    deadline: float
    bound: Literal["attempt", "total"]


@attrs.frozen
class Wait:
    seconds: float


@attrs.frozen
class Sent:
    response: httpx.Response
    hostile_framing: bool = False


@attrs.frozen
class Failed:
    error: Exception


Action = Send | Wait
Result = Sent | Failed | None
Flow = Generator[Action, Result, T]

# Nothing left this machine: the order is unchanged.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError, httpx.UnsupportedProtocol)


@attrs.define
class CallRecord:
    """The request-scoped record of one call: its attempts, which were sent, which answers were lost."""

    method: str
    path: str
    started: float
    operation: str  # the contract's operationId
    rule: OutcomeRule | None  # what the answer means (None: the operation changes nothing)
    order: str | None  # the number of the order this call changes (None for a query)
    remembered: bool  # the client remembered this operation of this order as in doubt when the call began
    body: Any = None  # the parsed JSON body, as validated
    path_values: Mapping[str, str] = attrs.field(factory=dict)
    attempts: list[Attempt] = attrs.field(factory=list)
    # Attempts before this index were settled by a verified query (it proved them not applied).
    settled_until: int = 0
    unknown_since_settled: int = 0
    begun: bool = False  # counted in flight in the client's memory
    known: bool = False  # the call's end leaves no doubt about what it did
    settled: bool = False  # the call's end shows its effect there (or the order where the call would put it)
    proof: Reconciliation | None = None  # the verified query that proved the call not applied, when one did

    @property
    def in_doubt(self) -> bool:
        """An attempt of this call was sent and what it did is unknown."""
        return self.unknown_since_settled > 0

    def add(self, attempt: Attempt) -> None:
        self.attempts.append(attempt)
        if attempt.outcome == "unknown":
            self.unknown_since_settled += 1

    def settle_attempts(self) -> None:
        """A verified query proved every attempt so far not applied."""
        self.settled_until = len(self.attempts)
        self.unknown_since_settled = 0

    def history(self) -> History:
        rule = self.rule
        return History(
            earlier_in_doubt=self.in_doubt,
            remembered=self.remembered,
            changes_state=rule is not None,
            already_there=rule.already_there if rule is not None else frozenset(),
            resend_safe=rule is not None and rule.resend_safe,
        )


# -- the pipeline ----------------------------------------------------------------------------------------------------


@attrs.frozen
class Pipeline:
    """Everything a call goes through; built once per client by `create_client()`."""

    signer: WechatPayAuth
    contract: Contract
    validator: RequestValidator
    policy: RetryPolicy
    reconcile_policy: ReconcilePolicy | None  # None: unknown outcomes are reported, not reconciled
    memory: OrderMemory
    base_url: httpx.URL
    backup_base_url: httpx.URL | None
    max_response_bytes: int
    raise_on_api_error: bool
    request_hooks: tuple[Callable[[httpx.Request], None], ...] = ()
    response_hooks: tuple[Callable[[httpx.Response], None], ...] = ()
    clock: Callable[[], float] = time.time  # Unix seconds: paid_time checks
    monotonic: Callable[[], float] = time.monotonic  # budgets of retries and reconciliation
    rng: Callable[[], float] = random.random
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] | None = None
    paid_time_tolerance: float = DEFAULT_CLOCK_TOLERANCE_S
    # (whole second, latest paid_time accepted then): the cache of `_latest_paid_time`.
    _paid_time_limit: list[Any] = attrs.field(factory=lambda: [None, ""], repr=False, eq=False, alias="paid_time_limit")

    # -- 1. validate ---------------------------------------------------------------------------------------------

    def validate(self, request: httpx.Request, *, reconciles: bool = False) -> tuple[Operation, Any, dict[str, str]]:
        """The contract's rules, and framing that is the client's alone; raises `RequestValidationError`.

        Returns the operation, the parsed body and the decoded path parameters. `reconciles`: the call may have to
        be settled by its evidence query, so the values that query needs must be in the call (checked here, before
        anything is sent, rather than found missing after a lost answer).
        """
        operation, body, path_values, _ = self._validate(request, reconciles=reconciles)
        return operation, body, path_values

    def _validate(self, request: httpx.Request, *, reconciles: bool) -> tuple[Operation, Any, dict[str, str], str]:
        """`validate`, also returning the raw target (path and query as sent), which the call record keeps."""
        _own_framing(request)
        raw_target = request.url.raw_path.decode("ascii")
        operation, body, raw_values = self.validator.validate_call(request.method, raw_target, request.content)
        path_values = {name: unquote(value) if "%" in value else value for name, value in raw_values.items()}
        for pointer, tokens in zip(operation.paid_time_fields, operation.paid_time_tokens, strict=True):
            paid_time = tokens_get(body, tokens)
            if isinstance(paid_time, str):
                self._check_paid_time(request, raw_target, pointer, paid_time)
        rule = operation.outcome
        if reconciles and rule is not None and rule.evidence is not None:
            self._check_reconcilable(request, raw_target, operation, rule.evidence, body, path_values)
        return operation, body, path_values, raw_target

    def _latest_paid_time(self) -> str:
        # Recomputed once a second: the rule is checked on every sync, and formatting a date costs more than it.
        second = int(self.clock())
        cached_second, latest = self._paid_time_limit  # one snapshot of both
        if cached_second != second:
            latest = latest_paid_time(second, self.paid_time_tolerance)
            self._paid_time_limit[:] = [second, latest]
        return str(latest)

    def _check_paid_time(self, request: httpx.Request, raw_target: str, pointer: str, paid_time: str) -> None:
        """Protocol rule (documented): a payment cannot be later than its report, beyond the clock tolerance."""
        # The rule of `paid_time_not_in_future`, against a limit computed once a second.
        if (paid_time if len(paid_time) == 14 else paid_time + "000000") > self._latest_paid_time():
            problem = ValidationProblem(
                location="body",
                field=pointer,
                value=paid_time,
                rule=f"not after the call (now + {self.paid_time_tolerance:g} s)",
                message="a payment cannot have happened after it is reported: the time is in the future",
            )
            raise RequestValidationError([problem], method=request.method, path=raw_target)

    def _check_reconcilable(  # noqa: PLR0917 - the call's parts, each needed for the message
        self,
        request: httpx.Request,
        raw_target: str,
        operation: Operation,
        evidence: EvidenceRule,
        body: Any,
        path_values: Mapping[str, str],
    ) -> None:
        """A call that reconciles must carry every value its evidence query requires (`x-outcome.evidence`)."""
        _, missing = evidence_parameters(evidence, body, path_values)
        if not missing:
            return
        query = self.contract.operation(evidence.operation)
        required = {p.name for p in query.parameters if p.required}
        sources = dict(evidence.parameters)
        problems = [
            ValidationProblem(
                location="body",
                field=sources[name],
                value=None,
                rule=f"x-outcome evidence: {evidence.operation} requires {name}",
                message=(
                    f"missing: an unknown outcome of {operation.operation_id} is settled by querying with "
                    f"{evidence.operation}, which requires {name}; send it (or call without reconciliation)"
                ),
            )
            for name in missing
            if name in required
        ]
        if problems:
            raise RequestValidationError(problems, method=request.method, path=raw_target)

    # -- 2. sign -------------------------------------------------------------------------------------------------

    def sign(self, request: httpx.Request) -> None:
        self.signer.sign_request(request)
        for hook in self.request_hooks:
            hook(request)

    # -- 3. send: a `Send` action, carried out by the driver (`_network`) ------------------------------------------

    def _send(self, request: httpx.Request, record: CallRecord) -> Send:
        timeout = request.extensions.get("timeout") or {}
        parts = [part for part in timeout.values() if part]
        attempt = max(parts) if parts else self.policy.total_timeout
        remaining = self.policy.total_timeout - (self.monotonic() - record.started)
        bound: Literal["attempt", "total"] = "attempt" if attempt <= remaining else "total"
        return Send(request, time.monotonic() + max(0.0, min(attempt, remaining)), bound)

    # -- 4. verify -----------------------------------------------------------------------------------------------

    def verify(self, operation: Operation, response: httpx.Response) -> tuple[Facts, ResponseVerificationError | None]:
        """Run the signature checklist; the facts `decide` needs. Only a signed answer's `code` is kept."""
        facts, error, _ = self._verify(operation, response)
        return facts, error

    def _verify(
        self, operation: Operation, response: httpx.Response
    ) -> tuple[Facts, ResponseVerificationError | None, Verification | None]:
        """`verify`, also returning what the checklist established (None when it failed)."""
        status = response.status_code
        declared = status in operation.statuses
        try:
            verification = self.signer.verify_response(response)
        except ResponseVerificationError as exc:
            return Facts("unverifiable", status=status, declared=declared), exc, None
        for hook in self.response_hooks:
            hook(response)
        if not verification.verified:
            return Facts("unsigned", status=status, declared=declared), None, verification
        success = status in operation.success_statuses
        body_schema = operation.success_bodies.get(status) if success else None
        if body_schema is not None and not _conforms(body_schema, response.content):
            # Signed, but not the declared success: an answer the generated parser cannot read, or another shape.
            return Facts("signed", status=status, declared=False), None, verification
        code = None if success else _json(response.content).get("code")
        return (
            Facts(
                "signed",
                status=status,
                code=code if isinstance(code, str) else None,
                declared=declared,
                success=success,
            ),
            None,
            verification,
        )

    # -- the call, top to bottom ---------------------------------------------------------------------------------
    # -- the call, top to bottom ---------------------------------------------------------------------------------

    def call(self, request: httpx.Request, *, reconcile: bool = True) -> Flow[httpx.Response]:
        """One call: validate, then sign → send → verify → decide per attempt, then reconcile a doubt if asked."""
        reconciles = reconcile and self.reconcile_policy is not None
        operation, body, path_values, raw_target = self._validate(request, reconciles=reconciles)
        rule = operation.outcome
        order = order_number(rule, body, path_values) if rule is not None else None
        record = CallRecord(
            method=request.method,
            path=raw_target,
            started=self.monotonic(),
            operation=operation.operation_id,
            rule=rule,
            order=order,
            remembered=order is not None and operation.operation_id in self.memory.in_doubt(order),
            body=body,
            path_values=path_values,
        )
        try:
            return (yield from self._call(request, operation, record, reconcile=reconciles))
        finally:
            # Whatever ended the call (an answer, an error, a cancellation thrown in at a yield), it is counted out.
            if record.order is not None and record.begun:
                self.memory.end(
                    record.order,
                    record.operation,
                    doubt=not record.known,
                    settled=record.settled,
                    ends_order=rule is not None and rule.ends_order,
                )

    def _call(
        self, request: httpx.Request, operation: Operation, record: CallRecord, *, reconcile: bool
    ) -> Flow[httpx.Response]:
        resends = self.reconcile_policy.max_resends if self.reconcile_policy else 0
        rule = operation.outcome
        while True:
            response, verdict, error = yield from self._attempts(request, operation, record)
            if error is None:
                assert response is not None  # noqa: S101 - a success (or a kept refusal) always has its answer
                return response
            if not (reconcile and rule is not None and verdict.reconcilable):
                raise error
            if rule.resend_safe and verdict.in_doubt and resends > 0 and self._within_resend_window(rule, record):
                # 原参重入: WeChat Pay declares the identical body safe to send again; its answer settles the doubt.
                # "请使用相同参数稍后重新调用": a moment later, jittered, so clients that failed together spread out.
                resends -= 1
                delay = self.policy.backoff(len(record.attempts), self.rng)
                logger.info(
                    "WeChat Pay %s %s: outcome unknown; sending the identical body again in %.2f s",
                    *_where(record),
                    delay,
                )
                if delay > 0:
                    yield Wait(delay)
                continue
            if rule.evidence is None:
                raise error
            settled = yield from self._settle(request, operation, record, verdict, error)
            if settled is not None:
                raise settled
            if resends <= 0:
                proof = record.proof
                raise NotAppliedError(
                    _messages.text_for(
                        "NotAppliedError",
                        method=record.method,
                        path=record.path,
                        request_id=proof.request_id if proof else None,
                        signature="verified" if proof else None,
                        reason=f"settled by a verified query: {proof.explanation}" if proof else None,
                        attempts=record.attempts,
                        evidence="query" if proof else None,
                    ),
                    order=proof.order if proof else None,
                    request_id=proof.request_id if proof else None,
                    request=request,
                    attempts=record.attempts,
                )
            resends -= 1
            logger.info("WeChat Pay %s %s: the query proved it was not applied; sending it again", *_where(record))

    def _within_resend_window(self, rule: OutcomeRule, record: CallRecord) -> bool:
        """Re-entry is declared for a time only (a deduction: 24 h); past it, the query decides."""
        return rule.resend_within is None or self.monotonic() - record.started < rule.resend_within

    def _attempts(
        self, request: httpx.Request, operation: Operation, record: CallRecord
    ) -> Flow[tuple[httpx.Response | None, Meaning, WechatPayError | None]]:
        """Attempts until one answer settles the call or the policy says stop; the last verdict and its error."""
        while True:
            if record.attempts:
                self._before_retry(request, record)
            self.sign(request)
            if record.order is not None and not record.begun:
                # Written ahead: whatever ends the call from here on, the order stays in doubt until an answer
                # settles it.
                self.memory.begin(record.order, record.operation)
                record.begun = True
            record.known = False
            send = self._send(request, record)
            result = yield send
            response, facts, cause, reason, request_id = self._facts(operation, send, result)
            verdict = meaning(facts, record.history())
            record.add(self._attempt(record, request, facts, response, reason, request_id=request_id))
            if record.rule is not None and record.rule.resend_safe and facts.kind == "signed" and not verdict.in_doubt:
                # The identical re-send was answered as the order is: it speaks for every earlier attempt too.
                record.settle_attempts()
            record.known = not verdict.in_doubt and not verdict.outcome_unknown and not record.in_doubt
            record.settled = verdict.success or verdict.already_done
            if verdict.success or (
                not self.raise_on_api_error
                and not (verdict.reconcilable and self.reconcile_policy is not None)
                and self._keep_answer(verdict, facts, response)
            ):
                return response, verdict, None
            error = self._error(verdict, facts, record, request=request, response=response, cause=cause, reason=reason)
            retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
            delay = retry_delay(
                verdict,
                attempts_made=len(record.attempts),
                max_attempts=self.policy.max_attempts,
                retry_unknown_outcomes=self.policy.retry_unknown_outcomes and self.reconcile_policy is None,
                changes_state=record.rule is not None,
                remaining=self.policy.total_timeout - (self.monotonic() - record.started),
                backoff=lambda n: self.policy.delay(n, None, self.rng),
                retry_after=min(retry_after, self.policy.max_retry_after) if retry_after is not None else None,
            )
            if delay is None:
                return response, verdict, error
            logger.info(
                "WeChat Pay call %s %s: attempt %d failed (%s); retrying in %.2f s",
                record.method,
                record.path,
                len(record.attempts),
                record.attempts[-1].error or record.attempts[-1].status_code,
                delay,
            )
            yield Wait(delay)

    def _facts(
        self, operation: Operation, send: Send, result: Result
    ) -> tuple[httpx.Response | None, Facts, BaseException | None, str | None, str | None]:
        """What one attempt established: the answer (if any), the facts, the error behind them, a reason, and the
        answer's `Request-ID`."""
        if isinstance(result, Failed):
            error = result.error
            if isinstance(error, _NOT_SENT):
                return None, Facts("not_sent"), error, _described(error), None
            timeout = isinstance(error, httpx.TimeoutException)
            reason = _described(error)
            if timeout and time.monotonic() >= send.deadline:
                limit = "the client's timeout" if send.bound == "attempt" else "the retry policy's total_timeout"
                reason = f"no complete answer within {limit} ({type(error).__name__})"
            elif isinstance(error, AnswerRefused):
                reason = str(error)
            return None, Facts("lost", timeout=timeout), error, reason, None
        assert result is not None  # noqa: S101 - a Send is always answered
        response = result.response
        response.request = send.request  # the answer is checked against what this attempt sent
        facts, verification_error, verification = self._verify(operation, response)
        note = None
        if result.hostile_framing:
            note = "bytes arrived past the end of the answer; its connection was dropped, never reused"
        # The checklist read `Request-ID` from these very headers; a response hook may have changed them since.
        if verification is not None and not self.response_hooks:
            request_id = verification.request_id
        else:
            request_id = _request_id(response)
        return response, facts, verification_error, note, request_id

    def _attempt(
        self,
        record: CallRecord,
        request: httpx.Request,
        facts: Facts,
        response: httpx.Response | None,
        reason: str | None,
        *,
        request_id: str | None,
    ) -> Attempt:
        # The URL is recorded where it can change (a backup host) or where nothing came back, sparing a str() per call.
        backup = self.backup_base_url is not None
        if facts.kind == "not_sent":
            outcome: Literal["not_sent", "answered", "unknown"] = "not_sent"
        elif facts.kind == "signed" and (facts.success or (facts.status or 0) < 500):
            outcome = "answered" if facts.declared or facts.success else "unknown"
        else:
            outcome = "unknown"
        return Attempt(
            number=len(record.attempts) + 1,
            outcome=outcome,
            status_code=response.status_code if response is not None else None,
            error=reason if response is None else None,
            url=str(request.url) if response is None or backup else None,
            request_id=request_id,
        )

    def _before_retry(self, request: httpx.Request, record: CallRecord) -> None:
        last = record.attempts[-1]
        if self.backup_base_url is not None and last.outcome == "not_sent":
            _switch_host(request, self.base_url, self.backup_base_url)

    def _keep_answer(self, verdict: Meaning, facts: Facts, response: httpx.Response | None) -> bool:
        """`raise_on_api_error=False`: hand back a signed, declared, parseable refusal that leaves no doubt."""
        return (
            response is not None
            and facts.kind == "signed"
            and facts.declared
            and not verdict.outcome_unknown
            and verdict.evidence is None
            and self.contract.error_validator.is_valid(_json(response.content))
        )

    def _error(
        self,
        verdict: Meaning,
        facts: Facts,
        record: CallRecord,
        *,
        request: httpx.Request,
        response: httpx.Response | None,
        cause: BaseException | None,
        reason: str | None,
    ) -> WechatPayError:
        cls = verdict.error
        assert cls is not None  # noqa: S101
        if cls is PermissionDeniedError and reason is None:
            reason = _ids_sent(record.body)  # NO_AUTH: which ids this call sent, to compare with the service's
        body = response.content if response is not None else b""
        payload = _json(body) if facts.kind == "signed" else {}
        request_id = response.headers.get("Request-ID") if response is not None else None
        common: dict[str, Any] = {"request": request, "attempts": record.attempts}
        text = _messages.text_for(
            cls.__name__,
            method=record.method,
            path=record.path,
            status=facts.status,
            code=facts.code,
            wechat_message=_str(payload.get("message")),
            detail=_mapping(payload.get("detail")),
            request_id=request_id,
            signature=_SIGNATURE.get(facts.kind) if response is not None else None,
            body=body,
            reason=reason or (str(cause) if isinstance(cause, ResponseVerificationError) else None),
            attempts=record.attempts,
            earlier_in_doubt=verdict.outcome_unknown and not verdict.in_doubt and facts.kind == "signed",
            evidence=verdict.evidence,
            operation=record.operation,
        )
        error: WechatPayError
        if issubclass(cls, WechatPayAPIError):
            error = cls(
                text,
                status_code=facts.status or 0,
                code=facts.code,
                wechat_message=_str(payload.get("message")),
                detail=_mapping(payload.get("detail")),
                request_id=request_id,
                verified=facts.kind == "signed",
                body=body,
                retry_after=parse_retry_after(response.headers.get("Retry-After")) if response is not None else None,
                outcome_unknown=verdict.outcome_unknown,
                retryable=verdict.retryable,
                already_done=verdict.already_done,
                not_found=verdict.not_found,
                evidence=verdict.evidence,
                response=response,
                **common,
            )
        elif issubclass(cls, OutcomeUnknownError):
            error = cls(text, response=response, request_id=request_id, status_code=facts.status, **common)
            error.verified = None if response is None else facts.kind == "signed"
            if isinstance(error, UnverifiedResponseError | UnexpectedResponseError):
                error.body = body
            if isinstance(error, UnverifiedResponseError):
                error.verification_error = cause if isinstance(cause, ResponseVerificationError) else None
                claimed = _json(body).get("code")
                error.claimed_code = claimed if isinstance(claimed, str) else None
            if isinstance(error, APITimeoutError):
                error.bound = "attempt" if "client's timeout" in (reason or "") else None
                if "total_timeout" in (reason or ""):
                    error.bound = "total"
        else:
            error = cls(text, **common)
        if cause is not None:
            error.__cause__ = cause
        return error

    # -- reconcile -----------------------------------------------------------------------------------------------
    # -- reconcile -----------------------------------------------------------------------------------------------

    def _settle(
        self, request: httpx.Request, operation: Operation, record: CallRecord, verdict: Meaning, doubt: WechatPayError
    ) -> Flow[WechatPayError | None]:
        """Query what the call did; the definitive error (or success-kind error) to raise, or None: not applied."""
        rule = operation.outcome
        assert rule is not None  # noqa: S101 - only reconcilable calls get here
        assert rule.evidence is not None  # noqa: S101
        query = self._evidence_request(request, rule.evidence, record.body, record.path_values)
        try:
            try:
                result = yield from self._reconcile(query, operation, record.body)
            except RequestValidationError as invalid:
                # The call went out; only its query could not be made: the doubt stays, never "nothing was sent".
                raise ReconciliationError(
                    f"the query that would settle it could not be made ({invalid})", request=query
                ) from invalid
        except ReconciliationError as failure:
            if verdict.already_done:
                return doubt  # "already there" is definitive; only its attribution stays with the memory
            failure.original = str(doubt)
            failure.attempts = tuple(record.attempts)
            failure.__context__ = doubt
            return failure
        logger.info("WeChat Pay %s %s reconciled by query: %s", *_where(record), result.explanation)
        if result.verdict is Verdict.NOT_APPLIED:
            if verdict.already_done:
                return doubt
            record.proof = result
            record.settle_attempts()
            record.known = True
            return None
        record.known = True
        record.settled = result.settled
        return self._verdict_error(result, rule, record, request)

    def _verdict_error(
        self, result: Reconciliation, rule: OutcomeRule, record: CallRecord, request: httpx.Request
    ) -> WechatPayError:
        state = result.raw.get("state") if result.raw else None
        cls, status, code = reconciled(result.verdict, rule.already_there, state if isinstance(state, str) else None)
        text = _messages.text_for(
            cls.__name__,
            method=record.method,
            path=record.path,
            request_id=result.request_id,
            signature="verified",
            reason=f"settled by a verified query: {result.explanation}",
            attempts=record.attempts,
            evidence="query",
        )
        return cls(
            text,
            status_code=status,
            code=code,
            request_id=result.request_id,
            verified=True,
            already_done=result.settled,
            not_found=result.verdict is Verdict.NOT_FOUND,
            evidence="query",
            order=result.order,
            request=request,
            attempts=record.attempts,
        )

    def _evidence_request(
        self, call: httpx.Request, evidence: EvidenceRule, body: Any, path_values: Mapping[str, str]
    ) -> httpx.Request:
        """The evidence query for a call: the same host and base path, the parameters its rule takes from the call."""
        params, _ = evidence_parameters(evidence, body, path_values)
        target = self.contract.operation(evidence.operation).path
        path = call.url.raw_path.decode("ascii").split("?")[0]
        # The base path is what precedes the operation's own path; a base that itself holds `/v3/` stays whole.
        start = path.rfind(_API_ROOT)
        base = path[:start] if start >= 0 else ""
        query = "&".join(f"{name}={_form(value)}" for name, value in params)
        url = call.url.copy_with(raw_path=(base + target + ("?" + query if query else "")).encode("ascii"))
        headers = {
            name: call.headers[name] for name in ("Accept", "User-Agent", "Wechatpay-Serial") if name in call.headers
        }
        return httpx.Request("GET", url, headers=headers, extensions=dict(call.extensions))

    def _reconcile(self, query: httpx.Request, operation: Operation, body: Any) -> Flow[Reconciliation]:
        """Run the evidence query (verified, bounded by `ReconcilePolicy`) and judge what the call did."""
        rule = operation.outcome
        assert rule is not None  # noqa: S101 - only operations with evidence are reconciled
        assert rule.evidence is not None  # noqa: S101
        evidence = rule.evidence
        answering = self.contract.operation(evidence.operation)
        policy = self.reconcile_policy or ReconcilePolicy()
        started = self.monotonic()
        last: WechatPayError | None = None
        for number in range(1, policy.max_queries + 1):
            attempt = _copy_request(query)
            try:
                response = yield from _bounded_call(self, attempt, policy.deadline - (self.monotonic() - started))
            except OrderNotFoundError as exc:
                verdict, explanation = judge(evidence, None, body)
                return Reconciliation(verdict, None, exc.request_id, explanation, operation=operation.operation_id)
            except RequestValidationError:
                raise  # the query itself is malformed: nothing was sent, and no retry can help
            except WechatPayError as exc:
                last = exc
                remaining = policy.deadline - (self.monotonic() - started)
                delay = self.policy.backoff(number, self.rng)
                if isinstance(exc, WechatPayAPIError) and exc.retry_after is not None:
                    delay = exc.retry_after
                if number >= policy.max_queries or not exc.retryable or delay >= remaining:
                    break
                yield Wait(delay)
                continue
            answer = _json(response.content)
            queried = dict(query.url.params.multi_items())
            wrong = mismatch(answer, queried, answering.answer_required)
            if wrong is not None:
                raise ReconciliationError(
                    f"the query's answer is about another order ({wrong} differs from the one queried): it proves "
                    f"nothing about this {operation.operation_id}",
                    request=query,
                    request_id=_request_id(response),
                )
            try:
                verdict, explanation = judge(evidence, answer, body)
            except UnknownStateError as exc:
                raise ReconciliationError(str(exc), request=query, request_id=_request_id(response)) from exc
            return Reconciliation(
                verdict,
                _parse_answer(answering, answer),
                _request_id(response),
                explanation,
                raw=answer,
                operation=operation.operation_id,
            )
        message = f"the query could not be completed ({last})" if last else "no query was made"
        raise ReconciliationError(message, request=query) from last

    def reconcile_flow(self, call: httpx.Request) -> Flow[Reconciliation]:
        """What a call (built, never sent) did, by its evidence query: the public reconciliation of any operation.

        The call is validated like any other (nothing of it is sent); an operation that changes nothing, or a call
        that lacks what its evidence query requires, is refused with `RequestValidationError`.
        """
        operation, body, path_values = self.validate(call, reconciles=True)
        rule = operation.outcome
        if rule is None or rule.evidence is None:
            problem = ValidationProblem(
                "arguments",
                "operation",
                operation.operation_id,
                "an operation with x-outcome evidence",
                f"{operation.operation_id} changes no order: there is nothing to reconcile",
            )
            raise RequestValidationError([problem], method=call.method, path=call.url.raw_path.decode("ascii"))
        query = self._evidence_request(call, rule.evidence, body, path_values)
        return (yield from self._reconcile(query, operation, body))


def _bounded_call(pipeline: Pipeline, request: httpx.Request, remaining: float) -> Flow[httpx.Response]:
    """One query through the pipeline, with its own budget: attempts within the reconciliation deadline."""
    bounded = attrs.evolve(
        pipeline,
        policy=attrs.evolve(pipeline.policy, max_attempts=1, total_timeout=max(0.0, remaining)),
        reconcile_policy=None,
        raise_on_api_error=True,
    )
    return (yield from bounded.call(request, reconcile=False))


# -- small pieces ----------------------------------------------------------------------------------------------------


# Where every operation's path begins (`x-outcome` evidence queries are built on the call's own base path).
_API_ROOT = "/v3/payscore/acquiringbank/"


# The ids a call names the service, the merchants and the apps by: NO_AUTH means one differs from the service's.
_IDS = ("service_id", "appid", "sub_mchid", "sub_appid", "channel_id")


def _ids_sent(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return None
    sent = [f"{name}={body[name]}" for name in _IDS if isinstance(body.get(name), str)]
    return "sent " + ", ".join(sent) if sent else None


def _where(record: CallRecord) -> tuple[str, str]:
    return record.operation, record.path


def _form(value: str) -> str:
    """The contract's query encoding: form-urlencoded, unreserved characters kept, a space as `+`."""
    return quote(value, safe="-._~").replace("%20", "+")


_FRAMING = ("Transfer-Encoding", "Content-Length", "Host", "Cookie", "Authorization")
_FRAMING_RAW = frozenset(name.lower().encode("ascii") for name in _FRAMING)
_BODIED = frozenset({"POST", "PUT", "PATCH"})


def _own_framing(request: httpx.Request) -> None:
    """Framing, `Host` and `Authorization` are the client's alone: whatever a caller set is replaced."""
    host = request.url.netloc
    length = str(len(request.content)).encode("ascii") if request.content or request.method in _BODIED else None
    expected = {b"host": host} | ({b"content-length": length} if length is not None else {})
    present = {name.lower(): value for name, value in request.headers.raw if name.lower() in _FRAMING_RAW}
    if present == expected:
        return  # as httpx built it: the common case, left untouched
    for name in _FRAMING:
        request.headers.pop(name, None)
    request.headers["Host"] = host.decode("ascii")
    if length is not None:
        request.headers["Content-Length"] = length.decode("ascii")


def _switch_host(request: httpx.Request, primary: httpx.URL, backup: httpx.URL) -> None:
    """Fail over to the backup with the backup's own scheme, host, port and path prefix."""
    url = request.url
    if (url.scheme, url.host, url.port) == (backup.scheme, backup.host, backup.port):
        return
    path = url.raw_path.decode("ascii")
    prefix = primary.raw_path.decode("ascii").rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    target = backup.raw_path.decode("ascii").rstrip("/") + path
    request.url = httpx.URL(str(backup.copy_with(raw_path=target.encode("ascii"))))
    request.headers["Host"] = request.url.netloc.decode("ascii")
    logger.warning("WeChat Pay primary host unreachable; trying the backup host %s", request.url.host)


def _described(error: BaseException, limit: int = 300) -> str:
    """`ReadTimeout: ...`, cut short: a hostile peer's 90 KB header line must not become a 90 KB message."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a broken __str__ of a foreign exception must not hide the failure
        text = ""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _conforms(validator: Any, content: bytes) -> bool:
    try:
        value = json.loads(content)
    except (ValueError, RecursionError):
        return False
    try:
        return bool(validator.is_valid(value))
    except (ValueError, RecursionError):  # nested deeper than the validator goes
        return False


def _json(content: bytes) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return {}
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _request_id(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("Request-ID")
    return value


def _copy_request(request: httpx.Request) -> httpx.Request:
    return httpx.Request(
        request.method, request.url, headers=request.headers, content=request.content, extensions=request.extensions
    )


def _parse_answer(operation: Operation, answer: Mapping[str, Any]) -> Any:
    """The generated model of a verified answer (the raw mapping where the model refuses it)."""
    if operation.success_model is None:
        return dict(answer)
    from wechatpay_payscore import models  # noqa: PLC0415 - generated from the contract

    model = getattr(models, operation.success_model, None)
    if model is None:  # pragma: no cover - a contract and a generated package out of step
        return dict(answer)
    try:
        return model.from_dict(dict(answer))
    except (KeyError, TypeError, ValueError):
        return dict(answer)
