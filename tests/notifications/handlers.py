"""The application's side of the tests: handlers that record each event they get and behave as a case says."""

from __future__ import annotations

import asyncio
import json
import threading

from wechatpay_payscore_client import Answer, Event, failure_answer

PREPAY_ANSWER = Answer(
    200,
    {"Content-Type": "application/json"},
    json.dumps({"code": "SUCCESS", "message": "成功", "prepay_resp_http_code": 200}, ensure_ascii=False).encode(),
)


class HandlerFailed(RuntimeError):
    """What the handler raises when a case says so."""


class Recorder:
    """Records every event, then returns what `behaviour` names: "none" (None), "prepay" (a 200 with a body),
    "retry" (a 503 FAIL of its own), "raise" or "wrong-type". With a `gate`, waits for it first."""

    def __init__(self, behaviour: str = "none", gate: threading.Event | None = None) -> None:
        self.behaviour = behaviour
        self.gate = gate
        self.events: list[Event] = []
        self.ended = threading.Event()
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.events)

    def start(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def finish(self) -> Answer | None:
        self.ended.set()
        if self.behaviour == "none":
            return None
        if self.behaviour == "prepay":
            return PREPAY_ANSWER
        if self.behaviour == "retry":
            return failure_answer("the order is being written: deliver again", 503)
        if self.behaviour == "raise":
            raise HandlerFailed("the database is down")
        if self.behaviour == "wrong-type":
            return "ok"  # type: ignore[return-value]
        raise AssertionError(self.behaviour)


class SyncHandler(Recorder):
    def __call__(self, event: Event) -> Answer | None:
        self.start(event)
        if self.gate is not None:
            assert self.gate.wait(10), "the test never opened the gate"
        return self.finish()


class AsyncHandler(Recorder):
    async def __call__(self, event: Event) -> Answer | None:
        self.start(event)
        if self.gate is not None:
            for _ in range(2000):
                if self.gate.is_set():
                    break
                await asyncio.sleep(0.005)
            assert self.gate.is_set(), "the test never opened the gate"
        return self.finish()


Handler = SyncHandler | AsyncHandler
