"""Throwaway PostgreSQL cluster for tests.

``throwaway_postgres()`` starts a private PostgreSQL server on 127.0.0.1 and a free port, creates
the ``jiefen_test`` database and yields its SQLAlchemy URL. On exit (also after an exception) the
server is stopped with ``-m immediate`` and its directory removed. Startup takes about a second.

PostgreSQL refuses to run as root, so when we are root every binary runs as the ``postgres`` OS
user through ``runuser``, with the data and socket directories in a temp dir owned by that user.
The cluster uses ``trust`` auth and no fsync: fine for tests, never for real data. The locale is
C.UTF-8 because with plain C pg_trgm produces no trigrams for Chinese text.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

DB_NAME = "jiefen_test"
PG_USER = "postgres"
_STEP_TIMEOUT = 120  # seconds per initdb / pg_ctl / createdb call


def _is_root() -> bool:
    return os.geteuid() == 0


def _bindir() -> Path | None:
    """Directory holding initdb/pg_ctl/createdb, or None if PostgreSQL is not installed."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    # Debian keeps the server binaries outside PATH; newest major version first.
    candidates += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: _version_key(p.parent.name),
        reverse=True,
    )
    for cand in candidates:
        if (cand / "initdb").is_file() and (cand / "pg_ctl").is_file():
            return cand
    return None


def _version_key(name: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (0,)


def _root_can_switch_user() -> bool:
    if not _is_root():
        return True
    if shutil.which("runuser") is None:
        return False
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        return False
    return True


def postgres_available() -> bool:
    """True when a PostgreSQL server can be started here (binaries found, and as root the
    ``postgres`` OS user plus ``runuser`` exist)."""
    return _bindir() is not None and _root_can_switch_user()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *cmd] if _is_root() else cmd


def _log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _run(cmd: list[str], what: str, log: Path) -> None:
    try:
        proc = subprocess.run(
            _as_pg(cmd), capture_output=True, text=True, timeout=_STEP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(
            f"PostgreSQL {what} timed out after {_STEP_TIMEOUT} s.\n"
            f"--- server log tail ({log}) ---\n{_log_tail(log)}"
        ) from exc
    if proc.returncode != 0:
        raise RuntimeError(
            f"PostgreSQL {what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout.strip()}\n--- stderr ---\n{proc.stderr.strip()}\n"
            f"--- server log tail ({log}) ---\n{_log_tail(log)}"
        )


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a private PostgreSQL server and yield
    ``postgresql+psycopg://postgres@127.0.0.1:PORT/jiefen_test``.

    Raises:
        RuntimeError: PostgreSQL is not installed, or the server failed to start (the message
            carries the tail of the server log).
    """
    bindir = _bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries not found (tried `pg_config --bindir` and "
            "/usr/lib/postgresql/*/bin). On Debian: apt-get install postgresql"
        )
    if not _root_can_switch_user():
        raise RuntimeError(
            "Running as root, but `runuser` or the `postgres` OS user is missing; "
            "PostgreSQL refuses to run as root."
        )

    base = Path(tempfile.mkdtemp(prefix="jiefen-pg-"))
    data, log = base / "data", base / "server.log"
    started = False
    try:
        if _is_root():
            pw = pwd.getpwnam(PG_USER)
            os.chown(base, pw.pw_uid, pw.pw_gid)
        base.chmod(0o700)

        _run(
            [
                str(bindir / "initdb"),
                "-D", str(data),
                "-U", PG_USER,
                "-A", "trust",
                "-E", "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            "initdb",
            log,
        )  # fmt: skip

        # Another process may grab the port between _free_port() and the bind; retry then.
        last_error: RuntimeError | None = None
        for _attempt in range(3):
            port = _free_port()
            opts = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {base} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                # The fuzz test's crawl keeps a user's whole crawl in one savepoint; each of
                # the app's commits inside it holds its transaction lock until the end.
                "-c max_locks_per_transaction=512"
            )
            try:
                _run(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts,
                     "-w", "-t", "60", "start"],
                    "start",
                    log,
                )  # fmt: skip
            except RuntimeError as exc:
                last_error = exc
                _stop(bindir, data)
                continue
            started = True
            break
        if not started:
            raise last_error or RuntimeError("PostgreSQL did not start")

        _run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER,
             DB_NAME],
            "createdb",
            log,
        )  # fmt: skip

        yield f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/{DB_NAME}"
    finally:
        if started:
            _stop(bindir, data)
        shutil.rmtree(base, ignore_errors=True)


def _stop(bindir: Path, data: Path) -> None:
    """Stop the server without a checkpoint; the data is thrown away anyway."""
    if not (data / "postmaster.pid").exists():
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            _as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            timeout=_STEP_TIMEOUT,
            check=False,
        )
