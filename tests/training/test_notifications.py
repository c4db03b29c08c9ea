"""Emails: queued once per recipient, event and date, sent over SMTP, retried, in the
recipient's language; kept in the outbox when no SMTP server is set."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from certificates.models import Certificate
from courses.assignments import RuleFields, create_rule
from courses.models import Enrolment
from courses.notices import queue_notices
from tests.certificates.conftest import issued
from tests.conftest import shown
from tests.courses.assigning import course_with_modules
from training import batches, notifications, scheduler, sending
from training.auth import now
from training.emails import render_email
from training.models import OutboxMessage
from training.sending import SmtpSettings, with_bodies
from training.staff import StaffFields, save_staff

PUBLIC_URL = "https://amane.example.gov"
ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """An SMTP server's handler: keeps what it accepts, refuses the next `refuse` messages."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.received.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.received if message["To"] == address]


@pytest.fixture
def inbox():
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


@pytest.fixture
def settings(settings, inbox):
    """The app sends to the test's SMTP server, and its links start with the public URL."""
    return dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        smtp_tls="none",
        smtp_from="Amane <ne-pas-repondre@amane.example.gov>",
        public_url=PUBLIC_URL,
    )


async def assign_min2(world, due_date: str = "2031-03-31"):
    """A course with an Arabic title assigned to MIN2: its learner reads Arabic."""
    course = await course_with_modules("hygiene-mail", ar="النظافة الرقمية")
    world.learner_min2.language = "ar"
    await world.learner_min2.save()
    await create_rule(
        RuleFields(course_id=str(course.id), agency_code="MIN2", due_date=due_date),
        actor=world.hr_min2,
        today=now().date(),
    )
    return course


