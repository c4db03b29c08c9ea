"""The benchmark data set, made the way the app makes it: the `amane` commands, then services.

Staff come from `amane staff import`; each learner is enrolled in the course and holds a
session (as after a login). The first ones have read every lesson (ready for the exam rush); the
others hold an open attempt with answers saved (for the autosave and submit benchmarks).
The roster (sessions, attempts, paths) goes to a JSON file for the drivers.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AMANE = Path(sys.executable).parent / "amane"
COURSE = "phishing"
AGENCY = "MEF-DB"
HR_EMAIL = "rh.finances@amane.test"


def environment(data_dir: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "AMANE_DATA_DIR": str(data_dir),
        "AMANE_DATABASE_URL": database_url,
        "AMANE_VERIFY_LOOKUPS_PER_MINUTE": "1000000000",
    }


def amane(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(AMANE), *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def write_staff_csv(path: Path, count: int) -> None:
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["registration_number", "full_name", "email", "agency_code", "job_title", "language"]
        )
        for n in range(1, count + 1):
            out.writerow(
                [
                    f"BENCH-{n:06d}",
                    f"Agent Banc {n}",
                    f"agent{n}@bench.test",
                    AGENCY,
                    "Agent",
                    random.choice(["fr", "fr", "ar", "en"]),
                ]
            )


def random_picks(answer, bank: dict) -> list[str]:
    """What a learner guessing would tick: one choice, or a few for a multiple-choice question."""
    if bank[answer.question_id]["kind"] == "multiple":
        return random.sample(answer.choice_ids, random.randint(1, len(answer.choice_ids)))
    return [random.choice(answer.choice_ids)]


async def _prepare_learners(count: int, open_attempts: int) -> dict:
    from certificates.models import Certificate
    from courses import enrolment, reading
    from courses.models import Course, CourseVersion, Lesson
    from quizzes import attempts
    from quizzes.models import QuizAnswer
    from quizzes.rules import QuizRules
    from training.auth import open_session
    from training.models import Staff

    course = await Course.get(slug=COURSE)
    # Learners guess (see random_picks), and a guess seldom passes: a pass mark of 0 makes every
    # submit the heaviest one, which completes the course and issues a certificate.
    await CourseVersion.filter(id=course.current_version_id).update(pass_mark=0)
    lessons = await Lesson.filter(version_id=course.current_version_id).order_by("sequence")
    learners = await Staff.filter(registration_number__startswith="BENCH-").order_by("id")
    roster: dict = {"slug": COURSE, "lessons": [lesson.id for lesson in lessons], "learners": []}
    positions = [
        await reading.lesson_position(course.current_version_id, lesson.id) for lesson in lessons
    ]
    for n, staff in enumerate(learners):
        mine = await enrolment.enrol_staff(staff.id, course.id)
        entry = {
            "number": staff.registration_number,
            "token": await open_session(staff, ip="127.0.0.1", hours=12),
        }
        if n < count:  # ready for the exam: every lesson read
            for position in positions:
                await reading.record_lesson_read(mine, position)
        else:
            await mine.fetch_related("version")
            rules = QuizRules.of(mine.version)
            attempt = await attempts.start_attempt(mine, rules, attempts.now())
            await attempt.fetch_related("version")
            bank = {q["id"]: q for q in attempt.version.question_bank}
            picks = {
                a.position: random_picks(a, bank)
                for a in await QuizAnswer.filter(attempt_id=attempt.id)
            }
            await attempts.save_answers(attempt, rules, picks, attempts.now())
            entry["attempt"] = attempt.id
        roster["learners"].append(entry)
        if n % 500 == 0:
            print(f"  learners ready: {n}/{len(learners)}", flush=True)
    hr = await Staff.get(email=HR_EMAIL)
    roster["hr_token"] = await open_session(hr, ip="127.0.0.1", hours=12)
    admin = await Staff.get(email="admin@amane.test")
    roster["admin_token"] = await open_session(admin, ip="127.0.0.1", hours=12)
    roster["certificate"] = (await Certificate.first()).code
    return roster


async def _services(database_url: str, count: int, open_attempts: int) -> dict:
    from tortoise import Tortoise
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    import server
    from training import database

    server.wire(server.Settings.from_environment())
    await Tortoise.init(config=database.tortoise_config(database_url))
    try:
        return await _prepare_learners(count, open_attempts)
    finally:
        await Tortoise.close_connections()
        # Tortoise caches each model's INSERT by connection name, not by database: a later
        # backend prepared in this process (SQLite, then PostgreSQL) must not reuse it.
        EXECUTOR_CACHE.clear()


def prepare(data_dir: Path, database_url: str, learners: int, open_attempts: int) -> dict:
    """Build the data set into data_dir (and database_url); returns and stores the roster."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = environment(data_dir, database_url)
    amane(env, "migrate")
    amane(env, "content", "load")
    amane(env, "demo", "seed")
    staff_csv = data_dir / "bench-staff.csv"
    write_staff_csv(staff_csv, learners + open_attempts)
    amane(env, "staff", "import", str(staff_csv))
    os.environ.update(env)
    roster = asyncio.run(_services(database_url, learners, open_attempts))
    (data_dir / "roster.json").write_text(json.dumps(roster))
    return roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--open-attempts", type=int, default=3000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite://{args.data_dir / 'amane.sqlite3'}"
    prepare(args.data_dir, url, args.learners, args.open_attempts)


if __name__ == "__main__":
    main()
