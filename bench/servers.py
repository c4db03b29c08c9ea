"""Starting, stopping and measuring a uvicorn server (one worker unless asked) for a benchmark."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UVICORN = Path(sys.executable).parent / "uvicorn"


def start(
    factory: str, port: int, env: dict[str, str], log: Path, workers: int = 1
) -> subprocess.Popen:
    """uvicorn serving `factory` on 127.0.0.1:port with `workers` worker processes (one: the
    server is the worker), ready when this returns.

    The app's database gets the migrations added to the code since it was made first: the app
    refuses to start without them.
    """
    if factory.startswith("server:"):
        subprocess.run([str(UVICORN.with_name("amane")), "migrate"], cwd=ROOT, env=env,
                        check=True, stdout=subprocess.DEVNULL)
    command = [
        str(UVICORN),
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        *(["--workers", str(workers)] if workers > 1 else []),
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{factory} exited with {process.returncode}: see {log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{factory} did not listen on port {port} within 60 s: see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serving(
    factory: str, port: int, env: dict[str, str], log: Path, workers: int = 1
) -> Iterator[subprocess.Popen]:
    process = start(factory, port, env, log, workers)
    try:
        yield process
    finally:
        stop(process)


def _own_mb(pid: int, field: str = "VmRSS:") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def resident_mb(pid: int, *, peak: bool = False, workers: int = 1) -> float:
    """The resident memory (VmRSS, or its peak VmHWM) of one worker in MB: the server itself when
    it is the only worker, else the largest of its child processes (the workers of a server
    started with several). A single worker's own children are not workers: a large staff
    import's process, multiprocessing's resource tracker."""
    field = "VmHWM:" if peak else "VmRSS:"
    if workers == 1:
        return _own_mb(pid, field)
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return max(_own_mb(int(child), field) for child in children)
