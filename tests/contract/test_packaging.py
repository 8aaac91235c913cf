"""The distribution installs the generated and hand-written packages and carries the contract with it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("wechatpay_payscore-*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_every_package_and_the_contract(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("wechatpay_payscore", "wechatpay_auth", "wechatpay_payscore_client", "wechatpay_emulator"):
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    spec = (ROOT / "openapi" / "payscore-acquiringbank.yaml").read_bytes()
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("wechatpay_payscore_client/contract/payscore-acquiringbank.yaml") == spec
    assert not any(name.startswith(("tests/", "generated/", "openapi/")) for name in names)


@pytest.mark.slow
def test_wheel_works_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import wechatpay_payscore_client as c, wechatpay_payscore as g\n"
        "assert c.__file__.startswith(sys.argv[1]) and g.__file__.startswith(sys.argv[1]), c.__file__\n"
        "print(c.load_contract().operation('syncServiceOrder').path)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(site)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync"
