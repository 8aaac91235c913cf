"""A real PostgreSQL for the journal's tests: one throwaway cluster per session, one fresh database per test.

The cluster (tools/pg_cluster.py, imported here as tests.postgres.cluster) is Debian's server, started in a temporary
directory as an unprivileged user and removed after the session, also when a test fails or the session is
interrupted. A database per test is a copy of template0 (about 40 ms), so each test starts with no journal schema at
all and may create as many as it likes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres.cluster import Cluster, Database


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    with Cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> Iterator[Database]:
    with pg_cluster.fresh_database() as database:
        yield database
