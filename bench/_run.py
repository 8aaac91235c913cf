"""One benchmark run: every figure measured in this one process, against one server process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench._config import CONCURRENCY, Sizes
from bench._contenders import (
    BareAsync,
    Contender,
    Floor,
    Peer,
    ProjectAsync,
    ProjectComplete,
    ProjectCreate,
    ProjectSync,
)
from bench._fairness import Fairness, check_request
from bench._imports import measure_imports
from bench._memory import MemoryGrowth, measure_growth
from bench._notification import NotificationCost, measure_notification
from bench._server_process import CapturedRequest, ServerProcess
from bench._split import Split, measure_split
from bench._timing import Figure, Stat, interleaved

__all__ = ["CONTENDERS", "FLOOR_OF", "Results", "run"]

# name -> label, in table order
CONTENDERS = {
    "bare_post": "bare httpx.Client POST (no crypto)",
    "floor": "floor: RSA sign + bare POST + RSA verify",
    "project_sync": "this project, sync (create_client)",
    "bare_async_post": f"bare httpx.AsyncClient POST ({CONCURRENCY} concurrent)",
    "project_async": f"this project, async ({CONCURRENCY} concurrent)",
    "peer": "wechatpayv3 2.0.4 (requests)",
    "floor_create": "floor, create: sign + POST + verify 200",
    "project_create": "this project, create (200 + order body)",
    "floor_complete": "floor, complete: sign + POST + verify 204",
    "project_complete": "this project, complete (204)",
}
SYNC_GROUP = ("bare_post", "floor", "project_sync", "bare_async_post", "project_async", "peer")
FAMILY_GROUP = ("floor_create", "project_create", "floor_complete", "project_complete")
assert set(SYNC_GROUP) | set(FAMILY_GROUP) == set(CONTENDERS)  # every contender is timed, once
# name -> the floor its "x floor" ratio is taken against: the floor of the same request
FLOOR_OF = dict.fromkeys(CONTENDERS, "floor") | {
    "floor_create": "floor_create",
    "project_create": "floor_create",
    "floor_complete": "floor_complete",
    "project_complete": "floor_complete",
}


@dataclass(frozen=True)
class Results:
    sizes: Sizes
    figures: dict[str, Figure]
    connections: dict[str, int]
    fresh_connections: dict[str, int]
    split: Split
    imports: dict[str, dict[str, Stat]]
    memory: MemoryGrowth
    fairness: dict[str, Fairness]
    notification: NotificationCost


def _capture(server: ServerProcess, contender: Contender) -> CapturedRequest:
    server.arm_capture()
    contender.run(1)
    return server.captured()


def _counting(server: ServerProcess, opened: dict[str, int]) -> tuple[Callable[[str], None], Callable[[str], None]]:
    """`before`/`after` hooks that charge each contender the connections the server accepted during its rounds."""
    marks: dict[str, int] = {}

    def before(name: str) -> None:
        marks[name] = server.connections()

    def after(name: str) -> None:
        opened[name] = opened.get(name, 0) + server.connections() - marks[name]

    return before, after


def _fresh_connections(server: ServerProcess, sizes: Sizes) -> dict[str, int]:
    """Connections a new client opens over one round of calls, made back to back (no idle gap for keep-alive to
    expire, unlike the round-robin rounds)."""
    opened = {}
    fresh: dict[str, tuple[Contender, int]] = {
        "project_sync": (ProjectSync(server.base_url), sizes.sync_calls),
        "project_async": (ProjectAsync(server.base_url, CONCURRENCY), sizes.async_calls),
    }
    for name, (contender, calls) in fresh.items():
        before = server.connections()
        try:
            contender.run(calls)
        finally:
            contender.close()
        opened[name] = server.connections() - before
    return opened


def run(sizes: Sizes, progress: Callable[[str], None]) -> Results:
    with ServerProcess() as server:
        progress(f"bench server on {server.base_url} (pid of its own)")
        opened: dict[str, int] = {}
        before, after = _counting(server, opened)
        project = ProjectSync(server.base_url)
        create, complete = ProjectCreate(server.base_url), ProjectComplete(server.base_url)
        references: dict[str, CapturedRequest] = {}
        for name, caller in (("project_sync", project), ("project_create", create), ("project_complete", complete)):
            before(name)
            references[name] = _capture(server, caller)
            after(name)
        reference = references["project_sync"]
        contenders: dict[str, Contender] = {
            "bare_post": Floor(server.base_url, reference, crypto=False),
            "floor": Floor(server.base_url, reference),
            "project_sync": project,
            "bare_async_post": BareAsync(server.base_url, reference, CONCURRENCY),
            "project_async": ProjectAsync(server.base_url, CONCURRENCY),
            "peer": Peer(server.base_url),
            "floor_create": Floor(server.base_url, references["project_create"], status=200),
            "project_create": create,
            "floor_complete": Floor(server.base_url, references["project_complete"]),
            "project_complete": complete,
        }
        try:
            fairness = {name: check_request(captured, captured) for name, captured in references.items()}
            against = {
                "floor": "project_sync",
                "project_async": "project_sync",
                "peer": "project_sync",
                "floor_create": "project_create",
                "floor_complete": "project_complete",
            }
            for name, project_name in against.items():
                before(name)
                fairness[name] = check_request(_capture(server, contenders[name]), references[project_name])
                after(name)
            calls = {
                "bare_post": sizes.floor_calls,
                "floor": sizes.floor_calls,
                "project_sync": sizes.sync_calls,
                "bare_async_post": sizes.async_calls,
                "project_async": sizes.async_calls,
                "peer": sizes.peer_calls,
                "floor_create": sizes.family_calls,
                "project_create": sizes.family_calls,
                "floor_complete": sizes.family_calls,
                "project_complete": sizes.family_calls,
            }
            # Two round-robins: the sync's contenders, then the create's and the complete's, each beside its floor.
            # Apart, so that the family's rounds do not lengthen the idle gap between the sync contenders' rounds
            # (a kept-alive connection idle > 5 s expires and is reopened).
            figures: dict[str, Figure] = {}
            for group in (SYNC_GROUP, FAMILY_GROUP):
                progress(f"timing {len(group)} contenders, {sizes.rounds} rounds each, round-robin")
                figures |= interleaved(
                    {name: contenders[name].run for name in group},
                    calls,
                    sizes.rounds,
                    sizes.warmup,
                    before=before,
                    after=after,
                )
            fresh = _fresh_connections(server, sizes)
            progress(f"memory over {sizes.memory_calls} calls")
            memory = measure_growth(project.run, sizes.memory_calls, warmup=sizes.warmup * 5)
        finally:
            for contender in contenders.values():
                contender.close()
    progress("cost split (in process)")
    split = measure_split(reference, sizes.split_rounds, sizes.split_calls, sizes.warmup)
    progress(f"one notification (open_event) beside its floor, in process, {sizes.rounds} rounds")
    notification = measure_notification(sizes)
    progress(f"cold imports, {sizes.import_rounds} rounds of fresh interpreters")
    imports = measure_imports(sizes.import_rounds)
    return Results(sizes, figures, opened, fresh, split, imports, memory, fairness, notification)
