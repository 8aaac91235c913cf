"""Which journal a command uses: an SQLite file (the default) or a PostgreSQL database shared by a group of workers.

    --journal FILE                 the SQLite journal (default: INPUT.journal beside INPUT)
    --journal postgresql://...     a PostgreSQL journal, by a DSN without a password
    --journal-dsn-env NAME         a PostgreSQL journal, by the DSN held in the environment variable NAME
    --journal-schema NAME          the PostgreSQL schema holding it (default wechatpay_batch)

Rules kept here (issue 20): a password never travels on a command line (a DSN given to `--journal` that carries one
is refused, naming the other ways: `PGPASSWORD`, `~/.pgpass`, `--journal-dsn-env`), and never appears in a repr, a
message or the name a journal is shown by. Nothing of psycopg is imported unless a PostgreSQL journal is chosen.
"""

from __future__ import annotations

import argparse
import os
import re
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from wechatpay_auth import ConfigurationError

from ._journal import Journal, SqliteJournal

if TYPE_CHECKING:
    from ._postgres import PostgresJournal

__all__ = ["JournalTarget", "add_journal_arguments", "journal_target", "looks_like_dsn"]

_DSN_SCHEMES = ("postgresql://", "postgres://")
_DEFAULT_SCHEMA = "wechatpay_batch"  # as `_pg_connect.DEFAULT_SCHEMA`, without importing psycopg to know it
_ENVIRONMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def looks_like_dsn(text: str) -> bool:
    """A `--journal` value naming a PostgreSQL database rather than a file."""
    return text.lower().startswith(_DSN_SCHEMES)


@attrs.frozen
class JournalTarget:
    """A chosen journal: `path` for SQLite, or `dsn` and `schema` for PostgreSQL. `shown` names it safely."""

    path: Path | None = None
    dsn: str | None = attrs.field(default=None, repr=False)  # may hold a password (from the environment)
    schema: str = _DEFAULT_SCHEMA
    shown: str = ""

    @property
    def is_postgres(self) -> bool:
        return self.dsn is not None

    def open(self, *, read_only: bool = False) -> Journal:
        """The journal itself (`JournalError` when it cannot be opened)."""
        if self.dsn is not None:
            return self.open_postgres(read_only=read_only)
        assert self.path is not None  # noqa: S101 - one of the two is always set by `journal_target`
        return SqliteJournal(self.path, read_only=read_only)

    def open_postgres(self, *, read_only: bool = False, role: str = "batch") -> PostgresJournal:
        if self.dsn is None:
            raise ConfigurationError(f"{self.shown} is not a PostgreSQL journal")
        from ._postgres import PostgresJournal  # noqa: PLC0415 - psycopg loads only when PostgreSQL is chosen

        return PostgresJournal(
            self.dsn, schema=self.schema, read_only=read_only, application_name=f"wechatpay-payscore {role}"
        )

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("a JournalTarget may hold a database password and is not pickled")


def add_journal_arguments(parser: argparse.ArgumentParser | Any, *, file_default: str | None = None) -> None:
    """Declare `--journal`, `--journal-dsn-env` and `--journal-schema` on a command's parser."""
    default = f" (default: {file_default})" if file_default else ""
    parser.add_argument(
        "--journal",
        metavar="FILE|DSN",
        help=f"the journal: an SQLite file{default}, or postgresql://USER@HOST:PORT/DB shared by several workers "
        "(the password through PGPASSWORD or ~/.pgpass, never in the DSN)",
    )
    parser.add_argument(
        "--journal-dsn-env",
        metavar="NAME",
        help="the PostgreSQL journal's DSN is in the environment variable NAME (it may hold the password)",
    )
    parser.add_argument(
        "--journal-schema",
        metavar="NAME",
        default=None,
        help=f"the PostgreSQL schema holding the journal (default {_DEFAULT_SCHEMA}); several days or teams may "
        "share one database, each in its own schema",
    )


