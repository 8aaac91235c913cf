"""A throwaway PostgreSQL cluster of Debian's server, for the tests and `make bench`: started in a temporary directory,
removed after.

PostgreSQL refuses to run as root (`initdb: error: cannot be run as root`) and CI runs as root: then the temporary
directory belongs to the `postgres` system user and `initdb` / `pg_ctl` run as that user through `runuser`; a normal
user runs them directly. The server listens on 127.0.0.1 on a free port, and on a Unix socket in the temporary
directory. Two logins, each with one way in (pg_hba.conf as initdb writes it from `--auth-local` / `--auth-host`):

- `postgres`, the bootstrap superuser: through the socket only (trust; the directory is private to the server's user
  and to root), to create the tests' role and their databases;
- `payscore_test`: over TCP only, with a password made for this run (scram-sha-256), as a service would log in.

Durability is switched off (`fsync`, `synchronous_commit`, `full_page_writes`): the cluster lives as long as the
test session, and a crash of the machine loses nothing the tests need. `Cluster(durable=True)` keeps PostgreSQL's
defaults (every commit flushed to disk), for `make bench`, which weighs the journal against SQLite's
`synchronous=FULL`.

The tests import it as `tests.postgres.cluster`, the bench as `tools.pg_cluster`: bench/ never imports tests/.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_USER = "postgres"  # Debian's packages create this system user
ADMIN = "postgres"  # the bootstrap superuser initdb creates (-U)
TEST_ROLE = "payscore_test"
_START_TRIES = 3  # a free port found by binding port 0 may be taken by someone else before the server binds it


class ClusterError(RuntimeError):
    """The throwaway cluster could not be set up (no server binaries, initdb or pg_ctl failed)."""


def find_bindir() -> Path:
    """The newest Debian PostgreSQL server's bin directory (/usr/lib/postgresql/<major>/bin)."""
    found = [Path(path) for path in Path("/").glob(BIN_GLOB.lstrip("/")) if (Path(path) / "initdb").is_file()]
    if not found:
        raise ClusterError(
            f"no PostgreSQL server under {BIN_GLOB}: `make test` installs it "
            "(apt-get install -y --no-install-recommends postgresql)"
        )
    return max(found, key=lambda path: int(re.sub(r"\D", "", path.parent.name) or 0))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Database:
    """One database of the cluster, owned by the tests' role, reached over TCP with the run's password."""

    host: str
    port: int
    dbname: str
    user: str
    password: str

    @property
    def dsn(self) -> str:
        """A URL DSN, as a user would give it (`postgresql://user:password@host:port/dbname`)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.dbname}"

    @property
    def conninfo(self) -> str:
        return make_conninfo(host=self.host, port=self.port, dbname=self.dbname, user=self.user, password=self.password)

    def connect(self) -> psycopg.Connection[TupleRow]:
        return psycopg.connect(self.conninfo, autocommit=True)


class Cluster:
    """`with Cluster() as cluster:` a running server; `cluster.new_database()` a fresh, empty database."""

    def __init__(self, bindir: Path | None = None, *, durable: bool = False) -> None:
        self.bindir = bindir or find_bindir()
        self.durable = durable
        self.as_root = os.geteuid() == 0
        self.password = secrets.token_urlsafe(18)  # a new one per run: no fixed password in the tree
        self.root = Path(tempfile.mkdtemp(prefix="payscore-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        self._started = False

    # -- running the server's programs -------------------------------------------------------------------------

    def _run(self, program: str, *args: str) -> None:
        command: Sequence[str] = [str(self.bindir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0:
            raise ClusterError(
                f"{program} {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                + self._log_tail()
            )

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\nserver log:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        return ""

    # -- life cycle ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.as_root:
            try:
                server_user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise ClusterError(
                    f"running as root, and there is no `{SERVER_USER}` user to run PostgreSQL as "
                    "(Debian's postgresql-common creates it)"
                ) from None
            os.chown(self.root, server_user.pw_uid, server_user.pw_gid)
        self.root.chmod(0o700)
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            ADMIN,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        for attempt in range(_START_TRIES):
            self.port = _free_port()
            self._configure()
            try:
                self._run(
                    "pg_ctl",
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log),
                    "--wait",
                    "--timeout=60",
                    "start",
                )
            except ClusterError:
                if attempt + 1 < _START_TRIES and "could not bind" in self._log_tail():
                    continue
                raise
            break
        self._started = True
        with self.admin() as admin:
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(TEST_ROLE), sql.Literal(self.password)
                )
            )

    def _configure(self) -> None:
        # Appended settings win over earlier ones (postgresql.conf: the last occurrence counts); the file stays
        # the server user's (appending does not change its owner).
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "100",
            "shared_buffers": "32MB",
        }
        if not self.durable:
            settings.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# tools/pg_cluster.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def stop(self) -> None:
        """Stop the server (fast, else immediate) and remove every file of the cluster."""
        try:
            if self._started:
                try:
                    self._run("pg_ctl", "--pgdata", str(self.data), "--mode=fast", "--wait", "--timeout=30", "stop")
                except ClusterError:
                    self._run("pg_ctl", "--pgdata", str(self.data), "--mode=immediate", "--wait", "stop")
                self._started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def server_pid(self) -> int:
        """The postmaster's process id (the first line of postmaster.pid), while the server runs."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- databases -----------------------------------------------------------------------------------------------

    def admin(self, dbname: str = "postgres") -> psycopg.Connection[TupleRow]:
        """The bootstrap superuser, through the Unix socket (trust)."""
        return psycopg.connect(host=str(self.root), port=self.port, user=ADMIN, dbname=dbname, autocommit=True)

    def database(self, dbname: str) -> Database:
        return Database(host="127.0.0.1", port=self.port, dbname=dbname, user=TEST_ROLE, password=self.password)

    def new_database(self) -> Database:
        """A fresh, empty database owned by the tests' role (a copy of template0: no objects of earlier tests)."""
        name = f"t{next(self._names)}_{secrets.token_hex(3)}"
        with self.admin() as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 STRATEGY file_copy").format(
                    sql.Identifier(name), sql.Identifier(TEST_ROLE)
                )
            )
        return self.database(name)

    def drop_database(self, dbname: str) -> None:
        with self.admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[Database]:
        database = self.new_database()
        try:
            yield database
        finally:
            self.drop_database(database.dbname)
