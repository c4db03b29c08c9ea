"""Requests per second of the app's busiest endpoints against a bare Starlette endpoint.

Both are served by one uvicorn worker and loaded by wrk in its own process; the bare endpoint is
measured before and after the app, and the ratio uses the mean of the two.
"""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

from bench import browser, servers, wrk
from bench.wrk import Request

# (name, target ratio to the bare endpoint or None)
ENDPOINTS = [
    ("lesson page", 0.6),
    ("quiz answer save", None),
    ("quiz submit", 0.5),
    ("certificate verify", 0.7),
    ("HR dashboard", None),
]
# The bare endpoint served inside the app's own middleware: the ceiling of any of its pages.
REFERENCES = ["empty route in the app, anonymous", "empty route in the app, signed in"]
# The endpoint a visitor opens without signing in; the others are a signed-in person's.
ANONYMOUS = {"certificate verify"}


def reference_for(name: str) -> str:
    """The empty route an endpoint's own work is measured against: same middleware, same
    session or none."""
    return REFERENCES[0] if name in ANONYMOUS else REFERENCES[1]


async def _attempt_browsers(
    base_url: str, learners: list[dict]
) -> list[tuple[browser.Browser, dict]]:
    """For each open attempt: the attempt page (cookie and token) and its questions (API)."""
    pages = await browser.open_pages(
        base_url, [(e["token"], f"/quiz/attempts/{e['attempt']}") for e in learners]
    )
    gate = asyncio.Semaphore(8)
    async with browser.client(base_url, timeout=30) as http:

        async def questions(page: browser.Browser, entry: dict) -> dict:
            async with gate:
                response = await http.get(
                    f"/api/v1/attempts/{entry['attempt']}", headers={"Cookie": page.cookie}
                )
                response.raise_for_status()
                return response.json()

        found = await asyncio.gather(
            *(questions(p, e) for p, e in zip(pages, learners, strict=True))
        )
    return list(zip(pages, found, strict=True))


def _one_answer(attempt: dict) -> str:
    question = random.choice(attempt["questions"])
    choice = random.choice(question["choices"])["id"]
    return json.dumps({"answers": {str(question["position"]): [choice]}}, separators=(",", ":"))


def requests_by_endpoint(roster: dict, base_url: str) -> dict[str, list[Request]]:
    readers = [e for e in roster["learners"] if "attempt" not in e]
    holders = [e for e in roster["learners"] if "attempt" in e]
    attempts = asyncio.run(_attempt_browsers(base_url, holders))
    lessons = roster["lessons"]
    slug = roster["slug"]
    hr = f"amane_session={roster['hr_token']}"
    return {
        "lesson page": [
            Request(
                "GET",
                f"/courses/{slug}/lessons/{lessons[n % len(lessons)]}",
                f"amane_session={e['token']}",
            )
            for n, e in enumerate(readers)
        ],
        "quiz answer save": [
            Request(
                "PUT",
                f"/api/v1/attempts/{a['id']}/answers",
                page.cookie,
                page.csrf_token,
                _one_answer(a),
            )
            for page, a in attempts
        ],
        "quiz submit": [
            Request("POST", f"/api/v1/attempts/{a['id']}/submit", page.cookie, page.csrf_token)
            for page, a in attempts
        ],
        "certificate verify": [Request("GET", f"/verify/{roster['certificate']}")],
        "HR dashboard": [Request("GET", "/reports", hr)],
    }


def measure(
    data_dir: Path, env: dict[str, str], port: int, *, connections: int, seconds: int
) -> dict:
    """Bare endpoint, the app's endpoints, bare endpoint again; returns every figure."""
    roster = json.loads((data_dir / "roster.json").read_text())
    log = data_dir / "servers.log"
    bare_request = [Request("GET", "/plaintext")]
    options = {"connections": connections, "seconds": seconds}
    bare = []
    with servers.serving("bench.bare:create_app", port, env, log):
        wrk.run(port, bare_request, data_dir, "warm-bare", connections=connections, seconds=2)
        bare.append(wrk.run(port, bare_request, data_dir, "bare-before", **options))
    results = {}
    with servers.serving("server:create_app", port, env, log) as app:
        requests = requests_by_endpoint(roster, f"http://127.0.0.1:{port}")
        wrk.run(
            port, requests["lesson page"], data_dir, "warm-app", connections=connections, seconds=2
        )
        for name, _ in ENDPOINTS:
            results[name] = wrk.run(
                port, requests[name], data_dir, name.replace(" ", "-"), **options
            )
        results["rss_mb"] = servers.resident_mb(app.pid)
    references = {}
    with servers.serving("bench.bare:create_app_stack", port, env, log):
        learner = f"amane_session={roster['learners'][0]['token']}"
        for name, cookie in zip(REFERENCES, ["", learner], strict=True):
            references[name] = wrk.run(
                port, [Request("GET", "/plaintext", cookie)], data_dir,
                name.replace(" ", "-").replace(",", ""), **options,
            )
    with servers.serving("bench.bare:create_app", port, env, log):
        bare.append(wrk.run(port, bare_request, data_dir, "bare-after", **options))
    ceiling = sum(b["rps"] for b in bare) / len(bare)
    for name, target in ENDPOINTS:
        results[name]["ratio"] = results[name]["rps"] / ceiling
        results[name]["target"] = target
        results[name]["prepared"] = len(requests[name])
    for figures in references.values():
        figures["ratio"] = figures["rps"] / ceiling
    return {
        "bare": bare,
        "ceiling_rps": ceiling,
        "endpoints": results,
        "references": references,
        "connections": connections,
        "seconds": seconds,
    }
