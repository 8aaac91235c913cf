"""The tests' throwaway PostgreSQL cluster: its one copy is `tools/pg_cluster.py`, which `make bench` starts too."""

from __future__ import annotations

from tools.pg_cluster import ADMIN, SERVER_USER, TEST_ROLE, Cluster, ClusterError, Database, find_bindir

__all__ = ["ADMIN", "SERVER_USER", "TEST_ROLE", "Cluster", "ClusterError", "Database", "find_bindir"]
