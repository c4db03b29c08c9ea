"""The data generator: what it writes is what the app reads back, and a seed gives the same rows."""

import hashlib
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tortoise.connection import get_connection

from bench.generate import PASSWORD, Options, generate
from certificates.codes import display_code, is_valid_code
from certificates.models import Certificate
from courses.models import CourseVersion, Enrolment
from courses.packs import load_packs
from quizzes.models import AttemptState, QuizAnswer, QuizAttempt
from tests.conftest import shown
from training.models import Agency, Role, Staff

CONTENT = Path(__file__).resolve().parents[2] / "content"
TODAY = date(2026, 6, 30)
HORIZON = datetime(2026, 6, 30, tzinfo=UTC)
OPTIONS = Options(staff=300, agencies=20, years=1, seed=7, today=TODAY, progress=False)
# The generated year, read at its last day: every generated fact falls inside it.
PERIOD = f"kind=custom&start={TODAY - timedelta(days=365)}&end={TODAY - timedelta(days=1)}"
QUERY = f"{PERIOD}&as_of={TODAY - timedelta(days=1)}"
# Children first, so rows can go before what they point at.
GENERATED_TABLES = [
    "answer_pick", "quiz_answer", "quiz_attempt", "certificate",
    "lesson_progress", "enrolment", "professional_certification", "agency_certification",
    "staff_membership", "staff", "agency",
]  # fmt: skip
ISSUED = "WHERE action LIKE 'certificate.%'"


@pytest.fixture
async def generated(app, tmp_path) -> dict[str, int]:
    # One shipped course is enough, and loading all of them would take most of the test's time.
    shutil.copytree(CONTENT / "phishing", tmp_path / "packs" / "phishing")
    await load_packs(tmp_path / "packs")
    return await generate(OPTIONS)


async def _login_as(client, role: Role) -> Staff:
    person = await Staff.filter(role=role).order_by("id").first()
    await Staff.filter(id=person.id).update(language="fr")  # the pages below are read in French
    response = await client.login(person.registration_number, PASSWORD)
    assert response.status_code == 303
    return person


async def _digest() -> str:
    connection = get_connection("default")
    digest = hashlib.sha256()
    for table, where in [*((table, "") for table in GENERATED_TABLES), ("audit_event", ISSUED)]:
        query = f"SELECT * FROM {table} {where} ORDER BY id"
        for row in await connection.execute_query_dict(query):
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


async def test_national_figures_and_quiz_statistics_count_the_generated_rows(generated, client):
    assert generated["staff"] == await Staff.all().count() == 300
    assert generated["agency"] == await Agency.all().count() == 20
    await _login_as(client, Role.ADMIN)
    response = await client.get(f"/api/v1/reports/national?{QUERY}")
    assert response.status_code == 200
    figures = response.json()["figures"]

    assert figures["headcount"] == await Staff.filter(is_active=True).count()
    completers = Enrolment.filter(completed_at__isnull=False)
    assert generated["certificate"] == await completers.count() > 0
    assert figures["completed"] == len(set(await completers.values_list("staff_id", flat=True)))
    valid = Certificate.filter(revoked_at=None, expires_at__gt=HORIZON, staff__is_active=True)
    assert figures["certified"] == len(set(await valid.values_list("staff_id", flat=True))) > 0

    page = shown(await client.get("/courses/phishing/quiz/statistics"))
    graded = await QuizAttempt.filter(
        version__course__slug="phishing", state=AttemptState.GRADED
    ).count()
    answered = await QuizAnswer.filter(attempt__version__course__slug="phishing").count()
    assert graded > 0 and answered == 10 * graded
    assert re.search(rf"Tentatives corrigées\s*{graded}\b", re.sub(r"<[^>]+>", " ", page))


async def test_a_learner_sees_and_anyone_verifies_the_generated_certificates(
    generated, client, make_client
):
    certificate = await Certificate.filter(revoked_at=None).order_by("id").first()
    holder = await Staff.get(id=certificate.staff_id)
    assert is_valid_code(certificate.code)
    await client.login(holder.registration_number, PASSWORD)
    mine = shown(await client.get("/certificates"))
    for code in await Certificate.filter(staff_id=holder.id).values_list("code", flat=True):
        assert display_code(code) in mine

    page = await make_client().get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    assert holder.full_name in shown(page)


async def test_the_same_seed_gives_the_same_rows_whatever_the_order_of_the_quotas(generated):
    first = await _digest()
    connection = get_connection("default")
    # PostgreSQL's jsonb gives the quotas back in its own key order, SQLite in the pack's.
    version = await CourseVersion.get(course__slug="phishing")
    quotas = version.quiz_rules["topic_quotas"]
    reordered = version.quiz_rules | {"topic_quotas": dict(reversed(quotas.items()))}
    await CourseVersion.filter(id=version.id).update(quiz_rules=reordered)
    await connection.execute_script(f"DELETE FROM audit_event {ISSUED}")
    for table in GENERATED_TABLES[:-1]:
        await connection.execute_script(f"DELETE FROM {table}")
    while await Agency.exists():  # leaves first: a parent is RESTRICTed while it has children
        await connection.execute_script(
            "DELETE FROM agency WHERE id NOT IN "
            "(SELECT parent_id FROM agency WHERE parent_id IS NOT NULL)"
        )
    again = await generate(OPTIONS)
    assert again == generated
    assert await _digest() == first
