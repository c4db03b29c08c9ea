"""Public lookups counted per client address and minute in the database, shared by all workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from certificates.models import VerifyLookup
from training.sql import scalar

LOOKUPS_PER_MINUTE = 30
KEEP = timedelta(hours=1)

# Counts the lookup and reads the minute's count back in one round trip. Not an upsert: that
# would draw an id from the sequence at every lookup, and PostgreSQL's runs out at 2**31.
_BUMP = """
UPDATE verify_lookup SET "count" = "count" + 1 WHERE address = :address AND "window" = :window
RETURNING "count"
"""


async def _bump(address: str, window: datetime) -> int:
    """The window's count after this lookup, 0 when the window is not open yet."""
    return await scalar(_BUMP, {"address": address, "window": window})


async def count_lookup(address: str, at: datetime, limit: int = LOOKUPS_PER_MINUTE) -> int:
    """Count one lookup; returns the seconds to wait when over `limit` a minute, else 0."""
    address, window = address[:64], at.replace(second=0, microsecond=0)
    count = await _bump(address, window)
    if not count:
        try:
            await VerifyLookup.create(address=address, window=window, count=1)
            count = 1
            # Once per address and minute: old windows are forgotten.
            await VerifyLookup.filter(window__lt=window - KEEP).delete()
        except IntegrityError:
            count = await _bump(address, window)  # another request opened the window first
    if count > limit:
        return 60 - at.second
    return 0
