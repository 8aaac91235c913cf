"""A real PostgreSQL for the journal's tests: one throwaway cluster per session, one fresh database per test.

The cluster (tools/pg_cluster.py, imported here as tests.postgres.cluster) is Debian's server, started in a temporary
directory as an unprivileged user and removed after the session, also when a test fails or the session is
interrupted. A database per test is a copy of template0 (about 40 ms), so each test starts with no journal schema at
all and may create as many as it likes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from wechatpay_emulator import Emulator, EmulatorConfig

from tests.postgres.cluster import Cluster, Database


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    with Cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> Iterator[Database]:
    with pg_cluster.fresh_database() as database:
        yield database


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[tuple[Emulator, str]]:
    """The emulator on 127.0.0.1 for a module's tests (the batch's tests against the real PostgreSQL)."""
    emulator = Emulator(EmulatorConfig.demo())
    with emulator.serve() as base_url:
        yield emulator, base_url


@pytest.fixture
def emulator(emulator_server: tuple[Emulator, str]) -> Emulator:
    """The module's emulator, idle and reset, logging up to 100 000 requests."""
    emulator = emulator_server[0]
    assert emulator.wait_idle(60), "a request of an earlier test is still being handled"
    emulator.reset()
    emulator.set_request_log_capacity(100_000)
    return emulator
