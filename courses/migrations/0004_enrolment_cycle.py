"""Enrolments count cycles, so a recertification can enrol a learner again on the same edition.

The unique key moves from (staff, version) to (staff, course, cycle). SQLite cannot drop a table
constraint, and Tortoise's table rebuild would drop the old table with foreign keys on (cascading
to lesson progress), so the database work is written here by hand for each dialect, while the
recorded model state is the one `makemigrations` computed.
"""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

OLD_UNIQUE = "uid_enrolment_staff_i_71d35a"
NEW_UNIQUE = "uid_enrolment_staff_i_e9caf1"

# Each enrolment's rank among the learner's enrolments in the same course.
NUMBERED = (
    "SELECT id, ROW_NUMBER() OVER (PARTITION BY staff_id, course_id ORDER BY id) AS n "
    "FROM enrolment"
)

COLUMNS = (
    '"id", "enrolled_at", "source", "due_date", "lessons_completed_at", "quiz_passed_at", '
    '"completed_at", "course_id", "last_lesson_id", "staff_id", "version_id"'
)

SQLITE = f"""
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE "new__enrolment" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "enrolled_at" TIMESTAMP NOT NULL,
    "source" VARCHAR(16) NOT NULL  /* SELF: self\\nASSIGNED: assigned */,
    "due_date" DATE,
    "lessons_completed_at" TIMESTAMP,
    "quiz_passed_at" TIMESTAMP,
    "completed_at" TIMESTAMP,
    "course_id" INT NOT NULL REFERENCES "course" ("id") ON DELETE RESTRICT,
    "last_lesson_id" INT REFERENCES "lesson" ("id") ON DELETE SET NULL,
    "staff_id" INT NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "version_id" INT NOT NULL REFERENCES "course_version" ("id") ON DELETE RESTRICT,
    "cycle" INT NOT NULL DEFAULT 1,
    CONSTRAINT "{NEW_UNIQUE}" UNIQUE ("staff_id", "course_id", "cycle")
);
INSERT INTO "new__enrolment" ({COLUMNS}, "cycle")
    SELECT {COLUMNS}, ROW_NUMBER() OVER (PARTITION BY "staff_id", "course_id" ORDER BY "id")
    FROM "enrolment";
DROP TABLE "enrolment";
ALTER TABLE "new__enrolment" RENAME TO "enrolment";
CREATE INDEX "idx_enrolment_complet_4f613d" ON "enrolment" ("completed_at");
CREATE INDEX "idx_enrolment_course__a805b6" ON "enrolment" ("course_id", "completed_at");
CREATE INDEX "idx_enrolment_enrolle_6b82d0" ON "enrolment" ("enrolled_at");
COMMIT;
PRAGMA foreign_keys = ON;
"""

POSTGRES = [
    'ALTER TABLE "enrolment" ADD COLUMN "cycle" INT NOT NULL DEFAULT 1',
    f'UPDATE "enrolment" SET "cycle" = numbered.n FROM ({NUMBERED}) AS numbered '
    'WHERE numbered.id = "enrolment"."id" AND numbered.n > 1',
    f'ALTER TABLE "enrolment" DROP CONSTRAINT "{OLD_UNIQUE}"',
    f'ALTER TABLE "enrolment" ADD CONSTRAINT "{NEW_UNIQUE}" UNIQUE ("staff_id", "course_id", "cycle")',
]


async def add_cycle(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        await client.execute_script(SQLITE)
        broken = await client.execute_query_dict("PRAGMA foreign_key_check")
        if broken:
            raise RuntimeError(f"foreign keys broken by the enrolment rebuild: {broken}")
        return
    async with client._in_transaction() as transaction:
        for statement in POSTGRES:
            await transaction.execute_script(statement)


class StateOnly(ops.TortoiseOperation):
    """The model state an operation records, without its database work (done by add_cycle)."""

    def __init__(self, operation: ops.TortoiseOperation) -> None:
        self.operation = operation

    def describe(self) -> str:
        return self.operation.describe()

    def state_forward(self, app_label, state) -> None:
        self.operation.state_forward(app_label, state)


class Migration(migrations.Migration):
    dependencies = [('courses', '0003_report_indexes'), ('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False
    # SQLite only turns foreign keys off outside a transaction: add_cycle opens its own.
    atomic = False

    operations = [
        StateOnly(ops.RemoveConstraint(model_name='Enrolment', name=None, fields=['staff', 'version'])),
        StateOnly(ops.AlterModelOptions(
            name='Enrolment',
            options={'table': 'enrolment', 'app': 'courses', 'unique_together': (('staff', 'course', 'cycle'),), 'indexes': [Index(fields=['course_id', 'completed_at']), Index(fields=['enrolled_at'])], 'pk_attr': 'id', 'table_description': "A learner's n-th time through a course, on the version they started: they keep it."},
        )),
        StateOnly(ops.AddField(model_name='Enrolment', name='cycle', field=fields.IntField(default=1))),
        StateOnly(ops.AddConstraint(
            model_name='Enrolment',
            constraint=UniqueConstraint(fields=('staff', 'course', 'cycle'), name=None),
        )),
        ops.RunPython(add_cycle),
    ]
