"""The targets, the table a person reads, and the same figures as JSON."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import Any

import httpx

from bench._config import CONCURRENCY
from bench._notification import NOTIFICATION_LIMIT, notification_lines
from bench._run import CONTENDERS, FLOOR_OF, Results
from bench._timing import Stat

__all__ = [
    "COMPLETE_LIMIT",
    "CREATE_LIMIT",
    "MEMORY_LIMIT_BYTES",
    "NOTIFICATION_LIMIT",
    "SYNC_LIMIT",
    "Target",
    "as_json",
    "table",
    "targets",
]

MEMORY_LIMIT_BYTES = 2_000_000
# Client CPU per call against the floor of the same request (sign + POST + verify, nothing else). The sync and the
# complete are answered with a bodiless 204: what the ready client adds is contract validation and bookkeeping. The
# create's answer is an order (about 1 KB of JSON) that the client also checks against the contract's schema and
# parses into the generated model, which the floor does not do (bench/README.md, "Targets").
SYNC_LIMIT = 1.10
COMPLETE_LIMIT = 1.15
CREATE_LIMIT = 1.25


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    unit: str

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "limit": self.limit,
            "unit": self.unit,
            "pass": self.passed,
        }


def _ratio(results: Results, name: str, other: str) -> float:
    return results.figures[name].cpu_ratio(results.figures[other])


def _own_import_share(results: Results) -> float:
    project = results.imports["project"]["wall"].median
    dependencies = results.imports["dependencies"]["wall"].median
    return (project - dependencies) / dependencies


def _x_floor(results: Results, name: str) -> float:
    """CPU per call against the floor of the same request (median of the paired per-round ratios)."""
    return _ratio(results, name, FLOOR_OF[name])


def targets(results: Results) -> list[Target]:
    return [
        Target("project sync CPU/call vs floor", _x_floor(results, "project_sync"), SYNC_LIMIT, "x floor"),
        Target("project create CPU/call vs its floor", _x_floor(results, "project_create"), CREATE_LIMIT, "x floor"),
        Target(
            "project complete CPU/call vs its floor", _x_floor(results, "project_complete"), COMPLETE_LIMIT, "x floor"
        ),
        Target("notification (open_event) CPU vs its floor", results.notification.ratio, NOTIFICATION_LIMIT, "x floor"),
        Target("project sync CPU/call vs wechatpayv3", _ratio(results, "project_sync", "peer"), 0.75, "x wechatpayv3"),
        Target(
            "project async CPU/call vs project sync", _ratio(results, "project_async", "project_sync"), 1.5, "x sync"
        ),
        Target("connections opened, new sync client", results.fresh_connections["project_sync"], 1, "connections"),
        Target(
            f"connections opened, new async client ({CONCURRENCY} concurrent)",
            results.fresh_connections["project_async"],
            CONCURRENCY,
            "connections",
        ),
        Target(
            f"RSS growth over {results.memory.calls} calls",
            results.memory.growth / 1e6,
            MEMORY_LIMIT_BYTES / 1e6,
            "MB",
        ),
        Target("own import cost on top of dependencies (wall)", _own_import_share(results), 0.20, "share"),
    ]


def _ratio_spread(results: Results, name: str) -> tuple[float, float]:
    """The lowest and highest of the per-round ratios to the floor of the same request."""
    ratios = results.figures[name].cpu_ratios(results.figures[FLOOR_OF[name]])
    return min(ratios), max(ratios)


def _stat(stat: Stat, scale: float = 1.0, digits: int = 1) -> str:
    return f"{stat.median * scale:>8.{digits}f} [{stat.minimum * scale:.{digits}f}-{stat.maximum * scale:.{digits}f}]"


def table(results: Results) -> str:
    sizes = results.sizes
    mode = "QUICK smoke run - figures not meaningful" if sizes.quick else "full run"
    lines = [
        f"WeChat Pay Score sync bench ({mode}; {sizes.rounds} rounds, round-robin; median [min-max]; "
        f"Python {platform.python_version()}, httpx {httpx.__version__})",
        "",
        f"{'contender':<44}{'client CPU us/call':>26}{'wall us/call':>28}{'conns':>7}{'CPU x floor':>13}"
        f"{'[min-max]':>13}",
    ]
    for name, label in CONTENDERS.items():
        figure = results.figures[name]
        low, high = _ratio_spread(results, name)
        lines.append(
            f"{label:<44}{_stat(figure.cpu):>26}{_stat(figure.wall):>28}{results.connections.get(name, 0):>7}"
            f"{_x_floor(results, name):>13.2f}{f'[{low:.2f}-{high:.2f}]':>13}"
        )
    split = results.split
    derived = split.derived()
    lines += [
        "",
        "conns: connections the server accepted during the rounds (a kept-alive connection idle > 5 s between"
        " rounds expires and is reopened); CPU x floor: median [min-max] over rounds of the paired per-round ratio"
        " to the floor of the same request (create and complete: their own floor rows; every other row: the sync's)",
        "",
        "cost split, CPU us/call, in process over httpx.MockTransport (no network):",
        f"  {'raw RSA sign (cryptography)':<42}{_stat(split.figures['raw_sign'].cpu):>26}",
        f"  {'raw RSA verify (cryptography)':<42}{_stat(split.figures['raw_verify'].cpu):>26}",
        f"  {'validation (RequestValidator.validate)':<42}{_stat(split.figures['validation'].cpu):>26}",
        f"  {'signing (WechatPayAuth.sign_request)':<42}{_stat(split.figures['signing'].cpu):>26}"
        f"   +{derived['signing_extra']:.1f} over raw sign",
        f"  {'verification (WechatPayAuth.verify_response)':<42}{_stat(split.figures['verification'].cpu):>26}"
        f"   +{derived['verification_extra']:.1f} over raw verify",
        f"  {'generated sync_detailed, plain Client':<42}{_stat(split.figures['generated_call'].cpu):>26}"
        f"   +{derived['generated_code']:.1f} over bare httpx POST "
        f"({split.figures['bare_post'].cpu.median:.1f})",
        f"  {'floor in process':<42}{_stat(split.figures['floor_in_process'].cpu):>26}",
        f"  {'project in process':<42}{_stat(split.figures['project_in_process'].cpu):>26}"
        f"   +{derived['in_process_overhead']:.1f} over floor",
        f"  {'  of which: validation':<42}{derived['validation']:>9.1f}",
        f"  {'            signing beyond RSA':<42}{derived['signing_extra']:>9.1f}",
        f"  {'            verification beyond RSA':<42}{derived['verification_extra']:>9.1f}",
        f"  {'            generated code':<42}{derived['generated_code']:>9.1f}",
        f"  {'            rest (auth flow, transport, errors)':<42}{derived['rest']:>9.1f}",
        "",
        *notification_lines(results.notification),
        "",
        "cold import, fresh interpreter, ms (CPU | wall):",
    ]
    labels = {
        "dependencies": "httpx + attrs + cryptography",
        "dependencies_all": "  + jsonschema_rs + PyYAML",
        "project": "this project (client + generated + auth)",
    }
    for name, label in labels.items():
        found = results.imports[name]
        lines.append(f"  {label:<42}{_stat(found['cpu'], 0.001)}  | {_stat(found['wall'], 0.001)}")
    memory = results.memory
    lines += [
        "",
        f"memory: RSS {memory.before / 1e6:.1f} MB -> {memory.after / 1e6:.1f} MB over {memory.calls} sync calls "
        f"({memory.growth / 1e6:+.2f} MB)",
        "",
        "fairness (one request per contender, checked outside the timed loops):",
    ]
    lines += [f"  {name:<18}{fairness.summary()}" for name, fairness in results.fairness.items()]
    lines += ["", "targets:"]
    for target in targets(results):
        verdict = "PASS" if target.passed else "FAIL"
        lines.append(f"  {verdict}  {target.name:<52}{target.value:>9.2f} {target.unit} (limit {target.limit:g})")
    return "\n".join(lines)


def as_json(results: Results) -> dict[str, Any]:
    split = results.split
    return {
        "config": results.sizes.as_dict() | {"concurrency": CONCURRENCY},
        "environment": {"python": platform.python_version(), "httpx": httpx.__version__},
        "contenders": {
            name: results.figures[name].as_dict()
            | {
                "label": label,
                "connections": results.connections.get(name, 0),
                "floor": FLOOR_OF[name],
                "cpu_x_floor": round(_x_floor(results, name), 4),
                "cpu_x_floor_min": round(_ratio_spread(results, name)[0], 4),
                "cpu_x_floor_max": round(_ratio_spread(results, name)[1], 4),
            }
            for name, label in CONTENDERS.items()
        },
        "split": {
            "figures": {name: figure.as_dict() for name, figure in split.figures.items()},
            "derived_cpu_us": {name: round(value, 2) for name, value in split.derived().items()},
        },
        "imports": {
            name: {kind: {k: round(v / 1000, 3) for k, v in stat.as_dict().items()} for kind, stat in found.items()}
            for name, found in results.imports.items()
        },
        "imports_unit": "ms",
        "fresh_client_connections": results.fresh_connections,
        "memory": results.memory.as_dict(),
        "notification": results.notification.as_dict(),
        "fairness": {name: fairness.as_dict() for name, fairness in results.fairness.items()},
        "targets": [target.as_dict() for target in targets(results)],
    }
