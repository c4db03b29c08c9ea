from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from courses.models import Audience, EnrolmentSource
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0001_initial')]

    initial = True

    # Reordered by hand: each table after those it references; the Course <-> CourseVersion
    # cycle closes with AddField once both exist.
    operations = [
        ops.CreateModel(
            name='Course',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course', 'app': 'courses', 'pk_attr': 'id', 'table_description': 'A course is its slug: everything a learner reads belongs to one of its versions.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CourseVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('label', fields.CharField(max_length=32)),
                ('content_hash', fields.CharField(max_length=64)),
                ('languages', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('title', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('summary', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('audience', fields.CharEnumField(description='ALL: all\nIT_STAFF: it-staff', enum_type=Audience, max_length=16)),
                ('estimated_minutes', fields.IntField()),
                ('prerequisites', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('pass_mark', fields.IntField()),
                ('certificate_validity_months', fields.IntField()),
                ('topics', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('quiz_rules', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('question_bank', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('guide', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('loaded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'course_version', 'app': 'courses', 'unique_together': (('course', 'number'),), 'pk_attr': 'id', 'table_description': 'One loaded edition of a pack, never changed once loaded, so learners can keep it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Module',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='modules', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('folder', fields.CharField(max_length=128)),
                ('title', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'course_module', 'app': 'courses', 'unique_together': (('version', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Lesson',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='lessons', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('courses.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='lessons', on_delete=OnDelete.CASCADE)),
                ('sequence', fields.IntField()),
                ('slug', fields.CharField(max_length=128)),
                ('title', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'lesson', 'app': 'courses', 'unique_together': (('version', 'sequence'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MediaFile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='media', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=128)),
                ('content_type', fields.CharField(max_length=64)),
                ('data', fields.BinaryField()),
            ],
            options={'table': 'media_file', 'app': 'courses', 'unique_together': (('version', 'name'),), 'pk_attr': 'id', 'table_description': 'Images of a version, kept in the database so an uploaded pack needs no disk.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Enrolment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='enrolments', on_delete=OnDelete.RESTRICT)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='enrolments', on_delete=OnDelete.RESTRICT)),
                ('version', fields.ForeignKeyField('courses.CourseVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='enrolments', on_delete=OnDelete.RESTRICT)),
                ('enrolled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('source', fields.CharEnumField(description='SELF: self\nASSIGNED: assigned', enum_type=EnrolmentSource, max_length=16)),
                ('due_date', fields.DateField(null=True)),
                ('last_lesson', fields.ForeignKeyField('courses.Lesson', source_field='last_lesson_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('lessons_completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('quiz_passed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'enrolment', 'app': 'courses', 'unique_together': (('staff', 'version'),), 'indexes': [Index(fields=['course_id', 'completed_at'])], 'pk_attr': 'id', 'table_description': 'A learner on one version of a course: the version they started is the one they keep.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LessonProgress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enrolment', fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.CASCADE)),
                ('lesson', fields.ForeignKeyField('courses.Lesson', source_field='lesson_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.RESTRICT)),
                ('read_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lesson_progress', 'app': 'courses', 'unique_together': (('enrolment', 'lesson'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Course',
            name='current_version',
            field=fields.ForeignKeyField('courses.CourseVersion', source_field='current_version_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]
