"""`make bench`: every benchmark on SQLite and PostgreSQL, written to bench/RESULTS.md.

Each scenario runs on its own copy of one prepared data set (SQLite: a copied directory;
PostgreSQL: a database cloned from a template), so they never see each other's writes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset, durability, machine, national, results, rush, throughput

HERE = Path(__file__).resolve().parent
PG_PORT = 8150


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M")


class Backend:
    """Where a scenario's data lives: a data directory, and a database URL for it."""

    def __init__(self, name: str, work: Path, server_url: str = "", options: str = "") -> None:
        self.name, self.work, self.server_url, self.options = name, work, server_url, options

    def url(self, scenario: str) -> str:
        if self.server_url:
            return f"{self.server_url}/bench_{scenario}"
        options = f"?{self.options}" if self.options else ""
        return f"sqlite://{self.work / scenario / 'amane.sqlite3'}{options}"

    def copy(self, scenario: str) -> tuple[Path, str]:
        """A fresh copy of the template for one scenario."""
        target = self.work / scenario
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.work / "template", target)
        if self.server_url:
            asyncio.run(_postgres(self.server_url, f"bench_{scenario}", "bench_template"))
        return target, self.url(scenario)


async def _postgres(server_url: str, name: str, template: str = "") -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{server_url}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        clause = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{clause}')
    finally:
        await connection.close()


