"""RESULTS.md from the figures of a run: every figure beside its target, pass or fail."""

from __future__ import annotations

from pathlib import Path

from bench import throughput
from bench.national import PAGE_TIMEOUT_S

FINDINGS = Path(__file__).resolve().parent / "FINDINGS.md"

RUSH_P95_MS = 500
RUSH_WINDOW_S = 60


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def import_line(staff_import: dict) -> str:
    """A staff import's row: new people, or known people of whom some changed."""
    rows, changed = staff_import["rows"], staff_import.get("changed")
    what = f"staff import, {rows} rows"
    if changed:
        what = f"staff re-import, {rows} known rows, {changed} changed"
    if "longest_other_ms" in staff_import:
        what += f" (other requests waited at most {staff_import['longest_other_ms']:.0f} ms)"
    seconds, target = staff_import["seconds"], staff_import["target_s"]
    return (
        f"| {what} (`{staff_import['command']}`) | {seconds:.1f} s | - | < {target} s | "
        f"{verdict(seconds < target)} |"
    )


def _throughput(lines: list[str], figures: dict) -> None:
    bare = figures["bare"]
    lines += [
        f"{figures['connections']} connections, {figures['seconds']} s per endpoint, wrk with "
        "one thread (`bench/wrk/replay.lua` replays prepared requests, each connection taking "
        "the next line: a different learner, lesson or open attempt each time).",
        "",
        "| endpoint | req/s | ratio to bare | target | p50 ms | p95 ms | errors | result | "
        "ratio to the app's empty route |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        f"| bare Starlette `/plaintext` (before / after) | {bare[0]['rps']:.0f} / "
        f"{bare[1]['rps']:.0f} | 1 | | {bare[0]['p50_ms']:.1f} | {bare[0]['p95_ms']:.1f} | "
        f"{bare[0]['non_2xx_3xx'] + bare[0]['socket_errors']} | | |",
    ]
    references = figures.get("references", {})
    for name, _ in throughput.ENDPOINTS:
        f = figures["endpoints"][name]
        target = f["target"]
        errors = f["non_2xx_3xx"] + f["socket_errors"]
        wrapped = " (prepared requests ran out: repeats)" if f["wrapped"] and f["prepared"] > 1 \
            else ""
        lines.append(
            f"| {name}{wrapped} | {f['rps']:.0f} | {f['ratio']:.3f} | "
            f"{'>= ' + str(target) if target else '-'} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | "
            f"{errors} | {verdict(f['ratio'] >= target and not errors) if target else '-'} | "
            f"{_to_empty_route(name, f, references)} |"
        )
    for name, f in references.items():
        lines.append(
            f"| {name} | {f['rps']:.0f} | {f['ratio']:.3f} | - | {f['p50_ms']:.1f} | "
            f"{f['p95_ms']:.1f} | {f['non_2xx_3xx'] + f['socket_errors']} | - | 1 |"
        )
    if references:
        lines += ["", "The last two rows serve the bare endpoint inside the app's middleware "
                  "(`bench.bare:create_app_stack`): no page of the app can be faster. The last "
                  "column measures each page against the empty route with the same middleware "
                  "and the same session (anonymous for the verify page): what the page's own "
                  "work costs."]
    lines += ["", f"Worker resident memory after the run: {figures['endpoints']['rss_mb']:.0f} MB.",
              "", "Commands (one per endpoint, `NAME.requests` holds the prepared requests):", "",
              "```", figures["endpoints"]["quiz submit"]["command"], "```", ""]


def _to_empty_route(name: str, figures: dict, references: dict) -> str:
    reference = references.get(throughput.reference_for(name))
    return f"{figures['rps'] / reference['rps']:.2f}" if reference else "-"


