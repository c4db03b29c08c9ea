"""Public lookups counted per client address and minute in the database, shared by all workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from certificates.models import VerifyLookup

LOOKUPS_PER_MINUTE = 30
KEEP = timedelta(hours=1)


def _bump(address: str, window: datetime):
    return VerifyLookup.filter(address=address, window=window).update(count=F("count") + 1)


async def count_lookup(address: str, at: datetime, limit: int = LOOKUPS_PER_MINUTE) -> int:
    """Count one lookup; returns the seconds to wait when over `limit` a minute, else 0."""
    address, window = address[:64], at.replace(second=0, microsecond=0)
    if not await _bump(address, window):
        try:
            await VerifyLookup.create(address=address, window=window, count=1)
            # Once per address and minute: old windows are forgotten.
            await VerifyLookup.filter(window__lt=window - KEEP).delete()
        except IntegrityError:
            await _bump(address, window)  # another request opened the window first
    count = await VerifyLookup.get(address=address, window=window).values_list("count", flat=True)
    if count > limit:
        return 60 - at.second
    return 0
