"""What `make demo` (`tools/demo.py`) prints: each signed request, its verified answer and the order's state after it.

`Recorder` holds the client's request and response hooks: it sees every request as it was signed and sent (the
reconciling query of a call whose answer was lost included) and every answer once its signature was verified.
`Screen` writes them one line each, with the Authorization signature cut short (it is 344 characters of Base64).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx
from wechatpay_auth import verification_of

__all__ = ["Exchange", "Recorder", "Screen", "shorten_authorization", "summarize"]


def shorten_authorization(value: str) -> str:
    """The Authorization header with its signature cut to a few characters (it is 344 of Base64)."""
    head, found, rest = value.partition('signature="')
    if not found:
        return value
    signature, _, tail = rest.partition('"')
    return f'{head}signature="{signature[:12]}…{signature[-6:]}"{tail}'


def _signature_only(value: str) -> str:
    """`WECHATPAY2-SHA256-RSA2048 …signature="…"…`: the scheme and the shortened signature, nothing else."""
    scheme, _, _ = value.partition(" ")
    _, found, rest = shorten_authorization(value).partition('signature="')
    if not found:
        return value
    signature, _, _ = rest.partition('"')
    return f'{scheme} …signature="{signature}"…'


@dataclass
class Exchange:
    """One request as it was signed and sent, and its answer (None: none arrived, e.g. the connection dropped)."""

    request: httpx.Request
    response: httpx.Response | None = None

    @property
    def signed_by(self) -> str | None:
        """The WeChat Pay key (`Wechatpay-Serial`) whose signature on the answer was verified, or None."""
        verification = verification_of(self.response) if self.response is not None else None
        return verification.serial if verification is not None and verification.verified else None


@dataclass
class Recorder:
    """The client's request and response hooks: the exchanges of one call, until `take()`."""

    exchanges: list[Exchange] = field(default_factory=list)

    def on_request(self, request: httpx.Request) -> None:
        self.exchanges.append(Exchange(request))

    def on_response(self, response: httpx.Response) -> None:
        waiting = [exchange for exchange in self.exchanges if exchange.response is None]
        if waiting:  # calls are sequential: an answer belongs to the newest request still waiting for one
            waiting[-1].response = response

    def take(self) -> list[Exchange]:
        """The exchanges recorded since the last `take()`, and forget them."""
        taken, self.exchanges = self.exchanges, []
        return taken


def summarize(answer: Mapping[str, Any], *, times: bool = True) -> str:
    """An order as a query answers it, in one line: `DOING/MCH_COMPLETE; total 30000; collection USER_PAYING`, and
    its payments once paid (`paid 30000 by MCH at 20241225091210`; `times=False` leaves the time out)."""
    state = answer.get("state")
    parts = [f"{state}/{answer['state_description']}" if answer.get("state_description") else str(state)]
    if answer.get("total_amount") is not None:
        parts.append(f"total {answer['total_amount']}")
    collection = answer.get("collection") or {}
    if collection:
        parts.append(f"collection {collection.get('state')}")
    for detail in collection.get("details") or ():
        when = f" at {detail.get('paid_time')}" if times else ""
        parts.append(f"paid {detail.get('amount')} by {detail.get('paid_type')}{when}")
    return "; ".join(parts)


class Screen:
    """Where the demo writes: a section per order, a numbered line per step, then its exchanges and the state."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._first_request = True

    def line(self, text: str = "") -> None:
        self._out.write(f"{text}\n")

    def section(self, number: int, out_order_no: str, story: str) -> None:
        self.line()
        self.line(f"{number}. {out_order_no}: {story}")

    def step(self, label: str, text: str) -> None:
        self.line(f"{label} {text}")

    def exchanges(self, exchanges: list[Exchange]) -> None:
        for exchange in exchanges:
            self._request(exchange.request)
            self._answer(exchange)

    def detail(self, text: str) -> None:
        self.line(f"    {text}")

    def state(self, summary: str) -> None:
        self.line(f"  = {summary}")

    def _request(self, request: httpx.Request) -> None:
        authorization = request.headers.get("Authorization", "")
        self.line(f"  → {request.method} {request.url.raw_path.decode()}")
        if self._first_request:  # once in full: every request carries the same header, with its own signature
            self._first_request = False
            self.line(f"    Authorization: {shorten_authorization(authorization)}")
            self.line(f"    Wechatpay-Serial: {request.headers.get('Wechatpay-Serial', '-')}")
        else:
            self.line(f"    Authorization: {_signature_only(authorization)}")

    def _answer(self, exchange: Exchange) -> None:
        response = exchange.response
        if response is None:
            self.line("  ← no answer: the connection dropped, the outcome is unknown")
            self.line("    (reconcile=True: the client reads the order back to settle it)")
            return
        status = f"{response.status_code} {response.reason_phrase}"
        signed = f"signed by {exchange.signed_by}, verified" if exchange.signed_by else "NOT verified"
        self.line(f"  ← {status}, Request-ID {response.headers.get('Request-ID', '-')}, {signed}")
