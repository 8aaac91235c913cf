"""The steps of `make demo` (`tools/demo.py`): run one, show it, check it, or stop the demo with `DemoFailure`.

A step is an API call (`Life.call`), an API call whose answer is lost (`Life.lost`) or what happens outside the API
through the emulator's control surface (`Life.act`). After each, the order is read back by a verified query through
the same client (`Life.after`), shown, and checked against what was expected and against the emulator's own record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from wechatpay_auth import WechatPayError
from wechatpay_emulator import EmulatorError, Order
from wechatpay_payscore.api.payscore import query_service_order
from wechatpay_payscore.models import CreatedServiceOrder, Deduction, RegisteredDeduction, ServiceOrder
from wechatpay_payscore.types import Response
from wechatpay_payscore_client import AlreadyAppliedError, Attempt, WechatPayClient

from tools.demo_display import Recorder, Screen, summarize

if TYPE_CHECKING:
    from wechatpay_emulator import Emulator

__all__ = ["DemoFailure", "Life"]


class DemoFailure(Exception):
    """Something the demo expected did not happen: the message says what, and at which step."""


def _attempt(attempt: Attempt) -> str:
    if attempt.outcome == "unknown":
        return f"attempt #{attempt.number}: sent, answer lost ({attempt.error})"
    return f"attempt #{attempt.number}: {attempt.outcome.replace('_', ' ')} {attempt.status_code or ''}".rstrip()


def _note(parsed: object) -> str | None:
    """What a 200 answer says that the order's state does not."""
    if isinstance(parsed, CreatedServiceOrder):
        return f"order_id {parsed.order_id}, package {parsed.package[:8]}… for the user's confirm page"
    if isinstance(parsed, RegisteredDeduction):
        return f"description {parsed.description} (what the user is shown)"
    if isinstance(parsed, Deduction):
        return f"out_trade_no {parsed.out_trade_no}, description {parsed.description}"
    return None


class Life:
    """One client (its hooks recorded), the emulator and the screen; `ids` name the orders' merchant and service,
    `key_id` the WeChat Pay public key every answer must be verified with."""

    def __init__(
        self,
        client: WechatPayClient,
        emulator: Emulator,
        recorder: Recorder,
        screen: Screen,
        *,
        ids: Mapping[str, str],
        key_id: str,
    ) -> None:
        self.client = client
        self.emulator = emulator
        self.recorder = recorder
        self.screen = screen
        self.ids = dict(ids)
        self.key_id = key_id
        self.verified = 0  # answers shown, each verified with `key_id`

    def call(
        self, order_no: str, step: str, text: str, send: Callable[[], Response[Any]], *, status: int, expect: str
    ) -> object:
        """An API call that must be answered `status`; the order must then read `expect`. Returns the parsed answer."""
        self.screen.step(step, text)
        self.recorder.take()
        try:
            response = send()
        except WechatPayError as exc:
            self._show(order_no, step)
            raise DemoFailure(f"{order_no}, step {step}: {type(exc).__name__}: {exc}") from exc
        self._show(order_no, step)
        if response.status_code != status:
            raise DemoFailure(f"{order_no}, step {step}: answered {int(response.status_code)}, expected {status}")
        note = _note(response.parsed)
        if note is not None:
            self.screen.detail(note)
        self.after(order_no, step, expect)
        return response.parsed

    def lost(self, order_no: str, step: str, text: str, send: Callable[[], Response[Any]], *, expect: str) -> None:
        """A call the emulator applies, then drops the connection of: with `reconcile=True` it must end definitive,
        `AlreadyAppliedError` proven by a verified query, after one attempt; the order must then read `expect`."""
        self.screen.step(step, text)
        self.recorder.take()
        try:
            send()
        except AlreadyAppliedError as exc:
            self._show(order_no, step)
            self.screen.detail(f'raised {type(exc).__name__}, evidence "{exc.evidence}": applied by the lost attempt')
            for attempt in exc.attempts:
                self.screen.detail(_attempt(attempt))
            if exc.evidence != "query" or exc.outcome_unknown or not exc.already_done or len(exc.attempts) != 1:
                raise DemoFailure(f"{order_no}, step {step}: not settled by a verified query: {exc}") from exc
        except WechatPayError as exc:
            self._show(order_no, step)
            raise DemoFailure(f"{order_no}, step {step}: {type(exc).__name__}, not AlreadyAppliedError: {exc}") from exc
        else:
            self._show(order_no, step)
            raise DemoFailure(f"{order_no}, step {step}: answered, though its answer was to be lost")
        self.after(order_no, step, expect)

    def act(self, order_no: str, step: str, text: str, action: Callable[[str], Order], *, expect: str) -> None:
        """What happens outside the API, through the emulator's control surface; the order must then read `expect`."""
        self.screen.step(step, f"» {text}")
        try:
            action(order_no)
        except EmulatorError as exc:
            raise DemoFailure(f"{order_no}, step {step}: the emulator refused: {exc}") from exc
        self.after(order_no, step, expect)

    def after(self, order_no: str, step: str, expect: str) -> ServiceOrder:
        """The order read back by a verified query, shown; it must read `expect` (which may leave payment times out)
        and agree with the emulator's own record."""
        try:
            order = query_service_order.sync(client=self.client, out_order_no=order_no, **self.ids)
        except WechatPayError as exc:
            raise DemoFailure(f"{order_no}, step {step}: the query failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(order, ServiceOrder):
            raise DemoFailure(f"{order_no}, step {step}: the query answered no order")
        seen = summarize(order.to_dict())
        self.screen.state(seen)
        if expect not in (seen, summarize(order.to_dict(), times=False)):
            raise DemoFailure(f"{order_no}, step {step}: expected [{expect}], the verified query shows [{seen}]")
        held = summarize(self.emulator.order(order_no).query_answer())
        if held != seen:
            raise DemoFailure(f"{order_no}, step {step}: the emulator holds [{held}], the verified query [{seen}]")
        return order

    def _show(self, order_no: str, step: str) -> None:
        """Print the exchanges of the call; each answer must have been verified with `key_id`."""
        exchanges = self.recorder.take()
        self.screen.exchanges(exchanges)
        for exchange in exchanges:
            if exchange.response is None:
                continue
            if exchange.signed_by != self.key_id:
                raise DemoFailure(f"{order_no}, step {step}: an answer was not verified with {self.key_id}")
            self.verified += 1