async def _postgres_sql(server_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{server_url}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def start_postgres(work: Path) -> str:
    """The throwaway cluster of bench/pgcluster.sh; returns the server URL without database."""
    printed = subprocess.run(["bash", str(HERE / "pgcluster.sh"), "start", str(work / "cluster"),
                              str(PG_PORT)], check=True, capture_output=True, text=True).stdout
    return printed.strip().rsplit("/", 1)[0]


def prepare(backend: Backend, args: argparse.Namespace) -> None:
    if args.reuse and (backend.work / "template" / "roster.json").is_file():
        print(f"[{now()}] {backend.name}: reusing the prepared data set", flush=True)
        return
    print(f"[{now()}] {backend.name}: preparing {args.learners} learners and "
          f"{args.open_attempts} open attempts", flush=True)
    if backend.server_url:  # clones made from it keep the server's default, synchronous_commit
        asyncio.run(_postgres(backend.server_url, "bench_template"))
        asyncio.run(_postgres_sql(backend.server_url,
                                  "ALTER DATABASE bench_template SET synchronous_commit = off"))
        url = backend.url("template")
    else:  # preparing is not measured: no need to wait for the disk at each commit
        url = f"sqlite://{backend.work / 'template' / 'amane.sqlite3'}?synchronous=NORMAL"
    shutil.rmtree(backend.work / "template", ignore_errors=True)
    dataset.prepare(backend.work / "template", url, args.learners, args.open_attempts)
    if backend.server_url:
        asyncio.run(_postgres_sql(backend.server_url,
                                  "ALTER DATABASE bench_template RESET synchronous_commit"))


def run_backend(backend: Backend, args: argparse.Namespace, port: int, only: list[str],
                figures: dict) -> None:
    """Each scenario's figures go into `figures` as soon as they are measured."""
    if "throughput" in only:
        print(f"[{now()}] {backend.name}: throughput", flush=True)
        work, url = backend.copy("throughput")
        figures["throughput"] = throughput.measure(
            work, dataset.environment(work, url), port, connections=args.connections,
            seconds=args.seconds)
    if "rush" in only:
        print(f"[{now()}] {backend.name}: exam rush", flush=True)
        work, url = backend.copy("rush")
        figures["rush"] = rush.run(work, dataset.environment(work, url), url, port + 1,
                                   processes=args.processes, spread=args.spread,
                                   workers=args.workers)
    if "national" in only:
        print(f"[{now()}] {backend.name}: national figures", flush=True)
        figures["national"] = national_figures(backend, args, port + 2)
    if "durability" in only:
        print(f"[{now()}] {backend.name}: durability", flush=True)
        work, url = backend.copy("durability")
        figures["durability"] = durability.run(
            work, dataset.environment(work, url), url, port + 3, processes=args.processes,
            spread=args.spread, kill_after=args.spread / 2)
        figures["durability_ok"] = durability.passed(figures["durability"])


def national_figures(backend: Backend, args: argparse.Namespace, port: int) -> dict:
    """On a copy of the national data set when it exists; else on the benchmark's own set after
    the rush (or a fresh copy), said so in the results."""
    work = backend.work / "national"
    if backend.server_url:
        source = args.national_database or f"{backend.server_url}/national"
        work.mkdir(parents=True, exist_ok=True)
        url = asyncio.run(national.clone_postgres(source, "bench_national"))
    else:
        source = str(args.national_data_dir / "amane.sqlite3")
        url = national.copy_sqlite(args.national_data_dir, work)
    label = f"National data set, {backend.name} ({source})"
    if url:
        try:
            return {label: national.measure(work, url, port)}
        finally:
            # A copy of the national SQLite set is 6 GB: a few runs kept filled a disk.
            (work / "amane.sqlite3").unlink(missing_ok=True)
    small, small_url = (
        (backend.work / "rush", backend.url("rush")) if "rush" in args.only
        else backend.copy("national-small")
    )
    return {
        label: f"Skipped: no data set at {source} (`amane demo generate`, see bench/README.md).",
        f"The benchmark's own set after the rush, {backend.name}":
        national.measure(small, small_url, port),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/amane-bench"))
    parser.add_argument("--backends", default="sqlite,postgres",
                        help="among sqlite, sqlite-normal (SQLite with synchronous=NORMAL), "
                        "postgres")
    parser.add_argument("--only", default="throughput,rush,durability,national")
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--open-attempts", type=int, default=16000,
                        help="enough that every submit of the throughput run grades an attempt "
                        "of its own (1,500 made five submits in six re-read a graded one)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--spread", type=float, default=40.0,
                        help="seconds over which the rush's learners arrive")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes serving the exam rush")
    parser.add_argument("--national-data-dir", type=Path, default=Path("/tmp/national"))
    parser.add_argument("--national-database", default="",
                        help="PostgreSQL URL of the national data set (default: DB `national` "
                        "on the benchmark cluster)")
    parser.add_argument("--port", type=int, default=8160, help="first of 40 ports used")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data set prepared by the previous run in --work")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    args.only = args.only.split(",")
    run = {"started": now(), "command": "make bench " + " ".join(sys.argv[1:]),
           "machine": machine.describe(), "load_start": machine.load(), "backends": {}}
    postgres = None
    try:
        for n, name in enumerate(args.backends.split(",")):
            only = args.only
            if name == "postgres":
                postgres = Backend("PostgreSQL", args.work / "postgres", start_postgres(args.work))
                backend = postgres
            elif name == "sqlite-normal":
                # The same data set, served with commits that do not wait for the disk (still safe
                # when the process dies; the last commits may be lost if the machine does).
                backend = Backend("SQLite, synchronous=NORMAL", args.work / "sqlite",
                                  options="synchronous=NORMAL")
                only = [part for part in only if part != "national"]
            else:
                backend = Backend("SQLite", args.work / "sqlite")
            if name != "sqlite-normal" or "sqlite" not in args.backends.split(","):
                prepare(backend, args)
            run["backends"][backend.name] = {}
            try:
                run_backend(backend, args, args.port + 10 * n, only, run["backends"][backend.name])
            finally:  # what was measured stays, even when a later scenario fails
                (args.work / "results.json").write_text(json.dumps(run, indent=2))
    finally:
        if postgres is not None:
            subprocess.run(["bash", str(HERE / "pgcluster.sh"), "stop", str(args.work / "cluster")],
                           check=False)
    run.update(finished=now(), load_end=machine.load())
    (args.work / "results.json").write_text(json.dumps(run, indent=2))
    args.out.write_text(results.render(run))
    print(f"[{now()}] written to {args.out}")


if __name__ == "__main__":
    main()
