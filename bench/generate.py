"""The national-scale data generator: agencies, staff and years of learning, in bulk.

`amane demo generate --staff 600000 --agencies 2000 --years 3 [--seed N]` fills the database
named by AMANE_DATABASE_URL (after `amane migrate` and `amane content load`). The same seed and
`--today` give the same rows.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tqdm import tqdm

from bench.bulk import Writer
from bench.learning import COLUMNS, Batch, CourseFacts, Ids, Learning, prepare_course
from bench.organisation import PlannedAgency, PlannedStaff, Timeline, plan_agencies, plan_staff
from bench.registers import AGENCY_COLUMNS, PROFESSIONAL_COLUMNS, Registers
from certificates.models import Certificate
from courses.models import Audience, Course, Lesson
from quizzes.rules import QuizRules
from quizzes.tallies import rebuild_tallies
from training.models import Role, Staff

# One argon2 hash for every generated account: hashing each password would take hours.
PASSWORD = "amane-national-2026"
PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$/wBXcWrawvzMvuRkGowpfA$"
    "yOsEBsUGhPUXkeFDzp5bXhvidS5ydMjCOaQCaW3H2OQ"
)
ANSWERS_COURSE = "phishing"
FLUSH_ROWS = 200_000
YIELD_EVERY = 50
TABLES = [
    "agency",
    "staff",
    "staff_membership",
    *COLUMNS,
    "professional_certification",
    "agency_certification",
]


class GenerateError(Exception):
    """Why the data cannot be generated into this database."""


@dataclass(frozen=True)
class Options:
    staff: int
    agencies: int
    years: int
    seed: int = 1
    today: date | None = None
    answers: str = ANSWERS_COURSE  # a course slug, "all" or "none"
    progress: bool = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staff", type=int, default=600_000, help="people (default 600000)")
    parser.add_argument("--agencies", type=int, default=2_000, help="agencies (default 2000)")
    parser.add_argument("--years", type=int, default=3, help="years of activity (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same rows (default 1)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the last day of the generated years, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--answers",
        default=ANSWERS_COURSE,
        help=f"course whose attempts keep answer rows: a slug, all or none "
        f"(default {ANSWERS_COURSE})",
    )


def options_from(args: argparse.Namespace) -> Options:
    if args.agencies < 6 or args.years < 1:
        raise GenerateError("--agencies must be at least 6 and --years at least 1")
    if args.staff < args.agencies + 3:
        raise GenerateError(
            "--staff must be at least --agencies + 3: an HR officer per agency, "
            "a reporter and two administrators"
        )
    return Options(args.staff, args.agencies, args.years, args.seed, args.today, args.answers)


def _timeline(options: Options) -> Timeline:
    today = options.today or date.today()
    horizon = datetime(today.year, today.month, today.day, tzinfo=UTC)
    return Timeline(horizon - timedelta(days=365 * options.years), horizon)


async def _courses(options: Options, rng: random.Random) -> list[CourseFacts]:
    courses = (
        await Course.filter(current_version_id__isnull=False)
        .order_by("slug")
        .prefetch_related("current_version")
    )
    if not courses:
        raise GenerateError("no course is loaded: run `amane content load` first")
    slugs = {course.slug for course in courses}
    if options.answers not in slugs | {"all", "none"}:
        raise GenerateError(
            f"--answers: no course {options.answers!r} ({', '.join(sorted(slugs))})"
        )
    facts = []
    for course in courses:
        version = course.current_version
        lessons = (
            await Lesson.filter(version_id=version.id)
            .order_by("sequence")
            .values_list("id", flat=True)
        )
        fact = CourseFacts(
            id=course.id,
            slug=course.slug,
            version_id=version.id,
            label=version.label,
            number=version.number,
            title=version.title,
            validity_months=version.certificate_validity_months,
            for_it_staff=version.audience == Audience.IT_STAFF,
            lessons=list(lessons),
            rules=QuizRules.of(version),
            bank=version.question_bank,
            with_answers=options.answers in (course.slug, "all"),
        )
        prepare_course(fact, rng)
        facts.append(fact)
    return facts


async def _check_empty() -> None:
    if await Staff.filter(registration_number="N0000001").exists():
        raise GenerateError("this database already holds generated staff: start from a new one")


class Generator:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.timeline = _timeline(options)
        self.writer = Writer()
        self.counts: dict[str, int] = {}

    def rng(self, phase: str) -> random.Random:
        return random.Random(f"{self.options.seed}:{phase}")

    def bar(self, description: str, total: int) -> tqdm:
        return tqdm(
            total=total, desc=description, unit="row", disable=not self.options.progress, leave=True
        )

    async def write(self, table: str, columns: tuple, rows: list, bar: tqdm | None = None) -> None:
        await self.writer.insert(table, columns, rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        if bar is not None:
            bar.update(len(rows))

    async def run(self) -> dict[str, int]:
        await _check_empty()
        courses = await _courses(self.options, self.rng("courses"))
        await self.writer.prepare()
        agencies = plan_agencies(
            self.options.agencies, await self.writer.next_id("agency"), self.rng("agencies")
        )
        staff = plan_staff(
            agencies,
            self.options.staff,
            await self.writer.next_id("staff"),
            self.timeline,
            self.rng("staff"),
        )
        await self._agencies(agencies)
        await self._staff(staff)
        officers = _first_officers(staff)
        await self._learning(staff, courses, officers)
        await self._registers(agencies, staff, officers)
        await self.writer.finish(TABLES)
        await rebuild_tallies()  # the statistics' counters, as grading would have kept them
        return self.counts

    async def _agencies(self, agencies: list[PlannedAgency]) -> None:
        w = self.writer
        created = w.moment(self.timeline.launch - timedelta(days=30))
        rows = [
            (
                a.id,
                a.code,
                a.name_fr,
                a.name_ar,
                a.name_en,
                a.kind.value,
                a.parent_id,
                a.path,
                a.headcount,
                created,
            )
            for a in agencies
        ]
        columns = (
            "id",
            "code",
            "name_fr",
            "name_ar",
            "name_en",
            "kind",
            "parent_id",
            "path",
            "declared_headcount",
            "created_at",
        )
        with self.bar("agencies", len(rows)) as bar:
            await self.write("agency", columns, rows, bar)

    async def _staff(self, staff: list[PlannedStaff]) -> None:
        """Accounts and their membership history: joined at creation, left at deactivation."""
        w = self.writer
        first_membership = await w.next_id("staff_membership")
        people, memberships = [], []
        for n, p in enumerate(staff):
            joined, left = w.moment(p.created_at), w.moment(p.deactivated_at)
            people.append(
                (
                    p.id,
                    p.agency.id,
                    p.registration_number,
                    p.full_name,
                    p.email,
                    p.job_title,
                    p.role.value,
                    p.language,
                    p.deactivated_at is None,
                    PASSWORD_HASH,
                    joined,
                    left,
                )
            )
            memberships.append(
                (first_membership + n, p.id, p.agency.id, p.agency.path, joined, left)
            )
        columns = (
            "id",
            "agency_id",
            "registration_number",
            "full_name",
            "email",
            "job_title",
            "role",
            "language",
            "is_active",
            "password_hash",
            "created_at",
            "deactivated_at",
        )
        with self.bar("staff", 2 * len(staff)) as bar:
            await self.write("staff", columns, people, bar)
            await self.write(
                "staff_membership",
                ("id", "staff_id", "agency_id", "agency_path", "started_at", "ended_at"),
                memberships,
                bar,
            )

    async def _learning(self, staff, courses, officers) -> None:
        """Generating goes on while the previous rows are written (SQLite works in its own
        thread), so both cores are busy."""
        ids = Ids(*[await self.writer.next_id(table) for table in COLUMNS])
        codes = set(await Certificate.all().values_list("code", flat=True))
        learning = Learning(
            courses, self.timeline, self.writer, ids, self.rng("learning"), officers, codes
        )
        writing = None
        with tqdm(
            total=len(staff), desc="learning", unit="staff", disable=not self.options.progress
        ) as bar:
            for done, person in enumerate(staff, start=1):
                learning.learner(person)
                if learning.batch.size() >= FLUSH_ROWS:
                    if writing is not None:
                        await writing
                    writing = asyncio.create_task(self._flush(learning.take()))
                if done % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # lets the writing task hand SQLite its next batch
                    bar.update(YIELD_EVERY)
                    bar.set_postfix(self._postfix(), refresh=False)
            if writing is not None:
                await writing
            await self._flush(learning.take())
            bar.update(len(staff) - bar.n)
            bar.set_postfix(self._postfix())

    def _postfix(self) -> dict[str, int]:
        shown = ("enrolment", "quiz_attempt", "quiz_answer", "certificate")
        return {table: self.counts.get(table, 0) for table in shown}

    async def _flush(self, batch: Batch) -> None:
        for table, columns in COLUMNS.items():
            await self.write(table, columns, getattr(batch, table))

    async def _registers(self, agencies, staff, officers) -> None:
        admin = next(p.id for p in staff if p.role == Role.ADMIN)
        registers = Registers(self.timeline, self.writer, self.rng("registers"), officers, admin)
        professional = registers.professional(
            staff, await self.writer.next_id("professional_certification")
        )
        certified = registers.agencies(agencies, await self.writer.next_id("agency_certification"))
        with self.bar("registers", len(professional) + len(certified)) as bar:
            await self.write("professional_certification", PROFESSIONAL_COLUMNS, professional, bar)
            await self.write("agency_certification", AGENCY_COLUMNS, certified, bar)


def _first_officers(staff: list[PlannedStaff]) -> dict[int, int]:
    """Each agency's first HR officer: who reviews and revokes there."""
    officers: dict[int, int] = {}
    for person in staff:
        if person.role == Role.HR:
            officers.setdefault(person.agency.id, person.id)
    return officers


async def generate(options: Options) -> dict[str, int]:
    """Write the data set into the open database; the rows written per table."""
    return await Generator(options).run()


def report(counts: dict[str, int], seconds: float, options: Options) -> str:
    today = options.today or date.today()
    lines = [f"Generated in {seconds:.0f} s (seed {options.seed}, today {today.isoformat()}):"]
    lines += [f"  {table:28} {count:>12,}" for table, count in counts.items()]
    lines.append(f"Password of every generated account: {PASSWORD}")
    return "\n".join(lines)


async def run_command(options: Options) -> str:
    started = time.monotonic()
    counts = await generate(options)
    return report(counts, time.monotonic() - started, options)
