"""`make lint` enforces the import rules of the house with import-linter, imports inside functions included.

The packages are copied to a temporary folder that shadows the installed ones (PYTHONPATH comes before the editable
install's paths); the test runs the very `lint-imports` command of the Makefile's `lint` recipe there: it passes on
the unchanged copy, and fails, naming the broken contract, once one module gains a forbidden import inside a function.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = {
    "wechatpay_payscore": "generated",
    "wechatpay_auth": "auth_plugin",
    "wechatpay_payscore_client": "client",
    "wechatpay_emulator": "emulator",
    "wechatpay_pytest": "pytest_plugin",  # may not exist yet: the contracts name it as an external package
}
CONTRACTS = {
    "wechatpay_payscore": "the generated client imports nothing hand-written",
    "wechatpay_auth": "the auth plugin imports neither the generated client, the client, the emulator nor the pytest"
    " plugin",
    "wechatpay_emulator": "the emulator imports neither the generated client, the client, the auth plugin nor the"
    " pytest plugin",
    "wechatpay_payscore_client": "the client never imports the emulator or the pytest plugin",
}
LAYERS = "the client's layers run one way: entry points, factory, drivers, pipeline, decisions, data"


def lint_command() -> list[str]:
    """The `lint-imports` line of the Makefile's `lint` recipe, with `$(BIN)` resolved."""
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert recipe is not None, "the Makefile has a lint target"
    (line,) = [line.strip() for line in recipe.group(1).splitlines() if "lint-imports" in line]
    return shlex.split(line.replace("$(BIN)", str(BIN)))


@pytest.fixture(scope="module")
def command() -> list[str]:
    return lint_command()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for package, folder in PACKAGES.items():
        source = ROOT / folder / package
        if source.is_dir():
            shutil.copytree(source, tmp_path / folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def run_lint(project: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    paths = [str(project / folder) for folder in PACKAGES.values()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False)


def add_import_inside_a_function(project: Path, importer: str, imported: str) -> None:
    module = project / PACKAGES[importer] / importer / "__init__.py"
    with module.open("a", encoding="utf-8") as stream:
        stream.write(f"\n\ndef _reaches_across() -> object:\n    import {imported}\n\n    return {imported}\n")


def test_the_lint_target_runs_import_linter(command: list[str]) -> None:
    assert Path(command[0]).name == "lint-imports"
    assert "--no-cache" in command


def test_the_unchanged_packages_pass(project: Path, command: list[str]) -> None:
    result = run_lint(project, command)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in [*CONTRACTS.values(), LAYERS]:
        assert contract in " ".join(result.stdout.split())
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("wechatpay_payscore", "wechatpay_auth"),
        ("wechatpay_auth", "wechatpay_payscore_client"),
        ("wechatpay_emulator", "wechatpay_payscore"),
        ("wechatpay_payscore_client", "wechatpay_emulator"),
        ("wechatpay_payscore_client", "wechatpay_pytest"),
    ],
)
def test_a_forbidden_import_inside_a_function_fails_the_lint(
    project: Path, command: list[str], importer: str, imported: str
) -> None:
    add_import_inside_a_function(project, importer, imported)
    result = run_lint(project, command)
    assert result.returncode != 0
    output = " ".join(result.stdout.split())
    assert f"{CONTRACTS[importer]} BROKEN" in output
    assert f"{importer} -> {imported}" in output
    # A chain back into the client (auth -> client -> auth) also runs its layers backwards: that is reported too.
    assert "0 broken" not in output


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("_verdicts", "_pipeline"), ("_pipeline", "_factory"), ("_outcome", "_drivers"), ("_errors", "_messages")],
)
def test_a_lower_layer_of_the_client_importing_a_higher_one_fails_the_lint(
    project: Path, command: list[str], lower: str, higher: str
) -> None:
    module = project / "client" / "wechatpay_payscore_client" / f"{lower}.py"
    with module.open("a", encoding="utf-8") as stream:
        stream.write(f"\n\ndef _reaches_up() -> object:\n    from . import {higher}\n\n    return {higher}\n")
    result = run_lint(project, command)
    assert result.returncode != 0
    output = " ".join(result.stdout.split())
    assert f"{LAYERS} BROKEN" in output
    assert f"wechatpay_payscore_client.{lower} -> wechatpay_payscore_client.{higher}" in output
