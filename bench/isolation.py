"""How long other requests wait while one request counts a dashboard nobody counted yet.

On a copy of the national data set, one worker, the dashboards refresher off: a thread asks
for the national figures at a date not counted yet (a count of many seconds), and meanwhile
three requests ask for the stored national figures. On SQLite they used to queue behind the
count on the process's one connection; `training/sqlite.py` gives plain reads connections of
their own. Run it at two commits to compare them:

    .venv/bin/python -m bench.isolation --data-dir /tmp/national --as-of 2026-06-30
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from pathlib import Path

import httpx

from bench import dataset, national, servers


def _ms(client: httpx.Client, path: str, headers: dict) -> float:
    started = time.perf_counter()
    client.get(path, headers=headers, timeout=300).raise_for_status()
    return (time.perf_counter() - started) * 1000


def measure(database_url: str, work: Path, port: int, as_of: str) -> dict:
    session = asyncio.run(national.subjects(database_url))["admin"]
    headers = {"Cookie": f"amane_session={session}"}
    env = dataset.environment(work, database_url) | {"AMANE_REPORTS_REFRESH_MINUTES": "0"}
    stored_path = "/api/v1/reports/national"
    with servers.serving("server:create_app", port, env, work / "servers.log"):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            _ms(client, stored_path, headers)  # counted and stored now if it was not yet
            counting: dict = {}
            count = threading.Thread(
                target=lambda: counting.update(
                    ms=_ms(client, f"{stored_path}?as_of={as_of}", headers)
                )
            )
            count.start()
            time.sleep(1)  # the count is under way
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as other:
                during = [_ms(other, stored_path, headers) for _ in range(3)]
            count.join()
    return {"count_ms": counting.get("ms"), "others_ms": during}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/national"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/amane-bench-isolation"))
    parser.add_argument("--port", type=int, default=8179)
    parser.add_argument("--as-of", default="2026-06-30", help="a date not counted yet")
    args = parser.parse_args()
    url = national.copy_sqlite(args.data_dir, args.work)
    if url is None:
        raise SystemExit(f"no national data set in {args.data_dir}")
    figures = measure(url, args.work, args.port, args.as_of)
    others = ", ".join(f"{ms:.0f}" for ms in figures["others_ms"])
    print(f"count of a new date: {figures['count_ms']:.0f} ms; meanwhile others: {others} ms")


if __name__ == "__main__":
    main()
