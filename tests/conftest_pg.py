"""A throwaway PostgreSQL server for tests: ``postgres_server`` (session) and ``pg_database``.

The server is a fresh cluster in a temporary folder (``initdb``, then ``pg_ctl start``),
listening only on a Unix socket in that folder, with durability off for speed; it is stopped
and deleted at the end of the session. PostgreSQL refuses to run as root, so under root the
cluster belongs to an unprivileged user (``postgres`` if there is one, else ``nobody``) and its
commands run through ``runuser``.

Set ``EVENTWATCH_PG_URL`` to use an existing server instead (a superuser URL: each test gets a
database created there and dropped after). When PostgreSQL is unavailable the tests that need it
fail, saying why, unless ``EVENTWATCH_SKIP_PG=1`` is set, which skips them instead.

Import the fixtures into a conftest: ``from conftest_pg import pg_database, pg_url, postgres_server``.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SKIP_ENV = "EVENTWATCH_SKIP_PG"
URL_ENV = "EVENTWATCH_PG_URL"


@dataclass
class PostgresServer:
    """A running server: ``url(db)`` is the libpq URL of a database on it."""

    host: str  # the socket folder, or a host name
    port: int
    user: str = "postgres"
    password: str | None = None
    startup_s: float = 0.0

    def url(self, dbname: str = "postgres") -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{dbname}?host={self.host}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run a statement (outside a transaction) in the maintenance database."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        """Create a new empty database; returns its URL."""
        name = f"evw_{uuid.uuid4().hex[:12]}"
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("@/", 1)[-1].split("?", 1)[0].rsplit("/", 1)[-1]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unavailable(reason: str) -> None:
    message = (f"PostgreSQL is unavailable for the PostgreSQL-backed tests: {reason}. Install the "
               f"PostgreSQL server (initdb, pg_ctl), set {URL_ENV} to a server, or set "
               f"{SKIP_ENV}=1 to skip these tests.")
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def find_pg_binary(name: str) -> str | None:
    """`name` (initdb, pg_ctl) on PATH or in the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parts[-3]
        return tuple(int(x) for x in part.split(".") if x.isdigit())

    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}") + glob.glob(f"/usr/pgsql-*/bin/{name}")
    candidates = [c for c in candidates if os.access(c, os.X_OK)]
    if not candidates:
        return None
    try:
        return max(candidates, key=version)
    except ValueError:
        return sorted(candidates)[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> str | None:
    """The unprivileged user to run the server as under root; None when not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def _command(args: list[str], user: str | None) -> list[str]:
    if user is None:
        return args
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", user, "--", *args]
    setpriv = shutil.which("setpriv")
    if setpriv:
        entry = pwd.getpwnam(user)
        return [setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", *args]
    raise RuntimeError("running as root and neither runuser nor setpriv is available")


def _run(args: list[str], user: str | None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(args, user), capture_output=True, text=True, timeout=timeout,
                          cwd="/", env={**os.environ, "LC_ALL": "C", "LANG": "C"})


def _start_cluster() -> Iterator[PostgresServer]:
    initdb, pg_ctl = find_pg_binary("initdb"), find_pg_binary("pg_ctl")
    if not initdb or not pg_ctl:
        _unavailable("no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin")
    assert initdb and pg_ctl
    user = _server_user()
    if os.geteuid() == 0 and user is None:
        _unavailable("running as root and no unprivileged user (postgres, nobody) to run the server as")
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="eventwatch-pg-"))
    data, log = root / "data", root / "server.log"
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    running = False
    try:
        done = _run([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                     "--locale=C", "--no-sync"], user)
        if done.returncode != 0:
            _unavailable(f"initdb failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}")
        port = _free_port()
        options = (f"-p {port} -k {root} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        done = _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"], user)
        running = True
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            _unavailable(f"pg_ctl start failed ({done.returncode}): {done.stderr.strip()} {tail}")
        server = PostgresServer(host=str(root), port=port)
        server.startup_s = time.monotonic() - started
        yield server
    finally:
        if running:
            _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], user, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (a throwaway cluster, or EVENTWATCH_PG_URL)."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"the psycopg driver is not installed ({exc})")
    url = os.environ.get(URL_ENV)
    if url:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        host = parsed.query.get("host") or parsed.host or "localhost"
        yield PostgresServer(host=str(host), port=int(parsed.port or parsed.query.get("port") or 5432),
                             user=parsed.username or "postgres", password=parsed.password)
        return
    yield from _start_cluster()


@pytest.fixture
def pg_database(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new empty database on the session's server, dropped after the test."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """The URL of a new empty PostgreSQL database (another name for `pg_database`)."""
    return pg_database
