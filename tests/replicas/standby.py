"""A PostgreSQL hot standby of the local server, for the replica tests: a second cluster streamed from
the primary (127.0.0.1:5432) with ``pg_basebackup``, listening on 127.0.0.1:5433.

    python -m tests.replicas.standby start   # idempotent: a running standby is left as it is
    python -m tests.replicas.standby stop

``running()`` is the same for the length of a block, stopping the standby after if it started it: the
tests and the benchmark leave no second cluster streaming behind them.

The primary must allow replication connections from 127.0.0.1; when it is this machine's own cluster
and we are root, ``start`` adds the ``pg_hba.conf`` line and reloads. The standby's files live in
``$STANDBY_DIR`` (default ``/tmp/django-primitives-standby``) and are owned by the ``postgres`` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIMARY = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
STANDBY_PORT = os.environ.get("STANDBY_PORT", "5433")
STANDBY_DIR = Path(os.environ.get("STANDBY_DIR", "/tmp/django-primitives-standby"))
REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"
_CONFIGURATION = {
    "postgresql.conf": "port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '/tmp'\n"
    "hot_standby = on\nmax_connections = 100\nfsync = off\n",
    "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
    "pg_ident.conf": "",
}


def _bindir() -> Path:
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
    if found and (Path(found) / "pg_basebackup").exists():
        return Path(found)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not candidates:
        raise SystemExit("PostgreSQL server binaries (pg_basebackup, pg_ctl) are not installed.")
    return candidates[-1]


def _psql(sql: str, port: str = PRIMARY["port"]) -> str:
    return subprocess.run(
        ["psql", "-h", PRIMARY["host"], "-p", port, "-U", PRIMARY["user"], "-d", "postgres", "-Atc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def is_running() -> bool:
    try:
        return _psql("SELECT pg_is_in_recovery()", port=STANDBY_PORT) == "t"
    except subprocess.CalledProcessError:
        return False


def _allow_replication() -> None:
    hba = Path(_psql("SHOW hba_file"))
    if os.geteuid() != 0 or not hba.exists():
        return  # the primary's own configuration decides; pg_basebackup says so if it refuses
    lines = hba.read_text().splitlines()
    if not any(line.split()[:2] == ["host", "replication"] for line in lines if line.strip()):
        hba.write_text("\n".join([*lines, REPLICATION_LINE]) + "\n")
        _psql("SELECT pg_reload_conf()")


def start(timeout: float = 60) -> None:
    if is_running():
        return
    bindir = _bindir()
    _allow_replication()
    stop()
    shutil.rmtree(STANDBY_DIR, ignore_errors=True)
    STANDBY_DIR.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(STANDBY_DIR, "postgres", "postgres")
    STANDBY_DIR.chmod(0o700)
    host, port, user = PRIMARY["host"], PRIMARY["port"], PRIMARY["user"]
    basebackup = [str(bindir / "pg_basebackup"), "-h", host, "-p", port, "-U", user, "-D", str(STANDBY_DIR)]
    subprocess.run(_as_postgres([*basebackup, "-R", "-X", "stream", "-c", "fast"]), check=True)
    # Debian keeps a cluster's configuration in /etc, so the copy has none: the standby gets its own.
    for name, text in _CONFIGURATION.items():
        path = STANDBY_DIR / name
        if not path.exists():
            path.write_text(text.format(port=STANDBY_PORT))
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(STANDBY_DIR), "-l", str(STANDBY_DIR / "log"), "-w"]
    subprocess.run(_as_postgres([*pg_ctl, "start"]), check=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not is_running():
        if time.monotonic() > deadline:
            raise SystemExit(f"The standby on port {STANDBY_PORT} did not come up: see {STANDBY_DIR / 'log'}.")
        time.sleep(0.5)


@contextmanager
def running() -> Iterator[None]:
    """The standby for the length of a block: started if it is not running, and then stopped again after."""
    started = not is_running()
    start()
    try:
        yield
    finally:
        if started:
            stop()


def stop() -> None:
    if (STANDBY_DIR / "postmaster.pid").exists():
        pg_ctl = [str(_bindir() / "pg_ctl"), "-D", str(STANDBY_DIR), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(pg_ctl), check=False, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command not in {"start", "stop"}:
        raise SystemExit(__doc__)
    start() if command == "start" else stop()
    print(f"standby on 127.0.0.1:{STANDBY_PORT}: {'running' if is_running() else 'stopped'}")
