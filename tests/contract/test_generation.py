"""`make generate`: deterministic, drift-checked, and harmless when the spec is broken."""

from __future__ import annotations

import filecmp
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "payscore-acquiringbank.yaml"
GENERATED = ROOT / "generated" / "wechatpay_payscore"
TOOL = ROOT / "tools" / "generate.py"
TEMPLATES = ROOT / "openapi" / "templates"


def run_generate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": bin_dir + ":/usr/bin:/bin", "HOME": str(Path.home())},
    )


def same_tree(left: Path, right: Path) -> bool:
    cmp = filecmp.dircmp(left, right, ignore=["__pycache__"])
    pending = [cmp]
    while pending:
        current = pending.pop()
        if current.left_only or current.right_only or current.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(current.left, current.right, current.common_files, shallow=False)
        if mismatch or errors:
            return False
        pending.extend(current.subdirs.values())
    return True


@pytest.mark.slow
def test_committed_client_matches_the_spec() -> None:
    result = run_generate("--check")
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_two_generations_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "pkg", tmp_path / "two" / "pkg"
    assert run_generate("--target", first).returncode == 0
    assert run_generate("--target", second).returncode == 0
    assert same_tree(first, second)
    assert same_tree(first, GENERATED)


@pytest.mark.slow
def test_changing_one_word_of_the_spec_fails_the_drift_check(tmp_path: Path) -> None:
    changed = tmp_path / "spec.yaml"
    text = SPEC.read_text(encoding="utf-8")
    assert "Tells WeChat Pay Score" in text
    changed.write_text(text.replace("Tells WeChat Pay Score", "Informs WeChat Pay Score", 1), encoding="utf-8")
    result = run_generate("--check", "--spec", changed)
    assert result.returncode == 1
    assert "api/payscore/sync_service_order.py" in result.stderr


@pytest.mark.slow
def test_broken_spec_fails_loudly_and_leaves_the_client_untouched(tmp_path: Path) -> None:
    target = tmp_path / "wechatpay_payscore"
    shutil.copytree(GENERATED, target)
    broken = tmp_path / "broken.yaml"
    broken.write_text(SPEC.read_text(encoding="utf-8").replace("openapi: 3.1.0", "openapi: 3.1.0\nbogus: 1", 1))
    result = run_generate("--spec", broken, "--target", target)
    assert result.returncode == 1
    assert "is not a valid OpenAPI document" in result.stderr
    assert "bogus" in result.stderr
    assert same_tree(target, GENERATED)


@pytest.mark.slow
def test_changing_a_custom_template_fails_the_drift_check(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    errors_template = templates / "errors.py.jinja"
    text = errors_template.read_text(encoding="utf-8")
    assert "required field is missing" in text
    errors_template.write_text(text.replace("required field is missing", "required field is absent"), encoding="utf-8")
    result = run_generate("--check", "--templates", templates)
    assert result.returncode == 1
    assert "wechatpay_payscore/errors.py" in result.stderr.splitlines()[-1]


def test_the_custom_templates_are_used_and_required(tmp_path: Path) -> None:
    # The committed client carries what only the custom templates produce ...
    assert "def invalid_argument(self, error: Exception) -> Exception:" in (GENERATED / "client.py").read_text()
    assert "class InvalidModelError(ValueError):" in (GENERATED / "errors.py").read_text()
    # ... and generation without them fails instead of silently producing the stock client.
    result = run_generate("--check", "--templates", tmp_path / "missing")
    assert result.returncode == 1
    assert "the custom templates" in result.stderr


def test_another_generator_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("generate_tool", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.check_generator_version()  # the pinned release is installed
    monkeypatch.setattr(tool, "TEMPLATES_FOR", "0.0.1")
    with pytest.raises(tool.GenerationError, match="re-derive the templates"):
        tool.check_generator_version()
