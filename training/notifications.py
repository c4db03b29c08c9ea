"""The email outbox: each due email queued once, then sent by `amane notifications send`.

Which emails are due is for the packages that know (courses subscribes to `planners` in
server.py); this module only keeps the outbox, renders in the recipient's language and sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from training import sql
from training.auth import now
from training.events import Event
from training.models import OutboxMessage, Staff
from training.sending import SendReport, SmtpSettings, send_pending

# How long a run sends: what is left waits for the next run (cron runs it every 15 minutes).
SENDING_FOR = timedelta(minutes=10)
# Written without ORM objects: an import queues 100,000 password links at once.
_INSERT = """
INSERT INTO outbox_message ("key", kind, staff_id, recipient, cc, language, subject, body_text,
    body_html, context, sensitive, created_at, next_attempt_at, attempts, last_error)
VALUES (:key, :kind, :staff_id, :recipient, :cc, :language, :subject, :body_text,
    :body_html, :context, :sensitive, :created_at, :next_attempt_at, :attempts, :last_error)
ON CONFLICT DO NOTHING
"""
_CONTEXT = OutboxMessage._meta.fields_map["context"]  # stored as Tortoise stores its JSON


@dataclass(frozen=True)
class NoticeSettings:
    public_url: str = "http://127.0.0.1:8000"
    reminder_days: tuple[int, ...] = (7, 1)  # reminders this many days before a due date
    renewal_days: int = 30  # renewal notice and assignment this many days before expiry
    smtp: SmtpSettings = field(default_factory=SmtpSettings)


_settings = NoticeSettings()

# The day's run: each subscriber queues the emails due on that date (and the work behind them).
planners: Event[date] = Event()


def configure(settings: NoticeSettings) -> None:
    global _settings
    _settings = settings


def notice_settings() -> NoticeSettings:
    return _settings


def absolute_url(path: str) -> str:
    """Links in emails are read outside the app: they start with the public URL."""
    return _settings.public_url.rstrip("/") + path


@dataclass(frozen=True)
class Outgoing:
    """One email to queue: to whom, about what and for which date, from which template. It is
    rendered when sent or shown, not when queued (a rule on the nation queues two million):
    its context is plain JSON."""

    staff: Staff
    event: str  # what it is about, e.g. "assignment.reminder.7:enrolment-42"
    on: date  # the date the event is about (a due date, an expiry date)
    template: str
    context: dict
    cc: tuple[str, ...] = ()
    sensitive: bool = False

    @property
    def key(self) -> str:
        return f"staff-{self.staff.id}|{self.event}|{self.on.isoformat()}"


async def _queued_keys(keys: list[str]) -> set[str]:
    found = await sql.rows_among('SELECT "key" FROM outbox_message WHERE "key" IN ({among})', keys)
    return {row["key"] for row in found}


async def enqueue(messages: list[Outgoing], at: datetime | None = None) -> int:
    """Queue the messages not queued before, unrendered; returns how many."""
    at = at or now()
    by_key = {message.key: message for message in messages}
    already = await _queued_keys(list(by_key))
    rows = [
        {
            "key": key,
            "kind": message.template,
            "staff_id": message.staff.id,
            "recipient": message.staff.email,
            "cc": ", ".join(message.cc),
            "language": message.staff.language,
            "subject": "",
            "body_text": "",
            "body_html": "",
            "context": _CONTEXT.to_db_value(message.context, None),
            "sensitive": message.sensitive,
            "created_at": at,
            "next_attempt_at": at,
            "attempts": 0,
            "last_error": "",
        }
        for key, message in by_key.items()
        if key not in already
    ]
    # A concurrent run may have queued the same key meanwhile: the unique key keeps one.
    await sql.many(_INSERT, rows)
    return len(rows)


@dataclass(frozen=True)
class RunReport:
    queued: int
    sent: int
    failed: int
    waiting: int
    delivering: bool  # False in development: nothing leaves, the outbox page shows it all


async def run_notifications(at: datetime | None = None) -> RunReport:
    """Queue what is due today, then send what waits (when an SMTP host is set)."""
    at = at or now()
    last = await OutboxMessage.all().order_by("-id").first()
    await planners.announce(at.date())
    queued = await OutboxMessage.filter(id__gt=last.id if last else 0).count()
    smtp = _settings.smtp
    # What the planners just queued is due too: it was stamped a moment after `at`.
    until = now() + SENDING_FOR
    report = await send_pending(smtp, max(at, now()), until) if smtp.host else SendReport()
    waiting = await OutboxMessage.filter(sent_at=None).count()
    return RunReport(queued, report.sent, report.failed, waiting, bool(smtp.host))
