"""A benchmark server's memory is a worker's: its child's when it serves through workers, its
own when it is the only one (its children are then no workers: a large import's process)."""

import subprocess
import sys
import time
from pathlib import Path

from bench import servers

# A parent holding a child that holds 50 MB, as uvicorn's supervisor holds its workers.
SPAWNER = (
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', 'b = bytearray(50_000_000); import time; "
    "time.sleep(60)'])\n"
    "time.sleep(60)\n"
)


def _own_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def test_resident_memory_is_the_worker_process():
    parent = subprocess.Popen([sys.executable, "-c", SPAWNER])
    try:
        children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
        # The worker's memory is its child's: it reaches the child's 50 MB (read while the child
        # was still filling them, a fixed threshold raced it).
        deadline = time.monotonic() + 30
        while (
            not children.read_text().split()
            or servers.resident_mb(parent.pid, workers=2) <= _own_mb(parent.pid) + 45
        ):
            assert time.monotonic() < deadline, "the worker's memory never was the child's"
            time.sleep(0.1)
        assert servers.resident_mb(parent.pid) < _own_mb(parent.pid) + 5
    finally:
        for child in children.read_text().split():
            subprocess.run(["kill", child], check=False)
        parent.kill()
        parent.wait()
