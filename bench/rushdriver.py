"""The exam-rush load generator: learners take the quiz as their browsers would, in several
processes, each recording every request (kind, status, latency) to its own JSON-lines file."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import time
from pathlib import Path

import httpx

from bench import browser

KINDS = ("quiz page", "start", "answer", "submit")


def _picks(question: dict) -> list[str]:
    ids = [choice["id"] for choice in question["choices"]]
    if question["kind"] == "multiple":
        return random.sample(ids, random.randint(1, len(ids)))
    return [random.choice(ids)]


class Recorder:
    def __init__(self, path: Path) -> None:
        self.file = path.open("a", buffering=1)

    def note(self, learner: str, kind: str, status: int, started: float, **extra) -> None:
        record = {
            "learner": learner,
            "kind": kind,
            "status": status,
            "ms": round((time.monotonic() - started) * 1000, 2),
            **extra,
        }
        self.file.write(json.dumps(record) + "\n")


async def _send(
    http: httpx.AsyncClient,
    recorder: Recorder,
    learner: str,
    kind: str,
    method: str,
    path: str,
    **options,
) -> httpx.Response | None:
    started = time.monotonic()
    try:
        response = await http.request(method, path, **options)
    except httpx.HTTPError as error:
        recorder.note(learner, kind, 0, started, error=type(error).__name__)
        return None
    extra = {"attempt": int(path.split("/")[4])} if kind == "submit" else {}
    recorder.note(learner, kind, response.status_code, started, **extra)
    return response if response.is_success else None


async def take_quiz(http: httpx.AsyncClient, recorder: Recorder, slug: str, entry: dict) -> None:
    """Open the quiz page, start an attempt, answer every question, submit."""
    learner = entry["number"]
    started = time.monotonic()
    try:
        page = await browser.open_page(http, entry["token"], f"/courses/{slug}/quiz")
    except (httpx.HTTPError, RuntimeError, KeyError) as error:
        recorder.note(learner, "quiz page", 0, started, error=type(error).__name__)
        return
    recorder.note(learner, "quiz page", 200, started)
    headers = {"Cookie": page.cookie, "X-CSRF-Token": page.csrf_token}
    started_attempt = await _send(
        http,
        recorder,
        learner,
        "start",
        "POST",
        f"/api/v1/courses/{slug}/quiz/attempts",
        headers=headers,
    )
    if started_attempt is None:
        return
    attempt = started_attempt.json()
    answers = {str(q["position"]): _picks(q) for q in attempt["questions"]}
    saved = await _send(
        http,
        recorder,
        learner,
        "answer",
        "PUT",
        f"/api/v1/attempts/{attempt['id']}/answers",
        headers=headers,
        json={"answers": answers},
    )
    if saved is not None:
        await _send(
            http,
            recorder,
            learner,
            "submit",
            "POST",
            f"/api/v1/attempts/{attempt['id']}/submit",
            headers=headers,
        )


async def _drive(
    base_url: str, slug: str, learners: list[dict], spread: float, output: Path
) -> None:
    recorder = Recorder(output)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with browser.client(base_url, timeout=30, limits=limits) as http:
        begin = time.monotonic()

        async def arrive(entry: dict, at: float) -> None:
            await asyncio.sleep(max(0.0, begin + at - time.monotonic()))
            await take_quiz(http, recorder, slug, entry)

        await asyncio.gather(*(arrive(e, random.uniform(0, spread)) for e in learners))


def _process(base_url: str, slug: str, learners: list[dict], spread: float, output: str) -> None:
    asyncio.run(_drive(base_url, slug, learners, spread, Path(output)))


def start(
    base_url: str, slug: str, learners: list[dict], *, processes: int, spread: float, outdir: Path
) -> list[multiprocessing.Process]:
    """Start the driver processes (learners dealt round-robin); arrivals spread over `spread` s."""
    outdir.mkdir(parents=True, exist_ok=True)
    started = []
    for n in range(processes):
        output = outdir / f"driver-{n}.jsonl"
        output.unlink(missing_ok=True)
        process = multiprocessing.get_context("spawn").Process(
            target=_process, args=(base_url, slug, learners[n::processes], spread, str(output))
        )
        process.start()
        started.append(process)
    return started


def records(outdir: Path) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(outdir.glob("driver-*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]
