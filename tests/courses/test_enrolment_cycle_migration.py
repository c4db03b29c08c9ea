"""The migration to enrolment cycles keeps every row and what points at it, on a filled database."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from training import database

BEFORE_CYCLES = [
    MigrationTarget("training", "0002_outbox"),
    MigrationTarget("courses", "0003_report_indexes"),
]

TS = "'2026-01-05 09:00:00+00'"
JSON = "'{}'"

# Two editions of one course; a learner completed the first and started the second.
ROWS = [
    "INSERT INTO agency (id, code, name_fr, name_ar, name_en, kind, path, declared_headcount, "
    f"created_at) VALUES (1, 'MIN', 'Ministère', 'وزارة', 'Ministry', 'ministry', '1/', 0, {TS})",
    "INSERT INTO staff (id, registration_number, full_name, email, job_title, role, language, "
    "is_active, password_hash, created_at, agency_id) VALUES (1, 'A1', 'Agent Un', "
    f"'a1@example.org', '', 'learner', 'fr', TRUE, '', {TS}, 1)",
    f"INSERT INTO course (id, slug, created_at) VALUES (1, 'hygiene', {TS})",
    *(
        "INSERT INTO course_version (id, number, label, content_hash, languages, title, summary, "
        "audience, estimated_minutes, prerequisites, pass_mark, certificate_validity_months, "
        "topics, quiz_rules, question_bank, guide, loaded_at, course_id) VALUES "
        f"({n}, {n}, 'v{n}', 'h', '[]', {JSON}, {JSON}, 'all', 5, '[]', 80, 12, {JSON}, {JSON}, "
        f"'[]', {JSON}, {TS}, 1)"
        for n in (1, 2)
    ),
    "INSERT INTO course_module (id, position, folder, title, version_id) "
    f"VALUES (1, 1, '01', {JSON}, 1)",
    "INSERT INTO lesson (id, sequence, slug, title, body, module_id, version_id) "
    f"VALUES (1, 1, 'l1', {JSON}, {JSON}, 1, 1)",
    "INSERT INTO enrolment (id, enrolled_at, source, completed_at, course_id, staff_id, "
    f"version_id) VALUES (1, {TS}, 'self', {TS}, 1, 1, 1), (2, {TS}, 'self', NULL, 1, 1, 2)",
    f"INSERT INTO lesson_progress (id, read_at, enrolment_id, lesson_id) VALUES (1, {TS}, 1, 1)",
]


async def test_existing_enrolments_are_numbered_and_keep_their_progress(empty_database_url):
    await Tortoise.init(config=database.tortoise_config(empty_database_url))
    try:
        config = database.tortoise_config(empty_database_url)["apps"]
        await MigrationExecutor(get_connection("default"), config).migrate(BEFORE_CYCLES)
        connection = get_connection("default")
        for statement in ROWS:
            await connection.execute_script(statement)
        await MigrationExecutor(get_connection("default"), config).migrate()

        rows = await connection.execute_query_dict(
            "SELECT e.id, e.cycle, COUNT(p.id) AS read FROM enrolment e "
            "LEFT JOIN lesson_progress p ON p.enrolment_id = e.id GROUP BY e.id, e.cycle "
            "ORDER BY e.id"
        )
        assert [(row["id"], row["cycle"], row["read"]) for row in rows] == [(1, 1, 1), (2, 2, 0)]
        # A third cycle takes the next number; a repeated one is refused by the database.
        insert = (
            "INSERT INTO enrolment (id, enrolled_at, source, course_id, staff_id, version_id, "
            f"cycle) VALUES (%s, {TS}, 'assigned', 1, 1, 2, 3)"
        )
        await connection.execute_script(insert % 3)
        with pytest.raises(IntegrityError, match="(?i)unique|duplicate"):
            await connection.execute_script(insert % 4)
    finally:
        await Tortoise.close_connections()
