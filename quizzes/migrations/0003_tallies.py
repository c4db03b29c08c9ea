from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

SCORE = "CAST(ROUND(a.score * 100) AS INTEGER)"
BACKFILL = [
    "INSERT INTO quiz_score_tally (version_id, score_centi, attempts, passed) "
    f"SELECT a.version_id, {SCORE}, COUNT(*), SUM(CASE WHEN a.passed THEN 1 ELSE 0 END) "
    f"FROM quiz_attempt a WHERE a.state = 'graded' GROUP BY a.version_id, {SCORE}",
    "INSERT INTO quiz_question_tally (version_id, question_id, score_centi, drawn, score_sum) "
    f"SELECT a.version_id, q.question_id, {SCORE}, COUNT(*), COALESCE(SUM(q.score), 0) "
    "FROM quiz_answer q JOIN quiz_attempt a ON a.id = q.attempt_id WHERE a.state = 'graded' "
    f"GROUP BY a.version_id, q.question_id, {SCORE}",
    "INSERT INTO quiz_choice_tally (version_id, question_id, choice_index, picks) "
    "SELECT a.version_id, p.question_id, p.choice_index, COUNT(*) FROM answer_pick p "
    "JOIN quiz_answer q ON q.id = p.answer_id JOIN quiz_attempt a ON a.id = q.attempt_id "
    "GROUP BY a.version_id, p.question_id, p.choice_index",
]


class Migration(migrations.Migration):
    dependencies = [('courses', '0004_enrolment_cycle'), ('quizzes', '0002_report_indexes'), ('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChoiceTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('question_id', fields.CharField(max_length=64)),
                ('choice_index', fields.IntField()),
                ('picks', fields.IntField(default=0)),
            ],
            options={'table': 'quiz_choice_tally', 'app': 'quizzes', 'unique_together': (('version', 'question_id', 'choice_index'),), 'pk_attr': 'id', 'table_description': 'How often each choice of a question was picked in graded attempts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuestionTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('question_id', fields.CharField(max_length=64)),
                ('score_centi', fields.IntField()),
                ('drawn', fields.IntField(default=0)),
                ('score_sum', fields.FloatField(default=0)),
            ],
            options={'table': 'quiz_question_tally', 'app': 'quizzes', 'unique_together': (('version', 'question_id', 'score_centi'),), 'pk_attr': 'id', 'table_description': 'Per question and attempt score: times drawn and summed score, for the discrimination index.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScoreTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('score_centi', fields.IntField()),
                ('attempts', fields.IntField(default=0)),
                ('passed', fields.IntField(default=0)),
            ],
            options={'table': 'quiz_score_tally', 'app': 'quizzes', 'unique_together': (('version', 'score_centi'),), 'pk_attr': 'id', 'table_description': 'Graded attempts of a version per score, counted at grading: statistics read counters.'},
            bases=['Model'],
        ),
        # Attempts graded before the counters existed.
        ops.RunSQL(BACKFILL),
    ]
