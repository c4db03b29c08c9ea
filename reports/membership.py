"""Agency membership history, so closed periods keep counting people where they were.

History stability: every figure counts a person in the agency they belonged to at the moment of
the fact — at the as-of date for headcounts and stocks (valid certificates, overdue courses), at
enrolment, completion or attempt for flows. Memberships are kept in `staff_membership`: opened at
the account's creation, closed at deactivation, closed and reopened on a move. Training announces
staff changes (`training.events.staff_changed`) and every report brings the table up to date
first, so the history is never behind today's data. Rows are only ever closed or added, never
rewritten: a figure for a closed period does not change when people later move or leave.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from training import sql
from training.auth import now
from training.events import NewAccount

_SCOPE = "AND s.id IN ({ids})"
# The PostgreSQL advisory lock that serialises syncs (any constant of this app's own).
SYNC_LOCK = 4_117_001

# Open memberships whose person left or moved since: closed at deactivation, or now.
# EXISTS on the person's key: one lookup per open row (an IN list here scanned all staff per row).
_CLOSE = """
UPDATE staff_membership SET ended_at = COALESCE(
    (SELECT s.deactivated_at FROM staff s
     WHERE s.id = staff_membership.staff_id AND s.is_active = :false),
    :now)
WHERE ended_at IS NULL AND EXISTS (
    SELECT 1 FROM staff s
    WHERE s.id = staff_membership.staff_id
      AND (s.is_active = :false OR s.agency_id <> staff_membership.agency_id) {scope})
"""

# People never seen get their whole known stay; active people without an open row, a new one.
_OPEN = """
INSERT INTO staff_membership (staff_id, agency_id, agency_path, started_at, ended_at)
SELECT s.id, s.agency_id, a.path,
    CASE WHEN EXISTS (SELECT 1 FROM staff_membership m WHERE m.staff_id = s.id)
         THEN :now ELSE s.created_at END,
    CASE WHEN s.is_active = :false THEN s.deactivated_at ELSE NULL END
FROM staff s JOIN agency a ON a.id = s.agency_id
WHERE NOT EXISTS (SELECT 1 FROM staff_membership m WHERE m.staff_id = s.id AND m.ended_at IS NULL)
  AND (s.is_active = :true
       OR NOT EXISTS (SELECT 1 FROM staff_membership m WHERE m.staff_id = s.id)) {scope}
"""


async def sync_memberships(
    staff_ids: list[int] | None = None, at: datetime | None = None, *, closing: bool = True
) -> None:
    """Bring the history up to date with today's staff records (all, or the ones listed; new
    accounts have nothing to close)."""
    if staff_ids is not None and not staff_ids:
        return
    scope = _SCOPE.format(ids=",".join(str(int(i)) for i in staff_ids)) if staff_ids else ""
    params = {"now": at or now(), "true": True, "false": False}
    async with in_transaction() as connection:
        # One sync at a time (workers starting together): two could both open a row for the
        # same person. SQLite's write transactions already take the database lock.
        if connection.capabilities.dialect == "postgres":
            await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [SYNC_LOCK])
        if closing:
            await sql.rows(_CLOSE.format(scope=scope), params)
        await sql.rows(_OPEN.format(scope=scope), params)


async def record_staff_changes(staff_ids: list[int]) -> None:
    """Subscriber of `training.events.staff_changed`: moves and leavers dated when they happen."""
    await sync_memberships(staff_ids)


async def open_memberships(accounts: list[NewAccount]) -> None:
    """Subscriber of `training.events.staff_created`: each new account's first membership, from
    its creation. Looking for open rows to close among 100,000 new people took 0.7 s."""
    await sync_memberships([account.staff.id for account in accounts], closing=False)
