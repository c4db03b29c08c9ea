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


def test_resident_memory_is_the_worker_process():
    parent = subprocess.Popen([sys.executable, "-c", SPAWNER])
    try:
        children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if children.read_text().split() and servers.resident_mb(parent.pid, workers=2) > 50:
                break
            time.sleep(0.1)
        own = next(
            int(line.split()[1]) / 1024
            for line in Path(f"/proc/{parent.pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
        assert servers.resident_mb(parent.pid, workers=2) > own + 45
        assert servers.resident_mb(parent.pid) < own + 5
    finally:
        for child in children.read_text().split():
            subprocess.run(["kill", child], check=False)
        parent.kill()
        parent.wait()
