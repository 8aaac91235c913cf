"""`make demo` shows the life of three orders on the embedded emulator, says what really happened, and fails loudly."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wechatpay_emulator import Emulator, Order

from tools import demo
from tools.demo_display import shorten_authorization

ROOT = Path(__file__).resolve().parents[2]
KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"


@pytest.fixture(scope="module")
def output() -> str:
    """`make demo`'s command, run as a fresh process from the repository root."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "tools/demo.py"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 30
    return done.stdout


def test_the_demo_passes_and_says_so_last(output: str) -> None:
    assert output.rstrip().endswith("demo passed")
    assert "✗" not in output
    assert "FAILED" not in output


def test_the_three_lives_end_as_the_emulator_recorded(output: str) -> None:
    for line in [
        "✓ DEMO-LIFE-1  DONE by sync        create → USER_CONFIRM → complete → modify → sync\n",
        "✓ DEMO-LIFE-2  DONE by collection  create → USER_CONFIRM → complete → registerdeductinfo → collect\n",
        "✓ DEMO-LIFE-3  REVOKED by cancel   create → USER_CONFIRM → cancel\n",
    ]:
        assert line in output
    assert re.search(r"= DONE; total 30000; collection USER_PAID; paid 30000 by MCH at \d{14}\n", output)
    assert re.search(r"= DONE; total 39900; collection USER_PAID; paid 39900 by MCH at \d{14}\n", output)
    assert "  = REVOKED\n" in output


def test_each_call_shows_its_request_its_verified_answer_and_the_state_after_it(output: str) -> None:
    for line in [
        "→ POST /v3/payscore/acquiringbank/serviceorder\n",
        "→ POST /v3/payscore/acquiringbank/serviceorder/DEMO-LIFE-1/complete\n",
        "→ POST /v3/payscore/acquiringbank/serviceorder/DEMO-LIFE-1/modify\n",
        "→ POST /v3/payscore/acquiringbank/serviceorder/DEMO-LIFE-1/sync\n",
        "→ POST /v3/payscore/acquiringbank/serviceorder/DEMO-LIFE-2/registerdeductinfo\n",
        "→ GET /v3/payscore/acquiringbank/serviceorder/deduction?",
        "→ POST /v3/payscore/acquiringbank/serviceorder/DEMO-LIFE-3/cancel\n",
        "= DOING/MCH_COMPLETE; total 30000; collection USER_PAYING\n",
        "» the user confirms it in WeChat\n",
        "» the clearing house collects DEDUCT",
    ]:
        assert line in output
    requests = len(re.findall(r"^  → ", output, re.MULTILINE))
    answers = re.findall(r"  ← (\d{3}) [A-Za-z ]+, Request-ID [0-9A-Za-z-]+, signed by (\S+), verified\n", output)
    assert len(answers) == requests - 1 == 10  # the lost answer is the one request without one
    assert {key for _, key in answers} == {KEY_ID}
    assert f"✓ 10 answers shown, every one signed with {KEY_ID} and verified" in output
    # ~35 lines per order at most: readable at a glance.
    sections = re.split(r"\n(?=\d\. DEMO-LIFE-\d)", output.split("\nWhat the emulator recorded", maxsplit=1)[0])[1:]
    assert len(sections) == 3
    assert all(len(section.strip().splitlines()) <= 35 for section in sections)


def test_the_lost_answer_is_settled_by_a_verified_query(output: str) -> None:
    lost = output[output.index("2.3 complete it") : output.index("2.4 ")]
    assert "→ POST /v3/payscore/acquiringbank/serviceorder/DEMO-LIFE-2/complete\n" in lost
    assert "← no answer: the connection dropped, the outcome is unknown" in lost
    assert "→ GET /v3/payscore/acquiringbank/serviceorder?" in lost
    assert 'raised AlreadyAppliedError, evidence "query": applied by the lost attempt' in lost
    assert "attempt #1: sent, answer lost (" in lost
    assert lost.rstrip().endswith("= DOING/MCH_COMPLETE; total 39900; collection USER_PAYING")
    assert "✓ the lost answer of DEMO-LIFE-2's complete: applied once, settled by a verified query" in output


def test_signatures_are_shortened_and_no_key_material_is_shown(output: str) -> None:
    signatures = re.findall(r'signature="([^"]*)"', output)
    assert len(signatures) == 11
    assert all("…" in signature and len(signature) < 24 for signature in signatures)
    assert not re.search(r"[A-Za-z0-9+/=]{60,}", output)
    assert "PRIVATE KEY" not in output


def _collect_nothing(self: Emulator, out_order_no: str, mchid: str | None = None) -> Order:
    return self.order(out_order_no, mchid)


def _inject_nothing(self: Emulator, *args: object, **kwargs: object) -> int:
    return 0


@pytest.mark.parametrize(
    ("name", "sabotage", "message"),
    [
        (
            "collect",
            _collect_nothing,
            "✗ demo FAILED: DEMO-LIFE-2, step 2.6:"
            " expected [DONE; total 39900; collection USER_PAID; paid 39900 by MCH],"
            " the verified query shows [DOING/MCH_COMPLETE; total 39900; collection USER_PAYING]",
        ),
        ("inject", _inject_nothing, "✗ demo FAILED: DEMO-LIFE-2, step 2.3: answered, though its answer was to be lost"),
    ],
    ids=["the clearing house never collects", "the answer is never lost"],
)
def test_a_deviation_fails_the_demo_with_a_message_that_says_where(
    monkeypatch: pytest.MonkeyPatch, name: str, sabotage: object, message: str
) -> None:
    monkeypatch.setattr(Emulator, name, sabotage)
    out = io.StringIO()
    assert demo.main(out) == 1
    text = out.getvalue()
    assert text.rstrip().endswith(message)
    assert "demo passed" not in text


def test_authorization_is_shortened_for_display() -> None:
    header = 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="' + "A" * 300 + 'B==",timestamp="1"'
    short = shorten_authorization(header)
    assert len(short) < 120
    assert short.endswith('AAAB==",timestamp="1"')
    assert shorten_authorization("Bearer x") == "Bearer x"
