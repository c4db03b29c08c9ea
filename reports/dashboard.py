"""Everything one dashboard shows for a scope and period, gathered from aggregate queries."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from courses.models import Course
from reports import figures
from reports.periods import Period
from training.models import Agency

# The per-sub-agency and per-trend tables show these; the per-course table the course figures.
SUMMARY = ("headcount", "completed", "trained", "certified", "overdue")
TREND = ("headcount", "completed", "trained")
TREND_PERIODS = 4
SMALL_GROUP_MINIMUM = 5
# Counts of one dashboard run this many at a time (two cores, and connections left for the
# worker's other requests: SQLite's readers are three, PostgreSQL's pool five).
SIDE_BY_SIDE = 2

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """A per-person outcome: exact for HR in their own agency, hidden in small national groups."""

    attempted: int
    passed: int
    hidden: bool

    @property
    def rate(self) -> float | None:
        return None if self.hidden or not self.attempted else self.passed / self.attempted


@dataclass
class Row:
    agency: Agency | None
    counts: dict[str, int]

    @property
    def coverage(self) -> float | None:
        headcount = self.counts.get("headcount", 0)
        return self.counts.get("trained", 0) / headcount if headcount else None


@dataclass
class Dashboard:
    path: str
    period: Period
    totals: dict[str, int]
    outcome: Outcome
    declared_headcount: int
    children: list[Row] = field(default_factory=list)
    courses: list[tuple[Course, dict[str, int]]] = field(default_factory=list)
    months: list[tuple[Period, int]] = field(default_factory=list)
    trend: list[tuple[Period, dict[str, int]]] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return Row(None, self.totals).coverage

    @property
    def counted_at(self) -> datetime | None:
        """When a stored dashboard was counted; None when counted for this view."""
        return self.period.moment

    @property
    def declared_coverage(self) -> float | None:
        if not self.declared_headcount:
            return None
        return self.totals["trained"] / self.declared_headcount


def outcome(counts: dict[str, int], exact: bool, minimum: int) -> Outcome:
    return Outcome(
        counts["attempted"], counts["passed"], not exact and counts["attempted"] < minimum
    )


async def children_of(agency: Agency | None) -> list[Agency]:
    if agency is None:
        return await Agency.filter(parent_id=None).order_by("code")
    return await Agency.filter(parent_id=agency.id).order_by("code")


async def declared_headcount(agency: Agency | None) -> int:
    """The root's own declaration; for the nation, the ministries' and other roots' sum."""
    if agency is not None:
        return agency.declared_headcount
    return sum(root.declared_headcount for root in await children_of(None))


async def course_rows(
    per_key: dict[str, dict[int, int]],
) -> list[tuple[Course, dict[str, int]]]:
    """The per-course table from each course figure's counts by course id."""
    course_ids = set().union(*per_key.values())
    courses = await Course.filter(id__in=course_ids).prefetch_related("current_version")
    return [
        (course, {key: counts.get(course.id, 0) for key, counts in per_key.items()})
        for course in sorted(courses, key=lambda c: c.slug)
    ]


async def build_dashboard(
    agency: Agency | None, period: Period, *, exact: bool, minimum: int = SMALL_GROUP_MINIMUM
) -> Dashboard:
    """`agency` None is the nation; `exact` is false in national views (small groups hidden)."""
    path = agency.path if agency else "/"
    summed = [key for key in SUMMARY if figures.FIGURES[key].adds_up]
    course_keys = [key for key in figures.by_course_keys() if key not in figures.OUTCOMES]
    summed_by_course = [
        key for key in course_keys if key not in summed and figures.FIGURES[key].adds_up_by_course
    ]
    # The last period of the trend is this one: its figures are the totals counted here.
    earlier = period.previous(TREND_PERIODS)[:-1]
    through = await figures.reads_through(path)
    # Each query a count of its own, the ones that group the whole scope first, so that the
    # two lanes end together.
    counts = {
        **{("child", key): figures.count_by_child(key, path, period) for key in SUMMARY},
        **{("course", key): figures.count_by_course(key, path, period) for key in course_keys},
        **{
            ("total", key): figures.count(key, path, period)
            for key in figures.FIGURES
            if key not in summed and key not in summed_by_course
        },
        ("months", ""): figures.count_by_month("completed", path, period),
        **{(before, key): figures.count(key, path, before) for before in earlier for key in TREND},
    }
    with figures.deciding_once(path, through):
        counted = dict(zip(counts, await side_by_side(*counts.values()), strict=True))
    by_child = {key: counted["child", key] for key in SUMMARY}

    def total(key: str) -> int:
        if key in summed:  # its sub-agencies' figures and the scope's own members' together
            return sum(by_child[key].values())
        if key in summed_by_course:
            return sum(counted["course", key].values())
        return counted["total", key]

    totals = {key: total(key) for key in figures.FIGURES}
    dashboard = Dashboard(
        path, period, totals, outcome(totals, exact, minimum), await declared_headcount(agency)
    )
    dashboard.children = [
        Row(child, {key: by_child[key].get(child.path, 0) for key in SUMMARY})
        for child in await children_of(agency)
    ]
    dashboard.courses = await course_rows({key: counted["course", key] for key in course_keys})
    dashboard.months = counted["months", ""]
    dashboard.trend = [
        (before, {key: counted[before, key] for key in TREND}) for before in earlier
    ] + [(period, {key: totals[key] for key in TREND})]
    return dashboard


async def side_by_side(*counts: Awaitable[T]) -> list[T]:
    """The counts' results, at most `SIDE_BY_SIDE` of them running at a time, each on a
    database connection of its own: a large scope's dashboard is some thirty counts of up to
    a second each, which one core counted one after the other."""
    lanes = asyncio.Semaphore(SIDE_BY_SIDE)

    async def in_lane(count: Awaitable[T]) -> T:
        async with lanes:
            return await count

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(in_lane(count)) for count in counts]
    except ExceptionGroup as failed:
        # The others were cancelled: the request fails with the count that failed, as it did
        # when the counts ran one after the other; those never started are closed unread.
        for count in counts:
            if inspect.iscoroutine(count):
                count.close()
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]
