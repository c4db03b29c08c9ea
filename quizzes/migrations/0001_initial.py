from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from quizzes.models import AttemptState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('courses', '0001_initial'), ('training', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='QuizAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='quiz_attempts', on_delete=OnDelete.RESTRICT)),
                ('enrolment', fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='quiz_attempts', on_delete=OnDelete.RESTRICT)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='quiz_attempts', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('state', fields.CharEnumField(default=AttemptState.OPEN, description='OPEN: open\nGRADED: graded', enum_type=AttemptState, max_length=8)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('score', fields.FloatField(null=True)),
                ('passed', fields.BooleanField(null=True)),
            ],
            options={'table': 'quiz_attempt', 'app': 'quizzes', 'unique_together': (('enrolment', 'number'),), 'indexes': [Index(fields=['version_id', 'state'])], 'pk_attr': 'id', 'table_description': "One sitting of a course's final quiz, graded once, on the server."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuizAnswer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('attempt', fields.ForeignKeyField('quizzes.QuizAttempt', source_field='attempt_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('question_id', fields.CharField(db_index=True, max_length=64)),
                ('choice_ids', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('choice_indices', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('picked', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('saved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('score', fields.FloatField(null=True)),
            ],
            options={'table': 'quiz_answer', 'app': 'quizzes', 'unique_together': (('attempt', 'position'),), 'pk_attr': 'id', 'table_description': "A drawn question in an attempt with the learner's picks, one row per question."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AnswerPick',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('answer', fields.ForeignKeyField('quizzes.QuizAnswer', source_field='answer_id', db_constraint=True, to_field='id', related_name='picks', on_delete=OnDelete.CASCADE)),
                ('question_id', fields.CharField(max_length=64)),
                ('choice_index', fields.IntField()),
            ],
            options={'table': 'answer_pick', 'app': 'quizzes', 'indexes': [Index(fields=['question_id', 'choice_index'])], 'pk_attr': 'id', 'table_description': 'A choice picked in a graded answer: per-choice statistics are one GROUP BY away.'},
            bases=['Model'],
        ),
    ]
