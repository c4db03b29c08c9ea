"""What the periodic run does for courses: rules that start, renewals, then the day's emails."""

from __future__ import annotations

from datetime import date

from courses.assignments import apply_active_rules
from courses.notices import queue_notices
from courses.renewals import assign_renewals
from training.notifications import notice_settings


async def run_daily(today: date) -> None:
    """Subscriber of training.notifications.planners (wired in server.py)."""
    settings = notice_settings()
    await apply_active_rules(today)
    await assign_renewals(today, settings.renewal_days)
    await queue_notices(today, settings.reminder_days, settings.renewal_days)
