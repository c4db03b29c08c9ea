from tortoise import migrations
from tortoise.migrations import operations as ops
from courses.models import RuleTarget
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('courses', '0001_initial'), ('training', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=255)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('include_sub_agencies', fields.BooleanField(default=True)),
                ('job_title', fields.CharField(default='', max_length=255)),
                ('role', fields.CharField(default='', max_length=16)),
                ('created_by', fields.ForeignKeyField('training.Staff', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign', 'app': 'courses', 'pk_attr': 'id', 'table_description': 'An awareness campaign: courses assigned to an audience for a period (GCI indicator 4.2).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssignmentRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='assignment_rules', on_delete=OnDelete.RESTRICT)),
                ('target', fields.CharEnumField(description='PEOPLE: people\nAGENCY: agency\nJOB_TITLE: job_title\nROLE: role', enum_type=RuleTarget, max_length=16)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name='assignment_rules', on_delete=OnDelete.RESTRICT)),
                ('include_sub_agencies', fields.BooleanField(default=True)),
                ('job_title', fields.CharField(default='', max_length=255)),
                ('role', fields.CharField(default='', max_length=16)),
                ('due_date', fields.DateField(null=True)),
                ('due_days', fields.IntField(null=True)),
                ('starts_on', fields.DateField()),
                ('campaign', fields.ForeignKeyField('courses.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='rules', on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('training.Staff', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('stopped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'assignment_rule', 'app': 'courses', 'pk_attr': 'id', 'table_description': 'Who must follow a course and by when. Rules on an audience also reach later arrivals.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Cohort',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=255)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='cohorts', on_delete=OnDelete.RESTRICT)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', db_constraint=True, to_field='id', related_name='cohorts', on_delete=OnDelete.RESTRICT)),
                ('starts_on', fields.DateField()),
                ('trainer', fields.ForeignKeyField('training.Staff', source_field='trainer_id', null=True, db_constraint=True, to_field='id', related_name='trained_cohorts', on_delete=OnDelete.SET_NULL)),
                ('created_by', fields.ForeignKeyField('training.Staff', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'cohort', 'app': 'courses', 'pk_attr': 'id', 'table_description': 'A group following a long course together: a module opens each week, with sessions.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Assignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('enrolment', fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('rule', fields.ForeignKeyField('courses.AssignmentRule', source_field='rule_id', null=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('cohort', fields.ForeignKeyField('courses.Cohort', source_field='cohort_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('renews_certificate', fields.IntField(null=True, unique=True)),
                ('due_date', fields.DateField(null=True)),
                ('assigned_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'assignment', 'app': 'courses', 'unique_together': (('rule', 'staff'), ('cohort', 'staff')), 'pk_attr': 'id', 'table_description': 'One person given a course by a rule, a cohort (its members) or a certificate to renew.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CohortSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('courses.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('title', fields.CharField(max_length=255)),
                ('place', fields.CharField(default='', max_length=255)),
                ('link', fields.CharField(default='', max_length=512)),
            ],
            options={'table': 'cohort_session', 'app': 'courses', 'pk_attr': 'id', 'table_description': 'A meeting of a cohort: when, and where (a room, or a link for a video call).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attendance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('courses.CohortSession', source_field='session_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.RESTRICT)),
                ('present', fields.BooleanField()),
                ('recorded_by', fields.ForeignKeyField('training.Staff', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'attendance', 'app': 'courses', 'unique_together': (('session', 'staff'),), 'pk_attr': 'id', 'table_description': 'Whether a member attended a session, as the trainer recorded it.'},
            bases=['Model'],
        ),
    ]
