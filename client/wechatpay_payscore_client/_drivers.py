"""The drivers that carry out a pipeline flow's actions: blocking I/O, or the running event loop.

A flow (`_pipeline`) only says what to do next (`Send`, `Wait`); a driver does it and hands back what happened.
Both drivers run the same flow, so the sync and async clients share every decision. The transports put a driver
in an httpx client's place of a network transport, which is how the generated functions reach the pipeline.
"""

from __future__ import annotations

from typing import TypeVar

import httpx

from ._network import attempt_deadline, read_answer, read_answer_async
from ._pipeline import Failed, Flow, Pipeline, Result, Sent, Wait

__all__ = ["AsyncPipelineTransport", "PipelineTransport", "run_async", "run_sync"]

T = TypeVar("T")


def run_sync(pipeline: Pipeline, flow: Flow[T], transport: httpx.BaseTransport) -> T:
    """Carry out a flow's actions with blocking I/O."""
    try:
        action = next(flow)
        while True:
            result: Result = None
            if isinstance(action, Wait):
                pipeline.sleep(action.seconds)
            else:
                try:
                    with attempt_deadline(action.deadline):
                        response, hostile = read_answer(
                            transport, action.request, max_bytes=pipeline.max_response_bytes
                        )
                    result = Sent(response, hostile)
                except Exception as exc:  # noqa: BLE001 - every failure is a fact for the flow to judge
                    result = Failed(exc)
            action = flow.send(result)
    except StopIteration as stop:
        value: T = stop.value
        return value
    finally:
        flow.close()


async def run_async(pipeline: Pipeline, flow: Flow[T], transport: httpx.AsyncBaseTransport) -> T:
    """Carry out a flow's actions on the running event loop (asyncio or trio)."""
    sleep = pipeline.async_sleep or _anyio_sleep
    try:
        action = next(flow)
        while True:
            result: Result = None
            if isinstance(action, Wait):
                await sleep(action.seconds)
            else:
                try:
                    with attempt_deadline(action.deadline):
                        response, hostile = await read_answer_async(
                            transport, action.request, max_bytes=pipeline.max_response_bytes
                        )
                    result = Sent(response, hostile)
                except Exception as exc:  # noqa: BLE001 - every failure is a fact for the flow to judge
                    result = Failed(exc)
            action = flow.send(result)
    except StopIteration as stop:
        value: T = stop.value
        return value
    finally:
        flow.close()


async def _anyio_sleep(seconds: float) -> None:
    import anyio  # noqa: PLC0415 - on the first retry only

    await anyio.sleep(seconds)


class PipelineTransport(httpx.BaseTransport):
    """The pipeline as the transport of the ready client's `httpx.Client`."""

    def __init__(self, pipeline: Pipeline, inner: httpx.BaseTransport) -> None:
        self.pipeline = pipeline
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return run_sync(self.pipeline, self.pipeline.call(request), self.inner)

    def close(self) -> None:
        self.inner.close()


class AsyncPipelineTransport(httpx.AsyncBaseTransport):
    """The pipeline as the transport of the ready client's `httpx.AsyncClient`."""

    def __init__(self, pipeline: Pipeline, inner: httpx.AsyncBaseTransport) -> None:
        self.pipeline = pipeline
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await run_async(self.pipeline, self.pipeline.call(request), self.inner)

    async def aclose(self) -> None:
        await self.inner.aclose()
