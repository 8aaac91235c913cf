"""Cold import time: each variant imported in a fresh interpreter, several rounds, bytecode cached for everyone.

The subprocesses write and read bytecode under a private `PYTHONPYCACHEPREFIX` (the Makefile exports
`PYTHONDONTWRITEBYTECODE=1`, which would otherwise leave the project's own modules uncompiled while the installed
dependencies have their `.pyc`): one discarded warm-up round compiles everything, so every variant is timed alike.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence

from bench._timing import Stat

__all__ = ["VARIANTS", "measure_imports"]

# What the project needs from its dependencies, imported alone: the baseline.
_DEPENDENCIES = (
    "import httpx, attrs\n"
    "from cryptography import x509\n"
    "from cryptography.hazmat.primitives import hashes, serialization\n"
    "from cryptography.hazmat.primitives.asymmetric import padding, rsa\n"
)
_PROJECT = (
    "import wechatpay_payscore_client\n"
    "from wechatpay_payscore.api.payscore import sync_service_order\n"
    "from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest\n"
)
VARIANTS: Mapping[str, str] = {
    "dependencies": _DEPENDENCIES,
    "dependencies_all": _DEPENDENCIES + "import jsonschema_rs, yaml\n",
    "project": _PROJECT,
}

_TIMER = """\
import time
_cpu, _wall = time.process_time(), time.perf_counter()
{body}
_cpu, _wall = time.process_time() - _cpu, time.perf_counter() - _wall
print(_cpu, _wall)
"""


def _once(body: str, env: Mapping[str, str]) -> tuple[float, float]:
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", _TIMER.format(body=body)], env=dict(env), capture_output=True, text=True, check=True
    )
    cpu, wall = result.stdout.split()
    return float(cpu), float(wall)


def measure_imports(rounds: int) -> dict[str, dict[str, Stat]]:
    """CPU and wall time of each variant's imports, in fresh interpreters, round-robin over the variants."""
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for body in VARIANTS.values():
            _once(body, env)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
        for _ in range(rounds):
            for name, body in VARIANTS.items():
                samples[name].append(_once(body, env))
    return {name: _stats(found) for name, found in samples.items()}


def _stats(found: Sequence[tuple[float, float]]) -> dict[str, Stat]:
    return {"cpu": Stat.of([cpu for cpu, _ in found]), "wall": Stat.of([wall for _, wall in found])}
