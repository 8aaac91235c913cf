"""Shared test configuration."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    # asyncio only: trio is not a dependency of the project.
    return "asyncio"
