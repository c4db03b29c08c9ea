"""Sending the outbox through SMTP: each message claimed by one sender, retried on failure."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import aiosmtplib

from training import sql
from training.auth import now
from training.emails import render_email
from training.models import OutboxMessage, Staff

TLS_MODES = ("starttls", "tls", "none")
MAX_ATTEMPTS = 8
# Long enough for one SMTP exchange: a sender that dies mid-way frees its message after this.
CLAIM = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=5)
LAST_RETRY = timedelta(hours=6)
# Messages read at a time; a run sends batch after batch (a rule on the nation queues two
# million notices: at one batch a run, every 15 minutes, they took a month to leave).
BATCH = 200


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes; no host means development: messages stay in the outbox to be read."""

    host: str = ""
    port: int = 587
    tls: str = "starttls"
    user: str = ""
    password: str = ""
    sender: str = "Amane <amane@localhost>"

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(f"AMANE_SMTP_TLS must be one of {', '.join(TLS_MODES)}")


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """5 minutes after the first failure, doubling each time, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)


async def with_bodies(message: OutboxMessage) -> OutboxMessage:
    """A deferred message rendered now, for its recipient as they are today (not saved)."""
    if message.context is None:
        return message
    staff = await Staff.get_or_none(id=message.staff_id)  # type: ignore[attr-defined]
    if staff is None:
        raise LookupError("the recipient's account no longer exists")
    email = render_email(message.kind, message.language, staff=staff, **message.context)
    message.subject, message.body_text, message.body_html = (
        email.subject[:255],
        email.text,
        email.html,
    )
    return message


def as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    if message.cc:
        email["Cc"] = message.cc
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(f"amane.{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    # After the bodies: setting content drops the Content-* headers already there.
    email["Content-Language"] = message.language
    return email


def _client(smtp: SmtpSettings) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=smtp.host,
        port=smtp.port,
        use_tls=smtp.tls == "tls",
        start_tls=smtp.tls == "starttls",
        username=smtp.user or None,
        password=smtp.password or None,
        timeout=30,
    )


async def _claim(message_id: int, at: datetime) -> OutboxMessage | None:
    """Take the message for this sender, unless another sender (or an earlier run) has it."""
    claimed = await OutboxMessage.filter(
        id=message_id, sent_at=None, next_attempt_at__lte=at
    ).update(next_attempt_at=at + CLAIM)
    return await OutboxMessage.get(id=message_id) if claimed else None


async def _record_sent(message: OutboxMessage, at: datetime) -> None:
    wiped = {"body_text": "", "body_html": "", "context": None} if message.sensitive else {}
    await OutboxMessage.filter(id=message.id).update(
        sent_at=at, attempts=message.attempts + 1, last_error="", subject=message.subject, **wiped
    )


async def _record_failure(message: OutboxMessage, at: datetime, error: Exception) -> None:
    attempts = message.attempts + 1
    await OutboxMessage.filter(id=message.id).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=at + retry_delay(attempts),
    )


async def send_pending(smtp: SmtpSettings, at: datetime, until: datetime) -> SendReport:
    """Send what is due at `at`, a batch after another over one connection, until nothing due is
    left or the clock passes `until`. A refused message waits for its retry; a server that
    cannot be reached ends the run, the other messages untried."""
    report = SendReport()
    client = _client(smtp)
    try:
        while now() < until:
            due = await _due(at)
            if not due or not await _send_batch(client, due, smtp.sender, at, report):
                break
    finally:
        if client.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
    return report


_DUE = """
SELECT id FROM outbox_message
WHERE sent_at IS NULL{only_links} AND attempts < :attempts AND next_attempt_at <= :at
ORDER BY id LIMIT :batch
"""


async def _due(at: datetime) -> list[int]:
    """The next batch to send: messages holding a password link before the others, each kind
    in the order queued. A link expires in a week; behind a rule's million notices, sent at a
    relay's pace, it could wait for days. Written out so that each query's conditions are those
    of its index (training/migrations/0009)."""
    params = {"attempts": MAX_ATTEMPTS, "at": at, "batch": BATCH}
    for only_links in (" AND sensitive = TRUE", ""):
        found = await sql.rows(_DUE.format(only_links=only_links), params)
        if found:
            return [row["id"] for row in found]
    return []


async def _send_batch(
    client: aiosmtplib.SMTP, due: list[int], sender: str, at: datetime, report: SendReport
) -> bool:
    """Send the batch's messages still unclaimed; False once the server cannot be reached."""
    for message_id in due:
        message = await _claim(message_id, at)
        if message is None:
            continue
        try:
            message = await with_bodies(message)
        except LookupError as error:  # the recipient's account is gone
            await _record_failure(message, at, error)
            report.failed += 1
            continue
        if not client.is_connected:
            try:
                await client.connect()
            except (aiosmtplib.SMTPException, OSError) as error:
                await _record_failure(message, at, error)
                report.failed += 1
                return False
        try:
            await client.send_message(as_email(message, sender))
        except (aiosmtplib.SMTPException, OSError) as error:
            await _record_failure(message, at, error)
            report.failed += 1
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                if client.is_connected:
                    await client.rset()
            continue
        await _record_sent(message, at)
        report.sent += 1
    return True
