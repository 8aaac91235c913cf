"""`python -m wechatpay_payscore_client`: the `wechatpay-payscore` command line."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
