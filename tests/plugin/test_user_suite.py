"""A user's own test suite, with no conftest.py and no configuration, run by pytest in another process: through the
plugin's entry point in this environment, from the built wheel installed in a fresh one, and without the extra."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]

USER_TESTS = """
import pytest
from wechatpay_emulator import Fault, Order
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import WechatPayError

IDS = {"service_id": "2002000000000558128851361561536", "sub_mchid": "1900000109", "channel_id": "1230000109"}


def test_a_lost_answer_was_applied(wechatpay_emulator, wechatpay_client):
    wechatpay_emulator.seed(Order(out_order_no="MY-ORDER-1", **IDS))
    wechatpay_emulator.inject(Fault.apply_then_drop())
    body = SyncServiceOrderRequest(**IDS, detail=SyncDetail(paid_time="20091225091210"))
    with pytest.raises(WechatPayError) as caught:
        sync_service_order.sync_detailed("MY-ORDER-1", client=wechatpay_client, body=body)
    assert caught.value.outcome_unknown
    assert wechatpay_emulator.order("MY-ORDER-1").state == "DONE"
    assert wechatpay_emulator.order("MY-ORDER-1").collection.details[-1].paid_type == "MCH"


def test_the_next_test_starts_clean(wechatpay_emulator):
    assert [order.out_order_no for order in wechatpay_emulator.orders] == ["1234323JKHDFE1243252"]
    assert wechatpay_emulator.faults == []


async def my_notify_app(scope, receive, send):
    # The application's endpoint: refuses a probe signature (a real app verifies every signature), accepts the rest.
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    headers = dict(scope["headers"])
    status = 400 if headers[b"wechatpay-signature"].startswith(b"WECHATPAY/SIGNTEST/") else 204
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def wechatpay_notification_app():
    return my_notify_app


@pytest.mark.wechatpay_notification_fault("probe_signature")
def test_my_app_receives_the_notifications(wechatpay_emulator, wechatpay_notifications):
    wechatpay_emulator.seed(Order(out_order_no="MY-ORDER-2", **IDS, state="CREATED"))
    wechatpay_emulator.confirm("MY-ORDER-2")
    attempts = wechatpay_notifications.wait_for("MY-ORDER-2", "PAYSCORE.USER_CONFIRM", attempts=2)
    assert [(attempt.status, attempt.fault) for attempt in attempts] == [(400, "probe_signature"), (204, None)]


@pytest.mark.wechatpay_fault(Fault.system_error())
@pytest.mark.anyio
async def test_async_with_a_marker(wechatpay_emulator, wechatpay_async_client):
    body = SyncServiceOrderRequest(**IDS, detail=SyncDetail(paid_time="20091225"))
    with pytest.raises(WechatPayError) as caught:
        await sync_service_order.asyncio_detailed("1234323JKHDFE1243252", client=wechatpay_async_client, body=body)
    assert caught.value.retryable
    assert wechatpay_emulator.order("1234323JKHDFE1243252").state == "DOING"
"""

# The packages of the `emulator` extra: blocked, the environment looks as if the extra were not installed.
WITHOUT_EXTRA = """
import sys
for name in ("starlette", "uvicorn", "openapi_core"):
    sys.modules[name] = None
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""

PLAIN_TESTS = """
import sys


def test_unrelated():
    # The plugin imported neither the emulator nor the client at start-up.
    assert "wechatpay_emulator" not in sys.modules
    assert "wechatpay_payscore_client" not in sys.modules


def test_asks_for_the_emulator(wechatpay_emulator):
    pass
"""


def run_pytest(
    python: Path | str, folder: Path, *args: str, prelude: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "WECHATPAY_", "COV_"))}
    command = [str(python), "-c", prelude] if prelude else [str(python), "-m", "pytest"]
    return subprocess.run(
        [*command, "-W", "error", "-p", "no:cacheprovider", "-q", "--strict-markers", *args, str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def user_folder(tmp_path: Path, tests: str = USER_TESTS) -> Path:
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "test_payments.py").write_text(tests, encoding="utf-8")
    assert not list(folder.glob("conftest.py"))
    return folder


def test_a_user_suite_without_conftest_through_the_entry_point(tmp_path: Path) -> None:
    result = run_pytest(sys.executable, user_folder(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_without_the_extra_pytest_starts_and_the_fixture_says_what_to_install(tmp_path: Path) -> None:
    result = run_pytest(sys.executable, user_folder(tmp_path, PLAIN_TESTS), prelude=WITHOUT_EXTRA)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "1 error" in result.stdout
    assert "pip install 'wechatpay-payscore[emulator]'" in result.stdout
    assert "Traceback" not in result.stdout


def fresh_venv_with_the_wheel(tmp_path: Path) -> Path:
    """A new virtual environment with the built wheel installed, extra included, and nothing from this checkout.

    Offline (tests reach no host but 127.0.0.1): the extra's dependencies are satisfied from this environment's
    site-packages, seen through a folder of links that leaves out this project's own editable install.
    """
    dist = tmp_path / "dist"
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
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = dist.glob("wechatpay_payscore-*.whl")
    deps = tmp_path / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if entry.name.endswith(".pth") or entry.name.startswith(
            ("wechatpay_payscore", "_editable_impl_", "__editable__")
        ):
            continue
        (deps / entry.name).symlink_to(entry)
    venv.EnvBuilder(with_pip=False).create(tmp_path / "fresh")
    python = tmp_path / "fresh" / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    requirement = f"wechatpay-payscore[emulator] @ {wheel.as_uri()}"
    install = subprocess.run(
        [*PIP, "--python", str(python), "install", "--quiet", "--no-index", requirement],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert install.returncode == 0, install.stderr
    return python


@pytest.mark.slow
def test_the_installed_wheel_with_the_extra_runs_a_user_suite(tmp_path: Path) -> None:
    python = fresh_venv_with_the_wheel(tmp_path)
    where = subprocess.run(
        [python, "-c", "import wechatpay_pytest.plugin as p, wechatpay_emulator as e; print(p.__file__, e.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where, where  # the installed copies, not this checkout's
    assert str(tmp_path / "fresh") in where
    result = run_pytest(python, user_folder(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
