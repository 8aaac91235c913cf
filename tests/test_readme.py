"""Every code block of the README runs, so that the README cannot rot.

- `python` blocks run in a fresh interpreter, in a folder holding the TEST-ONLY demo keys under the names the README
  uses (`apiclient_key.pem`, `pub_key.pem`), against the emulator: the production host in the text is the one thing
  replaced, by the emulator's loopback URL.
- `sh` blocks run in bash in a copy of the repository's tracked files (so that `make generate` rewrites the copy,
  not the tree under test), sharing the already installed virtual environment and linter, with `make` told not to
  re-run those set-up steps; `make test` itself is only dry-run (`make -n test`): running it would run this test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from wechatpay_emulator import Emulator, EmulatorConfig, demo

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
PRODUCTION = "https://api.mch.weixin.qq.com"


def blocks(language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(README.read_text(encoding="utf-8")) if lang == language]


def test_every_block_has_a_runner() -> None:
    languages = {lang for lang, _ in FENCE.findall(README.read_text(encoding="utf-8"))}
    assert languages <= {"python", "sh"}, languages
    assert len(blocks("python")) >= 3
    assert len(blocks("sh")) >= 3


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(EmulatorConfig.demo())
    with emulator.serve() as url:
        yield emulator, url


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHATPAY_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_block(index: int, emulator_url: tuple[Emulator, str], tmp_path: Path) -> None:
    emulator, url = emulator_url
    assert emulator.wait_idle(60)
    emulator.reset()
    shutil.copy(demo.demo_merchant_private_key_path(), tmp_path / "apiclient_key.pem")
    shutil.copy(demo.demo_wechatpay_public_key_path(), tmp_path / "pub_key.pem")
    code = blocks("python")[index].replace(PRODUCTION, url)
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "each example prints what happened"
    assert "Traceback" not in result.stderr
    if PRODUCTION in blocks("python")[index]:
        assert emulator.requests, "the example must really have called the (emulated) API"


# Set-up stamps of the Makefile that the copy shares with the tree under test: never remade from the copy.
SHARED = [".venv", "openapi/node_modules", "interop/typescript/node_modules"]
STAMPS = ".venv/.installed openapi/node_modules/.installed interop/typescript/node_modules/.installed"


def copy_of_repository(target: Path) -> Path:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and (ROOT / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name, follow_symlinks=False)
    for name in SHARED:
        if (ROOT / name).exists():
            (target / name).symlink_to(ROOT / name)
    return target


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(blocks("sh"))))
def test_sh_block(index: int, tmp_path: Path) -> None:
    repo = copy_of_repository(tmp_path / "repo")
    script = blocks("sh")[index]
    script = re.sub(r"^make test\b", "make -n test", script, flags=re.MULTILINE)
    keep = " ".join(f"-o {stamp}" for stamp in STAMPS.split())
    script = re.sub(r"^make\b", f"make {keep}", script, flags=re.MULTILINE)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        check=False,
        cwd=repo,
        env={**environment(), "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"{script}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
