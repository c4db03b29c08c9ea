"""The exam rush: every prepared learner opens the quiz, starts, answers and submits within a
minute, against `workers` uvicorn workers; then the database is checked."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from bench import checks, rushdriver, servers


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(records: list[dict]) -> dict:
    """Per request kind: count, errors (no answer or 4xx/5xx), p50 and p95 latency."""
    kinds = {}
    for kind in rushdriver.KINDS:
        mine = [r for r in records if r["kind"] == kind]
        kinds[kind] = {
            "requests": len(mine),
            "errors": sum(1 for r in mine if not 200 <= r["status"] < 400),
            "p50_ms": percentile([r["ms"] for r in mine], 0.50),
            "p95_ms": percentile([r["ms"] for r in mine], 0.95),
        }
    return kinds


def acknowledged(records: list[dict]) -> dict[str, int]:
    """The attempts whose submit the server answered with success, by learner."""
    return {
        r["learner"]: r["attempt"]
        for r in records
        if r["kind"] == "submit" and 200 <= r["status"] < 400
    }


def run(
    data_dir: Path,
    env: dict[str, str],
    database_url: str,
    port: int,
    *,
    processes: int,
    spread: float,
    workers: int = 1,
) -> dict:
    roster = json.loads((data_dir / "roster.json").read_text())
    learners = [e for e in roster["learners"] if "attempt" not in e]
    outdir = data_dir / "rush"
    log = data_dir / "servers.log"
    with servers.serving("server:create_app", port, env, log, workers) as app:
        began = time.monotonic()
        drivers = rushdriver.start(
            f"http://127.0.0.1:{port}",
            roster["slug"],
            learners,
            processes=processes,
            spread=spread,
            outdir=outdir,
        )
        for driver in drivers:
            driver.join()
        elapsed = time.monotonic() - began
        rss = servers.resident_mb(app.pid, workers=workers)
    records = rushdriver.records(outdir)
    acked = acknowledged(records)
    database = asyncio.run(checks.inspect(database_url, [e["number"] for e in learners], acked))
    return {
        "learners": len(learners),
        "workers": workers,
        "processes": processes,
        "spread_s": spread,
        "elapsed_s": elapsed,
        "kinds": summary(records),
        "database": database,
        "rss_mb": rss,
    }
