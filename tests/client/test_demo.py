"""`make demo` runs the main job on the embedded emulator and says what really happened."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

# tools/ holds scripts, not an installed package: load the demo from its file, as `make demo` runs it.
_SPEC = importlib.util.spec_from_file_location("demo", Path(__file__).resolve().parents[2] / "tools" / "demo.py")
assert _SPEC is not None and _SPEC.loader is not None
demo = importlib.util.module_from_spec(_SPEC)
sys.modules["demo"] = demo
_SPEC.loader.exec_module(demo)
main = demo.main
shorten_authorization = demo.shorten_authorization


def test_demo_syncs_then_shows_the_signed_order_done() -> None:
    out = io.StringIO()
    assert main(out) == 0
    text = out.getvalue()
    assert "→ POST /v3/payscore/acquiringbank/serviceorder/1234323JKHDFE1243252/sync" in text
    assert "← 204 No Content" in text
    assert "DOING / MCH_COMPLETE → DONE" in text
    assert "← 400 ORDER_DONE" in text
    assert text.count("verified with key PUB_KEY_ID_0119000001002024112700000000") == 2
    assert "raised AlreadySyncedError, evidence: query" in text
    assert "✗" not in text
    assert text.rstrip().endswith("demo passed")
    assert "PRIVATE KEY" not in text


def test_authorization_is_shortened_for_display() -> None:
    header = 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="' + "A" * 300 + 'B==",timestamp="1"'
    short = shorten_authorization(header)
    assert len(short) < 120
    assert short.endswith('AAAB==",timestamp="1"')
    assert shorten_authorization("Bearer x") == "Bearer x"
