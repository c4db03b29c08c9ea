"""Durability: kill the server with SIGKILL in the middle of an exam rush, restart it, and check
that every submit it acknowledged is in the database, graded exactly once.

After the check, some learners whose submit was not acknowledged take the quiz again against the
restarted server (resuming their open attempt), and the database is checked once more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time
from pathlib import Path

from bench import checks, dataset, rush, rushdriver, servers

# Learners who take the quiz again after the restart: enough to show that open attempts resume.
RETRIED = 200


def _drive(
    port: int, roster: dict, learners: list[dict], outdir: Path, *, processes: int, spread: float
) -> list[dict]:
    drivers = rushdriver.start(
        f"http://127.0.0.1:{port}",
        roster["slug"],
        learners,
        processes=processes,
        spread=spread,
        outdir=outdir,
    )
    return drivers


def run(
    data_dir: Path,
    env: dict[str, str],
    database_url: str,
    port: int,
    *,
    processes: int,
    spread: float,
    kill_after: float,
) -> dict:
    roster = json.loads((data_dir / "roster.json").read_text())
    learners = [e for e in roster["learners"] if "attempt" not in e]
    numbers = [e["number"] for e in learners]
    log = data_dir / "servers.log"
    app = servers.start("server:create_app", port, env, log)
    drivers = _drive(port, roster, learners, data_dir / "rush", processes=processes, spread=spread)
    time.sleep(kill_after)
    app.kill()  # SIGKILL: no shutdown, no flush
    app.wait()
    for driver in drivers:
        driver.join()
    first = rushdriver.records(data_dir / "rush")
    acked = rush.acknowledged(first)
    with servers.serving("server:create_app", port, env, log):
        after_restart = asyncio.run(checks.inspect(database_url, numbers, acked))
        again = [e for e in learners if e["number"] not in acked][:RETRIED]
        for driver in _drive(
            port, roster, again, data_dir / "retry", processes=processes, spread=min(spread, 10.0)
        ):
            driver.join()
    retry = rushdriver.records(data_dir / "retry")
    acked_retry = {**acked, **rush.acknowledged(retry)}
    final = asyncio.run(checks.inspect(database_url, numbers, acked_retry))
    return {
        "learners": len(learners),
        "killed_after_s": kill_after,
        "submits_acknowledged_before_kill": len(acked),
        "requests_failed_by_kill": sum(1 for r in first if r["status"] == 0),
        "after_restart": after_restart,
        "retried": len(again),
        "retry_errors": sum(1 for r in retry if not 200 <= r["status"] < 400),
        # A learner whose submit was graded before the kill, unknown to them, has passed: a new
        # attempt is refused (409), as it is to anyone who passed.
        "retry_refused_passed": sum(
            1
            for r in retry
            if r["status"] == 409 and r["learner"] in after_restart["graded_unacknowledged"]
        ),
        "final": final,
    }


def passed(result: dict) -> bool:
    """Every acknowledged submit graded exactly once, no attempt graded twice, nothing lost.

    A learner whose submit was graded but not acknowledged (killed in flight) may start a second
    attempt on retry, as the rules allow: two attempts are then expected, not a fault.
    """
    faults = {k: v for k, v in result["final"]["problems"].items() if k != checks.SECOND_ATTEMPTS}
    return not result["after_restart"]["problems"] and not faults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", type=Path, help="a data set made by bench.dataset")
    parser.add_argument("--work", type=Path, default=Path("/tmp/amane-bench/durability"))
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--kill-after", type=float, default=15.0)
    parser.add_argument("--spread", type=float, default=40.0)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    shutil.copytree(args.template, args.work)
    url = f"sqlite://{args.work / 'amane.sqlite3'}"
    result = run(
        args.work,
        dataset.environment(args.work, url),
        url,
        args.port,
        processes=args.processes,
        spread=args.spread,
        kill_after=args.kill_after,
    )
    print(json.dumps(result, indent=2))
    print("PASS" if passed(result) else "FAIL")


if __name__ == "__main__":
    main()
