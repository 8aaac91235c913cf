"""Leaving `with` or `async with` closes every pool the client opened: no ResourceWarning under `-W error`.

Each case runs in a fresh interpreter with warnings as errors and unraisable exceptions reported, against the
emulator, and must exit 0 with nothing on standard error.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from .conftest import SEED

PRELUDE = f"""
import asyncio, gc, sys, warnings
from wechatpay_emulator import demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import create_client

def unraisable(info):
    sys.stderr.write(f"unraisable: {{info.exc_value!r}}\\n")
    sys.exit(3)

sys.unraisablehook = unraisable
client = create_client(
    mchid=demo.DEMO_MCHID,
    serial_no=demo.DEMO_MERCHANT_SERIAL,
    private_key=demo.demo_merchant_private_key_path(),
    wechatpay_public_keys={{demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()}},
    base_url=sys.argv[1],
)
body = SyncServiceOrderRequest(
    service_id={SEED.service_id!r}, sub_mchid={SEED.sub_mchid!r}, channel_id={SEED.channel_id!r},
    detail=SyncDetail(paid_time="20091225091210"),
)

async def call_async():
    return await sync_service_order.asyncio_detailed("NO_SUCH_ORDER_1", client=client, body=body)

def call_sync():
    return sync_service_order.sync_detailed("NO_SUCH_ORDER_2", client=client, body=body)
"""

CASES = {
    "sync-with-around-asyncio-run": """
with client:
    for _ in range(2):
        try:
            asyncio.run(call_async())
        except Exception:
            pass
    try:
        call_sync()
    except Exception:
        pass
""",
    "async-with-around-sync-calls": """
async def main():
    async with client:
        try:
            await call_async()
        except Exception:
            pass
        try:
            call_sync()
        except Exception:
            pass
asyncio.run(main())
""",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_closing_leaves_no_open_socket(case: str, base_url: str) -> None:
    script = PRELUDE + textwrap.dedent(CASES[case]) + "\ndel client\ngc.collect()\nprint('closed')\n"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script, base_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "closed"
    assert "ResourceWarning" not in result.stderr, result.stderr
