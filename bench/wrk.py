"""Running wrk (Debian's package, installed when missing) over a file of prepared requests."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "replay.lua"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    cookie: str = ""
    token: str = ""
    body: str = ""

    def line(self) -> str:
        return "\t".join((self.method, self.path, self.cookie, self.token, self.body))


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        print("installing wrk from Debian's packages", flush=True)
        apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
        subprocess.run([*apt, "update", "-qq"], check=True)
        subprocess.run(
            [*apt, "install", "-y", "-qq", "wrk"],
            check=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/bin:/bin"},
        )
    return shutil.which("wrk") or "wrk"


def run(
    port: int,
    requests: list[Request],
    workdir: Path,
    name: str,
    *,
    connections: int,
    seconds: int,
    threads: int = 1,
) -> dict:
    """Load 127.0.0.1:port with the requests for `seconds`; returns wrk's figures."""
    lines = workdir / f"{name}.requests"
    lines.write_text("\n".join(r.line() for r in requests) + "\n")
    command = [
        ensure_wrk(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        str(lines),
        str(threads),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    (workdir / f"{name}.wrk.txt").write_text(output)
    figures = json.loads(output.split("RESULT ", 1)[1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    figures["command"] = " ".join(command[:-3] + [f"{name}.requests", str(threads)])
    return figures
