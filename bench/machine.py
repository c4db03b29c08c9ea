"""The machine a benchmark ran on, for RESULTS.md."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path


def _first(path: str, key: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    return "?"


def postgres_version() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not found:
        return "not installed"
    return subprocess.run(
        [str(found[-1]), "--version"], capture_output=True, text=True
    ).stdout.strip()


# The packages a page's speed depends on: a fresh environment may resolve newer ones.
PACKAGES = ("starlette", "uvicorn", "tortoise-orm", "asyncpg", "aiosqlite", "jinja2", "httpx")


def package_versions() -> str:
    return ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def describe() -> dict:
    memory_kb = int(_first("/proc/meminfo", "MemTotal").split()[0])
    return {
        "CPU": _first("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "RAM": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "OS": f"{_first('/etc/os-release', 'PRETTY_NAME').strip(chr(34))}, "
        f"Linux {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version(),
        "packages": package_versions(),
    }