def journal_target(args: argparse.Namespace, *, default_path: Path | None = None) -> JournalTarget:
    """The journal `args` choose; `ConfigurationError` naming what is wrong (never quoting a password)."""
    given: str | None = getattr(args, "journal", None)
    env_name: str | None = getattr(args, "journal_dsn_env", None)
    schema: str | None = getattr(args, "journal_schema", None)
    if given is not None and env_name is not None:
        raise ConfigurationError("give --journal or --journal-dsn-env, not both")
    if env_name is not None:
        if not _ENVIRONMENT_NAME.fullmatch(env_name):
            # Quoted in the messages below: a DSN pasted here (its password with it) is refused without quoting it.
            raise ConfigurationError(
                "--journal-dsn-env takes the name of an environment variable (letters, digits and _), not a DSN; "
                "the value given is not shown"
            )
        dsn = os.environ.get(env_name)
        if not dsn or not dsn.strip():
            raise ConfigurationError(f"--journal-dsn-env {env_name}: the environment variable {env_name} is not set")
        return _postgres_target(dsn.strip(), schema, f"the DSN in ${env_name}")
    if given is not None and looks_like_dsn(given):
        if _url_password(given) or _parsed(given, "--journal").get("password"):
            raise ConfigurationError(
                "--journal: the DSN carries a password, which a command line must not (other users can read it "
                "in the process list and the shell's history): give it through PGPASSWORD or ~/.pgpass, or pass "
                "the whole DSN with --journal-dsn-env NAME"
            )
        return _postgres_target(given, schema, "--journal")
    if schema is not None:
        raise ConfigurationError("--journal-schema applies to a PostgreSQL journal only")
    if given is not None:
        if not given.strip():
            raise ConfigurationError("--journal: empty; give a file or a postgresql:// DSN")
        return JournalTarget(path=Path(given), shown=given)
    if default_path is None:
        raise ConfigurationError("--journal FILE|DSN (or --journal-dsn-env NAME) is required here")
    return JournalTarget(path=default_path, shown=str(default_path))


def _postgres_target(dsn: str, schema: str | None, source: str) -> JournalTarget:
    name = schema or _DEFAULT_SCHEMA
    from ._pg_connect import check_schema_name  # noqa: PLC0415 - psycopg loads only when PostgreSQL is chosen

    try:
        check_schema_name(name)
    except ValueError as exc:
        raise ConfigurationError(f"--journal-schema: {exc}") from None
    params = _parsed(dsn, source)
    host = params.get("host") or os.environ.get("PGHOST") or "localhost"
    port = params.get("port") or os.environ.get("PGPORT") or "5432"
    dbname = params.get("dbname") or os.environ.get("PGDATABASE") or ""
    # Shown by host, port, database and schema only: never the DSN itself, which may hold a password.
    return JournalTarget(dsn=dsn, schema=name, shown=f"postgresql {host}:{port}/{dbname} schema {name}")


def _parsed(dsn: str, source: str) -> dict[str, str]:
    """The DSN's parameters; `ConfigurationError` (not quoting it: it may hold a password) if it has none."""
    try:
        from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - the postgres extra is not installed
        raise ConfigurationError(
            "a PostgreSQL journal needs psycopg: pip install 'wechatpay-payscore[postgres]'"
        ) from exc
    try:
        return {key: str(value) for key, value in conninfo_to_dict(dsn).items() if value is not None}
    except Exception:  # noqa: BLE001 - the driver's message quotes the DSN: say what is wrong without it
        raise ConfigurationError(
            f"{source}: not a PostgreSQL connection string (the value is not shown): give "
            "postgresql://USER@HOST:PORT/DBNAME, with any %-escapes complete"
        ) from None


def _url_password(dsn: str) -> bool:
    """A `scheme://user:password@...` password, found by URL syntax alone (whatever libpq would make of it)."""
    try:
        return bool(urllib.parse.urlsplit(dsn).password)
    except ValueError:
        return False
