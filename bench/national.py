"""National-size figures on a copy of a data set (a SQLite data directory or a PostgreSQL
database): the GCI capacity report, a big ministry's HR dashboard, the question statistics of the
most attempted course, a 100,000-row staff import and its re-import with changes, exports of
national lists (with the longest wait of another request meanwhile) and a worker's memory
afterwards.

The source is never written: SQLite files are copied, PostgreSQL databases cloned (TEMPLATE).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import httpx

from bench import dataset, servers

TARGETS_MS = {
    "GCI capacity page": 1000,
    "national figures API": 1000,
    "HR dashboard, biggest ministry": 200,
    "question statistics, most attempted course": 1000,
}
# Pages the issue sets no target for, measured so that their cost at this size is known: lists an
# HR officer of the biggest ministry, of a small local authority or an administrator pages through.
LISTS = {
    "certificates in scope, HR of a small local authority": ("/certificates/manage", "small_hr"),
    "valid certificates in scope, HR of a small local authority": (
        "/certificates/manage?status=valid", "small_hr"),
    "staff list, HR of a small local authority": ("/staff", "small_hr"),
    "certificates in scope, HR of the biggest ministry": ("/certificates/manage", "hr"),
    "valid certificates in scope, HR of the biggest ministry": (
        "/certificates/manage?status=valid", "hr"),
    "valid certificates, administrator": ("/certificates/manage?status=valid", "admin"),
    "staff search by name, HR of the biggest ministry": ("/staff?q=martin", "hr"),
    "staff search by a common name, administrator": ("/staff?q=idrissi", "admin"),
    "staff list, administrator": ("/staff", "admin"),
    "staff list, HR of the biggest ministry": ("/staff", "hr"),
    "staff list, HR of the biggest ministry, page 40": ("/staff?page=40", "hr"),
    "agency suggestions, administrator typing a town": ("/agencies/suggestions?q=casa", "admin"),
    "staff search by a common name, HR of a small local authority": (
        "/staff?q=idrissi", "small_hr"),
    "certificate search by a common name, HR of the biggest ministry": (
        "/certificates/manage?q=idrissi", "hr"),
    "certificate search by a word nobody has, administrator": (
        "/certificates/manage?q=qwerty", "admin"),
    "overdue courses, administrator": ("/overdue", "admin"),
    "people trained this year, national list": ("/reports/list/trained", "admin"),
    "people trained this year, national list by date": (
        "/reports/list/trained?sort=date", "admin"),
    "holders of a valid certificate, national list": ("/reports/list/certified", "admin"),
    "people enrolled this year, national list": ("/reports/list/enrolled", "admin"),
    "people enrolled this year, national list, page 40 by registration number": (
        "/reports/list/enrolled?sort=number&dir=desc&page=40", "admin"),
    "people enrolled this year, HR of the biggest ministry": ("/reports/list/enrolled", "hr"),
    "overdue courses, national list": ("/reports/list/overdue", "admin"),
    "agencies page, administrator (the top level)": ("/agencies", "admin"),
    "agencies page, administrator searching a town": ("/agencies?q=casa", "admin"),
    "course follow-up, HR of the biggest ministry": ("/courses/{course}/progress", "hr"),
    "course follow-up, administrator": ("/courses/{course}/progress", "admin"),
}
# Downloads of the longest lists: each timed once, while another client opens the sign-in page
# every EXPORT_PROBE_S (the longest of those waits shows whether the worker still serves others).
EXPORTS = {
    "people enrolled this year, national list, CSV": ("/reports/list/enrolled.csv", "admin"),
    "people enrolled this year, national list, XLSX": ("/reports/list/enrolled.xlsx", "admin"),
    "people enrolled this year, HR of the biggest ministry, XLSX": (
        "/reports/list/enrolled.xlsx", "hr"),
    "overdue courses, administrator, CSV": ("/overdue?format=csv", "admin"),
    "staff of the biggest ministry in the import's format, HR, CSV": (
        "/staff/export?format=csv", "hr"),
    "staff of the biggest ministry in the import's format, HR, XLSX": (
        "/staff/export?format=xlsx", "hr"),
}
EXPORT_PROBE_S = 0.25
IMPORT_ROWS = 100_000
IMPORT_TARGET_S = 20
RSS_TARGET_MB = 200
TIMED_RUNS = 3
# A page still running after this long is reported as over it; its server is restarted, since
# SQLite cannot stop a query the client gave up on.
PAGE_TIMEOUT_S = 120


def copy_sqlite(source: Path, work: Path) -> str | None:
    """Copy the data directory (database, keys) into work; None when there is no data set."""
    if not (source / "amane.sqlite3").is_file():
        return None
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("*.csv"))
    return f"sqlite://{work / 'amane.sqlite3'}"


async def clone_postgres(url: str, name: str) -> str | None:
    """A fresh database cloned from the one at url; None when it does not exist."""
    import asyncpg

    server, _, source = url.rpartition("/")
    try:
        connection = await asyncpg.connect(f"{server}/postgres")
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", source):
            return None
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    finally:
        await connection.close()
    return f"{server}/{name}"


async def _subjects() -> dict:
    """Who reads what: the biggest ministry and its HR officer, a small local authority's HR
    officer, an administrator, the course with the most attempts; sessions opened as a login
    would."""
    from tortoise.functions import Count

    from courses.models import Course
    from quizzes.models import QuizAttempt
    from training.auth import open_session
    from training.models import Agency, Role, Staff

    sizes = {}
    for ministry in await Agency.filter(kind="ministry"):
        sizes[ministry] = await Staff.filter(agency__path__startswith=ministry.path).count()
    ministry = max(sizes, key=sizes.get)
    hr = await _hr_officer_of(ministry)
    # The first local authority of 20 to 100 people: most HR officers look after one such.
    headcounts = (
        await Staff.filter(agency__kind="local_authority", is_active=True)
        .annotate(n=Count("id"))
        .group_by("agency_id")
        .order_by("agency_id")
        .values("agency_id", "n")
    )
    small = next((row["agency_id"] for row in headcounts if 20 <= row["n"] <= 100), None)
    small_hr = hr if small is None else await _hr_officer_of(await Agency.get(id=small))
    admin = await Staff.filter(role=Role.ADMIN, is_active=True).first()
    busiest = (
        await QuizAttempt.annotate(n=Count("id"))
        .group_by("version__course_id")
        .order_by("-n")
        .first()
        .values("version__course_id", "n")
    )
    course = await Course.get(id=busiest["version__course_id"])
    return {
        "ministry": {"code": ministry.code, "staff": sizes[ministry]},
        "course": {"slug": course.slug, "attempts": busiest["n"]},
        "staff": await Staff.all().count(),
        "attempts": await QuizAttempt.all().count(),
        "hr": await open_session(hr, ip="127.0.0.1", hours=12),
        "small_hr": await open_session(small_hr, ip="127.0.0.1", hours=12),
        "admin": await open_session(admin, ip="127.0.0.1", hours=12),
        "agencies": [a.code for a in await Agency.filter(kind="ministry").limit(20)],
    }


async def _hr_officer_of(agency):
    """The agency's HR officer; one of its people made one when it has none."""
    from training.models import Role, Staff

    hr = await Staff.filter(role=Role.HR, agency_id=agency.id, is_active=True).first()
    if hr is None:
        hr = await Staff.filter(agency_id=agency.id, is_active=True).first()
        await Staff.filter(id=hr.id).update(role=Role.HR)
    return hr