def _rush(lines: list[str], figures: dict) -> None:
    db = figures["database"]
    kinds = figures["kinds"]
    errors = sum(k["errors"] for k in kinds.values())
    lines += [
        f"{figures['learners']} learners, arrivals spread over {figures['spread_s']:.0f} s, "
        f"{figures.get('workers', 1)} uvicorn worker(s), "
        f"{figures['processes']} driver processes (asyncio + httpx) on the same machine; each "
        "learner opens the quiz page (CSRF token), starts an attempt, saves all answers in one "
        "autosave and submits, with a session opened beforehand through "
        "`training.auth.open_session` (as a login does). The course's pass mark is 0 for the "
        "benchmark: every submit passes, completes the course and issues a certificate.",
        "",
        "| request | count | errors | p50 ms | p95 ms | target p95 | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind, k in kinds.items():
        lines.append(f"| {kind} | {k['requests']} | {k['errors']} | {k['p50_ms']:.0f} | "
                     f"{k['p95_ms']:.0f} | < {RUSH_P95_MS} | "
                     f"{verdict(k['p95_ms'] < RUSH_P95_MS and not k['errors'])} |")
    one_each = db["learners_with_one_graded"] == figures["learners"]
    lines += [
        "",
        f"- all done in {figures['elapsed_s']:.1f} s (target {RUSH_WINDOW_S} s): "
        f"{verdict(figures['elapsed_s'] <= RUSH_WINDOW_S)}",
        f"- HTTP errors: {errors} (target 0): {verdict(errors == 0)}",
        f"- learners with exactly one graded attempt: {db['learners_with_one_graded']} of "
        f"{figures['learners']}: {verdict(one_each)}",
        f"- attempts {db['attempts']}, graded {db['graded']} (passed {db['passed']}), answers "
        f"{db['answers']}, picked-choice rows {db['pick_rows']}, acknowledged submits "
        f"{db['acknowledged']}",
        f"- lost or duplicated attempts/answers: {db['problems'] or 'none'}: "
        f"{verdict(not db['problems'])}",
        f"- worker resident memory after the rush: {figures['rss_mb']:.0f} MB",
        "",
    ]


def _refused_passed(figures: dict) -> str:
    refused = figures.get("retry_refused_passed", 0)
    if not refused:
        return ""
    return (
        f" ({refused} of them a new attempt refused to a learner whose submit the server had "
        "graded, a pass, before it was killed, without the answer reaching them)"
    )


def _durability(lines: list[str], figures: dict, ok: bool) -> None:
    after, final = figures["after_restart"], figures["final"]
    lines += [
        f"Rush of {figures['learners']} learners, server killed with SIGKILL after "
        f"{figures['killed_after_s']:.0f} s, restarted.",
        "",
        f"- submits acknowledged before the kill: {figures['submits_acknowledged_before_kill']};"
        f" requests that failed because of the kill: {figures['requests_failed_by_kill']}",
        f"- after restart: attempts {after['attempts']}, graded {after['graded']}, "
        f"problems: {after['problems'] or 'none'}",
        f"- then {figures['retried']} learners without an acknowledged submit took the quiz "
        f"again (resuming their open attempt): {figures['retry_errors']} requests failed or "
        f"refused{_refused_passed(figures)}; at the end {final['graded']} graded attempts, "
        "problems: "
        f"{final['problems'] or 'none'}",
        f"- every acknowledged submit graded exactly once, none graded twice: {verdict(ok)}",
        "",
    ]


def _national(lines: list[str], label: str, figures: dict | str) -> None:
    lines += [f"### {label}", ""]
    if isinstance(figures, str):
        lines += [figures, ""]
        return
    size = figures["size"]
    lines += [
        f"{size['staff']} staff, {size['attempts']} quiz attempts; biggest ministry "
        f"`{size['ministry']['code']}` ({size['ministry']['staff']} staff); most attempted "
        f"course `{size['course']['slug']}` ({size['course']['attempts']} attempts). "
        "Measured: the median of 3 requests after a first one; the first request's time is "
        "beside it (a dashboard slow to count is counted then and stored, the next ones show "
        "it as counted, see `reports/stored.py`).",
        "",
        "| figure | measured | first request | target | result |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, page in figures["pages"].items():
        ms = page["median_ms"]
        shown = f"> {PAGE_TIMEOUT_S} s" if ms is None else f"{ms:.0f} ms"
        if ms is not None and page["runs"] == 1:
            shown += " (one request)"
        cold = page.get("cold_ms")
        first = f"> {PAGE_TIMEOUT_S} s" if cold is None else f"{cold:.0f} ms"
        if "cold_ms" not in page:  # results of a run before stored dashboards
            first = "-"
        if page["target_ms"] is None:
            target, result = "-", "no target"
        else:
            target = f"< {page['target_ms']} ms"
            result = verdict(ms is not None and ms < page["target_ms"])
        lines.append(f"| {name} (`{page['path']}`) | {shown} | {first} | {target} | {result} |")
    small = figures["rss_mb"] < figures["rss_target_mb"]
    for key in ("import", "reimport"):
        if key in figures:  # results of a run before re-imports were measured have none
            lines.append(import_line(figures[key]))
    lines += [
        f"| worker resident memory after the run | {figures['rss_mb']:.0f} MB | - | "
        f"< {figures['rss_target_mb']} MB | {verdict(small)} |",
    ]
    if figures.get("peak_rss_mb") is not None:
        lines.append(
            f"| worker's peak resident memory in the run | {figures['peak_rss_mb']:.0f} MB | - "
            "| - | no target |"
        )
    lines.append("")
    if figures.get("exports"):
        lines += [
            "Exports of the longest lists, each downloaded once while another client opened "
            "the sign-in page every quarter of a second:",
            "",
            "| export | time | size | longest wait of another request |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, export in figures["exports"].items():
            took = f"{export['seconds']:.1f} s"
            if export.get("prepared"):
                took += f" (prepared: sent to /exports after {export['answered_s']:.1f} s)"
            lines.append(
                f"| {name} (`{export['path']}`) | {took} | "
                f"{export['bytes'] / 1e6:.0f} MB | {export['longest_other_ms']:.0f} ms |"
            )
        lines.append("")


def render(run: dict) -> str:
    lines = ["# Benchmark results", "",
             f"Run {run['started']} to {run['finished']} (UTC) with `{run['command']}`.", ""]
    lines += [f"- {key}: {value}" for key, value in run["machine"].items()]
    lines += [
        f"- load average (1, 5, 15 min) at start: {run['load_start']}, at end: "
        f"{run['load_end']}. The 2 cores are shared with other work (test suites, the data "
        "generator): absolute figures move with it; ratios measured in the same run less so.",
        "",
    ]
    for backend, figures in run["backends"].items():
        lines += [f"## {backend}", ""]
        if "throughput" in figures:
            lines += ["### Throughput, one uvicorn worker", ""]
            _throughput(lines, figures["throughput"])
        if "rush" in figures:
            lines += ["### Exam rush", ""]
            _rush(lines, figures["rush"])
        if "durability" in figures:
            lines += ["### Durability (`bench/durability.py`)", ""]
            _durability(lines, figures["durability"], figures["durability_ok"])
        for label, national in figures.get("national", {}).items():
            _national(lines, label, national)
    if FINDINGS.is_file():  # written by hand: causes of missed targets, fixes, before/after
        lines += ["", FINDINGS.read_text()]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    """Render RESULTS.md again from a run's results.json (after editing FINDINGS.md)."""
    import json
    import sys

    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/amane-bench/results.json")
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else FINDINGS.with_name("RESULTS.md")
    target.write_text(render(json.loads(source.read_text())))


if __name__ == "__main__":
    main()