def parts(message: email.message.EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


async def test_an_assignment_notice_reaches_the_learner_in_their_language(world, inbox):
    course = await assign_min2(world)
    report = await notifications.run_notifications()
    assert report.sent == report.queued == 2 and report.waiting == 0  # HR2 and L-2
    [message] = inbox.to("l-2@example.org")
    assert message["X-Envelope-To"] == "l-2@example.org"
    assert message["From"] == "Amane <ne-pas-repondre@amane.example.gov>"
    assert message["Content-Language"] == "ar"
    assert message["Subject"] == "دورة تكوينية مطلوبة: النظافة الرقمية"
    text, html = parts(message)
    assert f"{PUBLIC_URL}/courses/{course.slug}" in text
    assert f'href="{PUBLIC_URL}/courses/{course.slug}"' in html
    assert '<html lang="ar" dir="rtl">' in html
    assert "مارس 2031" in text  # the due date, written the Arabic way
    [french] = inbox.to("hr2@example.org")
    assert french["Content-Language"] == "fr" and "mars 2031" in parts(french)[0]


async def test_running_the_sender_twice_sends_nothing_twice(world, inbox):
    await assign_min2(world)
    await notifications.run_notifications()
    again = await notifications.run_notifications(now() + timedelta(hours=1))
    assert (again.queued, again.sent) == (0, 0)
    assert len(inbox.received) == 2
    assert await OutboxMessage.filter(sent_at__isnull=False).count() == 2


async def test_a_refused_message_is_retried_later_with_its_error_kept(world, inbox):
    await assign_min2(world)
    inbox.refuse = 1
    at = now()
    first = await notifications.run_notifications(at)
    assert (first.sent, first.failed, first.waiting) == (1, 1, 1)
    failed = await OutboxMessage.get(sent_at=None)
    assert failed.attempts == 1 and "451" in failed.last_error
    too_soon = await notifications.run_notifications(at + timedelta(minutes=1))
    assert (too_soon.sent, too_soon.failed) == (0, 0)
    retried = await notifications.run_notifications(at + timedelta(minutes=6))
    assert (retried.sent, retried.waiting) == (1, 0)
    assert len(inbox.received) == 2
    await failed.refresh_from_db()
    assert failed.attempts == 2 and failed.last_error == "" and failed.sent_at is not None


async def test_a_run_sends_batch_after_batch_for_its_time(world, inbox, monkeypatch):
    """A rule on the nation queues two million notices: a run sends every batch due, for ten
    minutes at most, then leaves the rest to the next run."""
    monkeypatch.setattr(sending, "BATCH", 1)
    await assign_min2(world)
    monkeypatch.setattr(notifications, "SENDING_FOR", timedelta(0))
    idle = await notifications.run_notifications()
    assert (idle.queued, idle.sent, idle.waiting) == (2, 0, 2)
    # The first one's recipient has since been removed: it fails, and the run goes on.
    first = await OutboxMessage.all().order_by("id").first()
    await OutboxMessage.filter(id=first.id).update(staff_id=None)
    monkeypatch.setattr(notifications, "SENDING_FOR", timedelta(minutes=10))
    report = await notifications.run_notifications()
    assert (report.sent, report.failed, report.waiting) == (1, 1, 1)
    assert len(inbox.received) == 1
    assert "no longer exists" in (await OutboxMessage.get(id=first.id)).last_error


async def test_password_links_leave_before_the_notices_queued_ahead_of_them(
    world, inbox, monkeypatch
):
    """A link expires in a week: it does not wait behind a rule's notices."""
    monkeypatch.setattr(sending, "BATCH", 1)
    monkeypatch.setattr(notifications, "SENDING_FOR", timedelta(0))
    await assign_min2(world)
    assert (await notifications.run_notifications()).waiting == 2  # queued, not sent yet
    await save_staff(
        StaffFields("NEW-8", "Karim Nouveau", "karim@example.org", "MIN1-A"), actor=world.hr_dir_a
    )
    monkeypatch.setattr(notifications, "SENDING_FOR", timedelta(minutes=10))
    report = await notifications.run_notifications()
    assert (report.sent, report.waiting) == (3, 0)
    first, *others = [message["To"] for message in inbox.received]
    assert first == "karim@example.org"
    assert sorted(others) == ["hr2@example.org", "l-2@example.org"]


async def test_a_server_out_of_reach_ends_the_run(world):
    """Not a fault of the messages: one records the error, the others wait untried."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    smtp = SmtpSettings(host="127.0.0.1", port=closed, tls="none")
    notifications.configure(dataclasses.replace(notifications.notice_settings(), smtp=smtp))
    await assign_min2(world)
    report = await notifications.run_notifications()
    assert (report.queued, report.sent, report.failed, report.waiting) == (2, 0, 1, 2)
    tried = await OutboxMessage.filter(attempts=1)
    assert len(tried) == 1 and "Connect" in tried[0].last_error
    assert await OutboxMessage.filter(attempts=0).count() == 1


async def test_a_new_account_gets_its_password_link_by_email(client, world, inbox):
    person, _token = await save_staff(
        StaffFields("NEW-9", "Nadia Nouvelle", "nadia@example.org", "MIN1-A", language="en"),
        actor=world.hr_dir_a,
    )
    await notifications.run_notifications()
    [message] = inbox.to("nadia@example.org")
    assert message["Content-Language"] == "en"
    assert message["Subject"] == "Your Amane account: choose your password"
    text, _html = parts(message)
    link = next(word for word in text.split() if word.startswith(f"{PUBLIC_URL}/password/set/"))
    page = await client.get(link.removeprefix(PUBLIC_URL))
    assert page.status_code == 200 and "nadia" not in page.url.path
    sent = await OutboxMessage.get(staff_id=person.id)
    assert sent.body_text == sent.body_html == ""  # the link is not kept once sent
    assert sent.context is None and sent.subject == "Your Amane account: choose your password"


async def test_a_password_link_waits_unrendered_and_the_outbox_page_renders_it(client, world):
    notifications.configure(
        dataclasses.replace(notifications.notice_settings(), smtp=SmtpSettings())
    )
    person, _token = await save_staff(
        StaffFields("NEW-8", "Karim Nouveau", "karim@example.org", "MIN1-A", language="ar"),
        actor=world.hr_dir_a,
    )
    queued = await OutboxMessage.get(staff_id=person.id)
    assert queued.subject == "" and queued.body_text == "" and "link" in queued.context
    await client.login(world.admin.email)
    listed = shown(await client.get("/admin/outbox"))
    detail = shown(await client.get(f"/admin/outbox/{queued.id}"))
    assert "karim@example.org" in listed
    assert f"{PUBLIC_URL}/password/set/" in detail and "Karim Nouveau" in detail
    subject = render_email("password_link", "ar", staff=person, **queued.context).subject
    assert subject and subject in listed and subject in detail


async def test_reminders_seven_and_one_day_before_then_overdue_copied_to_hr(world):
    course = await course_with_modules("rappels")
    due = now().date() + timedelta(days=30)
    await create_rule(
        RuleFields(course_id=str(course.id), target="people", people="L-A", due_days="30"),
        actor=world.hr_min1,
        today=now().date(),
    )

    async def emails_on(day):
        await queue_notices(day, (7, 1), 30)
        return await OutboxMessage.filter(recipient="l-a@example.org").order_by("id")

    assert [m.kind for m in await emails_on(now().date())] == ["assignment_notice"]
    assert len(await emails_on(due - timedelta(days=8))) == 1
    assert [m.kind for m in await emails_on(due - timedelta(days=7))][-1] == "assignment_reminder"
    assert len(await emails_on(due - timedelta(days=3))) == 2  # the 7-day one was sent
    one_day = await emails_on(due - timedelta(days=1))
    assert len(one_day) == 3 and "1 jour" in (await with_bodies(one_day[-1])).body_text
    assert len(await emails_on(due)) == 3
    late = (await emails_on(due + timedelta(days=1)))[-1]
    assert late.kind == "assignment_overdue" and late.cc == "hra@example.org"
    assert len(await emails_on(due + timedelta(days=2))) == 4
    await Enrolment.filter(staff_id=world.learner_a.id).update(completed_at=now())
    assert len(await emails_on(due + timedelta(days=3))) == 4


async def test_without_an_smtp_host_messages_wait_in_the_outbox_page(client, world, inbox):
    notifications.configure(
        dataclasses.replace(notifications.notice_settings(), smtp=SmtpSettings())
    )
    await assign_min2(world)
    report = await notifications.run_notifications()
    assert (report.queued, report.sent, report.waiting, report.delivering) == (2, 0, 2, False)
    assert inbox.received == []
    await client.login(world.admin.email)
    page = shown(await client.get("/admin/outbox"))
    assert "Aucun serveur SMTP n'est configuré" in page and "l-2@example.org" in page
    message = await OutboxMessage.get(recipient="l-2@example.org")
    detail = shown(await client.get(f"/admin/outbox/{message.id}"))
    assert f"{PUBLIC_URL}/courses/hygiene-mail" in detail
    html = await client.get(f"/admin/outbox/{message.id}/html")
    assert html.headers["content-security-policy"].startswith("sandbox")
    await client.submit("/logout")
    await client.login(world.hr_min1.email)
    assert (await client.get("/admin/outbox")).status_code == 403


async def test_the_in_process_scheduler_runs_the_job_and_stops_with_the_app():
    ran = asyncio.Event()

    async def job():
        ran.set()

    async with scheduler.every(60, job):
        await asyncio.wait_for(ran.wait(), timeout=5)
    ran.clear()
    async with scheduler.every(0, job):
        await asyncio.sleep(0)
    assert not ran.is_set()


def test_the_command_keeps_messages_without_an_smtp_host(tmp_path, empty_database_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith("AMANE_SMTP")} | {
        "AMANE_DATA_DIR": str(tmp_path),
        "AMANE_DATABASE_URL": empty_database_url,
        "AMANE_SECRET_KEY": "cli-test",
    }

    def amane(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", "import server; server.main()", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert amane("migrate").returncode == 0
    sent = amane("notifications", "send")
    assert sent.returncode == 0, sent.stderr
    assert "0 email(s) queued, 0 sent, 0 failed." in sent.stdout
    assert "AMANE_SMTP_HOST is not set" in sent.stdout


async def test_a_certificate_near_its_expiry_brings_one_renewal_notice(world, inbox):
    course = await course_with_modules("renouvellement")
    certificate = await issued(world.learner_a, await course.current_version)
    expires = now() + timedelta(days=20)
    await Certificate.filter(id=certificate.id).update(expires_at=expires)
    await notifications.run_notifications()
    await notifications.run_notifications(now() + timedelta(hours=2))
    [message] = inbox.to("l-a@example.org")
    assert "Cours renouvellement" in message["Subject"]
    assert f"{PUBLIC_URL}/courses/renouvellement" in parts(message)[0]


async def test_a_days_notices_are_queued_a_few_at_a_time_each_once(world, monkeypatch):
    """Notices are read and queued a batch at a time (after a rule on the whole nation, two
    million of them): each person still gets one notice per course, in batches of one too."""
    monkeypatch.setattr(batches, "BATCH", 1)
    course = await course_with_modules("par-lots")
    _rule, count = await create_rule(
        RuleFields(course_id=str(course.id), target="agency", agency_code="MIN1", due_days="8"),
        actor=world.hr_min1,
        today=now().date(),
    )
    assert count > 2
    assert await queue_notices(now().date(), (7, 1), 30) == count
    assert await OutboxMessage.filter(kind="assignment_notice").count() == count
    assert await queue_notices(now().date(), (7, 1), 30) == 0
    # A week before the due date, every one of them gets a reminder.
    reminded = await queue_notices(now().date() + timedelta(days=1), (7, 1), 30)
    assert reminded == count