async def subjects(database_url: str) -> dict:
    from tortoise import Tortoise
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    from training import database

    await Tortoise.init(config=database.tortoise_config(database_url))
    try:
        return await _subjects()
    finally:
        await Tortoise.close_connections()
        EXECUTOR_CACHE.clear()  # cached by connection name: see dataset._services


def _get_ms(client: httpx.Client, path: str, headers: dict) -> float | None:
    """One request's time in ms; None when it took longer than PAGE_TIMEOUT_S."""
    started = time.perf_counter()
    try:
        client.get(path, headers=headers, timeout=PAGE_TIMEOUT_S).raise_for_status()
    except httpx.TimeoutException:
        return None
    return (time.perf_counter() - started) * 1000


def time_page(port: int, path: str, session: str, target_ms: int | None) -> dict:
    """Once cold (a dashboard is counted and, if slow to count, stored), then TIMED_RUNS times
    warm (a stored dashboard is shown as counted)."""
    headers = {"Cookie": f"amane_session={session}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        cold = _get_ms(client, path, headers)
        if cold is None:
            return {"path": path, "median_ms": None, "cold_ms": None, "runs": 1,
                    "target_ms": target_ms}
        runs = [_get_ms(client, path, headers) for _ in range(TIMED_RUNS)]
    done = [r for r in runs if r is not None]
    return {"path": path, "median_ms": statistics.median(done) if done else None,
            "cold_ms": cold, "runs": 1 + len(runs), "target_ms": target_ms}


def _while_probing(base: str, request, *args) -> tuple[object, float, list[float]]:
    """`request(base, *args)`'s result and seconds, and the waits (ms) of a sign-in page opened
    every EXPORT_PROBE_S meanwhile by another client."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        started = time.perf_counter()
        running = pool.submit(request, base, *args)
        waits = []
        with httpx.Client(base_url=base) as probe:
            while not running.done():
                waits.append(_get_ms(probe, "/login", {}) or PAGE_TIMEOUT_S * 1000)
                concurrent.futures.wait([running], timeout=EXPORT_PROBE_S)
        return running.result(), started, waits


def time_export(port: int, path: str, session: str) -> dict:
    """One download's time and size, and the longest wait of a sign-in page opened meanwhile."""
    (size, answered), started, waits = _while_probing(
        f"http://127.0.0.1:{port}", _download, path, session)
    return {"path": path, "seconds": time.perf_counter() - started, "bytes": size,
            "answered_s": None if answered is None else answered - started,
            "prepared": answered is not None,
            "longest_other_ms": max(waits), "other_requests": len(waits)}


def _download(base: str, path: str, session: str) -> tuple[int, float | None]:
    """The file's size; and, for an XLSX prepared in the background, when the request answered
    (sent to the exports page): the file is then fetched from there once ready."""
    headers = {"Cookie": f"amane_session={session}"}
    with httpx.Client(base_url=base, timeout=PAGE_TIMEOUT_S * 5, headers=headers) as client:
        response = client.get(path)
        answered = None
        if response.status_code == 303:
            answered = time.perf_counter()
            export_id = response.headers["location"].rsplit("=", 1)[1]
            while (response := client.get(f"/exports/{export_id}")).status_code == 409:
                time.sleep(EXPORT_PROBE_S)
        response.raise_for_status()
        return len(response.content), answered


def write_import_csv(path: Path, agencies: list[str], *, changed: bool = False) -> None:
    """100,000 new people; `changed`: the same people again, every other one with a new job
    title and every tenth in another agency too (the yearly file of a ministry)."""
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["registration_number", "full_name", "email", "agency_code", "job_title",
                      "language"])
        for n in range(1, IMPORT_ROWS + 1):
            moves = changed and n % 10 == 0
            job_title = "Agent principal" if changed and n % 2 == 0 else "Agent"
            out.writerow([f"IMP-{n:07d}", f"Nouvel Agent {n}", f"nouvel.agent{n}@import.test",
                          agencies[(n + moves) % len(agencies)], job_title, "fr"])


