"""The tests' PostgreSQL: a real server, run as an unprivileged user, reached with a password, removed after."""

from __future__ import annotations

import os
import pwd
import socket

import psycopg
import pytest

from tests.postgres.cluster import ADMIN, SERVER_USER, TEST_ROLE, Cluster, Database


def test_the_server_runs_as_an_unprivileged_user_and_the_tests_log_in_with_a_password(
    pg_cluster: Cluster, pg_database: Database
) -> None:
    with pg_database.connect() as connection:
        row = connection.execute(
            "SELECT current_user, current_database(), rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert row == (TEST_ROLE, pg_database.dbname, False)
    server_pid = int((pg_cluster.data / "postmaster.pid").read_text().split()[0])
    server_uid = os.stat(f"/proc/{server_pid}").st_uid
    expected = SERVER_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    assert pwd.getpwuid(server_uid).pw_name == expected != "root"
    assert pwd.getpwuid(pg_cluster.data.stat().st_uid).pw_name == expected
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_database.conninfo.replace(pg_database.password, "not-the-password"))
    # The bootstrap superuser has no way in over TCP: only through the cluster's private socket.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user=ADMIN, dbname="postgres", password="")


def test_each_test_database_starts_empty(pg_database: Database) -> None:
    with pg_database.connect() as connection:
        connection.execute("CREATE SCHEMA left_by_this_test")
        schemas = connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
        ).fetchall()
    assert sorted(name for (name,) in schemas) == ["left_by_this_test", "public"]


def test_each_test_database_starts_empty_again(pg_database: Database) -> None:
    with pg_database.connect() as connection:
        found = connection.execute("SELECT to_regnamespace('left_by_this_test')").fetchone()
    assert found == (None,)


def test_a_cluster_stops_and_leaves_nothing_behind() -> None:
    cluster = Cluster()
    with cluster:
        assert cluster.data.is_dir()
        with cluster.fresh_database() as database, database.connect() as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
        port = cluster.port
    assert not cluster.root.exists()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
