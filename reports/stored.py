"""Dashboards of large scopes, counted once and shown again for a few minutes.

Counting the dashboard of a ministry of 180,000 people, or of the nation, from the raw records
takes seconds to tens of seconds. Such a dashboard is stored with the moment it was counted and
shown as counted then, with that moment on the page; every list opened from it counts no record
after that moment either, so the people behind a number are the ones it counted. A dashboard
counted faster than `live_seconds` is never stored: most agencies always see the figures of now.
A refresher (in the app every few minutes, or `amane reports refresh` from cron) counts again the
stored dashboards people look at before they get old, and a new day's ahead of its first viewer.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from courses.models import Course
from reports.dashboard import (
    SMALL_GROUP_MINIMUM,
    TREND_PERIODS,
    Dashboard,
    Row,
    build_dashboard,
    outcome,
)
from reports.membership import sync_memberships
from reports.models import StoredDashboard
from reports.periods import Period
from training.auth import now
from training.models import Agency

# Dashboards not viewed for this long are no longer refreshed.
VIEWED_DAYS = 7
# How long a refresher holds a dashboard it counts again (longer than any count takes).
REFRESH_HOLD = timedelta(minutes=30)
# The counts under way in this process: viewers arriving meanwhile wait for the same count.
# Sixteen viewers of a fresh server each counting the same dashboard took 1 to 3 s each (46 ms
# alone), and each stored it as slow to count.
_counting: dict[tuple, asyncio.Future[Dashboard]] = {}


@dataclass(frozen=True)
class Keeping:
    minutes: float = 15.0  # how long a stored dashboard is shown
    live_seconds: float = 0.5  # dashboards counted faster are counted afresh at every view


_keeping = Keeping()


def configure(keeping: Keeping) -> None:
    global _keeping
    _keeping = keeping


def _key(path: str, period: Period) -> dict:
    return {
        "scope_path": path,
        "period_kind": period.kind,
        "starts_on": period.start,
        "ends_on": period.end,
        "as_of": period.as_of,
    }


def _final(stored: StoredDashboard) -> bool:
    """Counted after the end of its as-of day: no later record can change it."""
    return stored.counted_at >= _period_of(stored).as_of_end


def _period_of(stored: StoredDashboard) -> Period:
    return Period(stored.period_kind, stored.starts_on, stored.ends_on, stored.as_of)


def _fresh(stored: StoredDashboard, at: datetime) -> bool:
    return _final(stored) or at - stored.counted_at < timedelta(minutes=_keeping.minutes)


async def _lookup(agency: Agency | None, period: Period) -> StoredDashboard | None:
    return await StoredDashboard.get_or_none(**_key(agency.path if agency else "/", period))


async def dashboard_for(agency: Agency | None, period: Period, *, exact: bool) -> Dashboard:
    """The dashboard a page shows: stored if its scope is large and it was counted lately."""
    if period.moment is not None:  # a moment asked for: the figures as they were then
        return await build_dashboard(agency, period, exact=exact)
    at = now()
    stored = await _lookup(agency, period)
    if stored is not None and _fresh(stored, at):
        if at - stored.viewed_at > timedelta(minutes=1):
            await StoredDashboard.filter(id=stored.id).update(viewed_at=at)
        return await _restore(stored, agency, period, exact)
    key = (agency.id if agency else None, period, exact)
    counting = _counting.get(key)
    if counting is None:
        counting = asyncio.ensure_future(
            count(agency, period, at, exact=exact, viewed_at=at, stored=stored is not None)
        )
        _counting[key] = counting
        counting.add_done_callback(lambda _done: _counting.pop(key, None))
    return await asyncio.shield(counting)  # a viewer who leaves does not stop the others' count


async def kept(agency: Agency | None, period: Period) -> StoredDashboard | None:
    """The stored dashboard viewers of this scope and period are shown now, if there is one."""
    if period.moment is not None:
        return None
    stored = await _lookup(agency, period)
    return stored if stored is not None and _fresh(stored, now()) else None


async def counted_totals(path: str, period: Period) -> dict[str, int] | None:
    """The figures of the stored dashboard a list was opened from (its moment in the list's
    period): the list shows the number its reader clicked, without counting it again (the
    nation's enrolled people took 0.3 to 0.9 s to count)."""
    if period.moment is None:
        return None
    stored = await StoredDashboard.get_or_none(**_key(path, period))
    if stored is None or stored.counted_at != period.moment:
        return None
    return stored.figures["totals"]


async def count(
    agency: Agency | None,
    period: Period,
    at: datetime,
    *,
    exact: bool,
    viewed_at: datetime,
    stored: bool = True,
) -> Dashboard:
    """Count the dashboard as of `at`, and store it if counting took long (`stored`: whether
    an older count may be stored, which a quick count then removes)."""
    started = time.perf_counter()
    board = await build_dashboard(agency, replace(period, moment=at), exact=exact)
    seconds = time.perf_counter() - started
    key = _key(board.path, period)
    if seconds < _keeping.live_seconds:
        if stored:  # no write at every view of a small agency's dashboard
            await StoredDashboard.filter(**key).delete()
        return _unstored(board, period)
    values = {"counted_at": at, "seconds": seconds, "figures": _figures(board)}
    await _store(key, values | {"viewed_at": viewed_at, "refreshing_until": None})
    return board


def _unstored(board: Dashboard, period: Period) -> Dashboard:
    """A dashboard counted for this view only: its periods carry no moment to show."""
    return replace(
        board,
        period=period,
        months=[(replace(month, moment=None), total) for month, total in board.months],
        trend=[(replace(earlier, moment=None), counts) for earlier, counts in board.trend],
    )


async def _store(key: dict, values: dict) -> None:
    """Update, or insert: whichever worker gets there first."""
    if await StoredDashboard.filter(**key).update(**values):
        return
    try:
        await StoredDashboard.create(**key, **values)
    except IntegrityError:
        await StoredDashboard.filter(**key).update(**values)


def _figures(board: Dashboard) -> dict:
    return {
        "totals": board.totals,
        "declared_headcount": board.declared_headcount,
        "children": [[row.agency.id, row.counts] for row in board.children],
        "courses": [[course.id, counts] for course, counts in board.courses],
        "months": [total for _month, total in board.months],
        "trend": [counts for _period, counts in board.trend],
    }


async def _restore(
    stored: StoredDashboard, agency: Agency | None, period: Period, exact: bool
) -> Dashboard:
    counted = replace(period, moment=stored.counted_at)
    figures = stored.figures
    totals = figures["totals"]
    board = Dashboard(
        stored.scope_path,
        counted,
        totals,
        outcome(totals, exact, SMALL_GROUP_MINIMUM),
        figures["declared_headcount"],
    )
    children = {a.id: a for a in await Agency.filter(id__in=[i for i, _ in figures["children"]])}
    board.children = [
        Row(children[i], counts) for i, counts in figures["children"] if i in children
    ]
    courses = {
        c.id: c
        for c in await Course.filter(id__in=[i for i, _ in figures["courses"]]).prefetch_related(
            "current_version"
        )
    }
    board.courses = [(courses[i], counts) for i, counts in figures["courses"] if i in courses]
    board.months = list(zip(counted.months(), figures["months"], strict=True))
    board.trend = list(zip(counted.previous(TREND_PERIODS), figures["trend"], strict=True))
    return board


def _rolled(stored: StoredDashboard, today: date) -> Period:
    """The period a viewer asks for today: a dashboard read as of its counting day moves on to
    today (its default), any other stays as it was asked."""
    period = _period_of(stored)
    if period.as_of == stored.counted_at.date() and period.as_of < min(today, period.end):
        return replace(period, as_of=min(today, period.end))
    return period


async def _claim(stored: StoredDashboard, at: datetime) -> bool:
    free = Q(refreshing_until__isnull=True) | Q(refreshing_until__lt=at)
    claimed = await StoredDashboard.filter(free, id=stored.id).update(
        refreshing_until=at + REFRESH_HOLD
    )
    return bool(claimed)


async def refresh(at: datetime | None = None) -> int:
    """Count again the stored dashboards viewed lately before they get old; returns how many.
    Each is claimed first, so several workers or a cron job never count one twice."""
    at = at or now()
    await sync_memberships(at=at)
    viewed = await StoredDashboard.filter(viewed_at__gte=at - timedelta(days=VIEWED_DAYS))
    done = 0
    for stored in viewed:
        period = _rolled(stored, at.date())
        target = stored if period == _period_of(stored) else None
        if target is None:
            target = await StoredDashboard.get_or_none(**_key(stored.scope_path, period))
        # Refreshed at half its keeping time: a viewer never finds it old.
        if target is not None and (
            _final(target) or at - target.counted_at < timedelta(minutes=_keeping.minutes / 2)
        ):
            continue
        if not await _claim(stored, at):
            continue
        agency = None
        if stored.scope_path != "/":
            agency = await Agency.get_or_none(path=stored.scope_path)
            if agency is None:  # the agency moved: its old place is no longer a scope
                await StoredDashboard.filter(id=stored.id).delete()
                continue
        await count(agency, period, at, exact=True, viewed_at=stored.viewed_at)
        await StoredDashboard.filter(id=stored.id).update(refreshing_until=None)
        done += 1
    return done