def time_import(env: dict[str, str], work: Path, agencies: list[str]) -> dict:
    """The new people's import, from the command line."""
    staff_csv = work / "import-100k.csv"
    write_import_csv(staff_csv, agencies)
    started = time.perf_counter()
    subprocess.run([str(dataset.AMANE), "staff", "import", str(staff_csv)], env=env,
                   cwd=dataset.ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return {"rows": IMPORT_ROWS, "seconds": time.perf_counter() - started,
            "target_s": IMPORT_TARGET_S, "command": f"amane staff import {staff_csv.name}"}


def time_web_import(port: int, work: Path, agencies: list[str], session: str) -> dict:
    """The re-import sent through the import page, as an officer does (the worker's memory
    meanwhile is in the run's peak), and the longest wait of a sign-in page opened meanwhile."""
    staff_csv = work / "reimport-100k.csv"
    write_import_csv(staff_csv, agencies, changed=True)
    _, started, waits = _while_probing(
        f"http://127.0.0.1:{port}", _send_import, staff_csv, session)
    return {"rows": IMPORT_ROWS, "changed": IMPORT_ROWS // 2,
            "seconds": time.perf_counter() - started, "target_s": IMPORT_TARGET_S,
            "command": f"POST /staff/import {staff_csv.name}, as the administrator",
            "longest_other_ms": max(waits)}


def _send_import(base: str, staff_csv: Path, session: str) -> None:
    with httpx.Client(base_url=base, timeout=PAGE_TIMEOUT_S * 5,
                      cookies={"amane_session": session}) as client:
        form = client.get("/staff/import")
        form.raise_for_status()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]
        files = {"file": (staff_csv.name, staff_csv.read_bytes(), "text/csv")}
        client.post("/staff/import", data={"csrf_token": token}, files=files).raise_for_status()


