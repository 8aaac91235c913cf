"""Where the emulator may send a notification: plain `http://` to this machine's loopback, nowhere else.

An emulator must never reach the outside world from a test run: a seeded order's example `notify_url`
(`https://api.test.com`) or a create's real one would otherwise be contacted. So a notification whose URL is not
`http://127.0.0.1…`, `http://[::1]…` or `http://localhost…` is recorded as refused and never sent. `https://` is
not emulated, even on loopback: serve the receiver on plain http and point the emulator at it (`set_notify_url`).
"""

from __future__ import annotations

import httpx

__all__ = ["LOOPBACK_HOSTS", "refusal_reason"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def refusal_reason(url: str) -> str | None:
    """Why `url` is not contacted, or None when it may be (http on a loopback host).

    The URL is parsed the way the delivery's HTTP client parses it, so that what is checked is what is reached
    (`http://127.0.0.1@example.com/` is example.com, and refused).
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError):
        return f"notify_url {url!r} is not a URL: not contacted"
    host = parsed.host.lower()
    if host not in LOOPBACK_HOSTS:
        return f"notify_url host {host!r} is not loopback (127.0.0.1, ::1, localhost): not contacted"
    if parsed.scheme != "http":
        return f"notify_url scheme {parsed.scheme!r} is not emulated (only http on loopback): not contacted"
    return None