def measure(work: Path, database_url: str, port: int) -> dict:
    env = dataset.environment(work, database_url)
    os.environ.update(env)
    found = asyncio.run(subjects(database_url))
    # The GCI page after the national figures: it takes people from their stored dashboard.
    pages = {
        "national figures API": ("/api/v1/reports/national", found["admin"]),
        "GCI capacity page": ("/reports/gci", found["admin"]),
        "HR dashboard, biggest ministry": ("/reports", found["hr"]),
        "question statistics, most attempted course": (
            f"/courses/{found['course']['slug']}/quiz/statistics", found["admin"]),
        **{
            name: (path.format(course=found["course"]["slug"]), found[reader])
            for name, (path, reader) in LISTS.items()
        },
    }
    log = work / "servers.log"
    timings = {}
    app = servers.start("server:create_app", port, env, log)
    try:
        for name, (path, session) in pages.items():
            timings[name] = time_page(port, path, session, TARGETS_MS.get(name))
            if timings[name]["median_ms"] is None:
                servers.stop(app)
                app = servers.start("server:create_app", port, env, log)
        exports = {name: time_export(port, path, found[reader])
                   for name, (path, reader) in EXPORTS.items()}
        staff_import = time_import(env, work, found["agencies"])
        staff_reimport = time_web_import(port, work, found["agencies"], found["admin"])
        rss = servers.resident_mb(app.pid)
        peak = servers.resident_mb(app.pid, peak=True)
    finally:
        servers.stop(app)
    return {"size": {k: found[k] for k in ("staff", "attempts", "ministry", "course")},
            "pages": timings, "exports": exports, "import": staff_import,
            "reimport": staff_reimport,
            "rss_mb": rss, "peak_rss_mb": peak, "rss_target_mb": RSS_TARGET_MB}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/national"))
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL database to clone (default: the data dir's SQLite)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/amane-bench/national"))
    parser.add_argument("--port", type=int, default=8120)
    args = parser.parse_args()
    if args.database_url.startswith("postgres"):
        url = asyncio.run(clone_postgres(args.database_url, "amane_national_bench"))
        args.work.mkdir(parents=True, exist_ok=True)
    else:
        url = copy_sqlite(args.data_dir, args.work)
    if url is None:
        print(f"national figures skipped: no data set at {args.database_url or args.data_dir}")
        return
    print(json.dumps(measure(args.work, url, args.port), indent=2))


if __name__ == "__main__":
    main()
