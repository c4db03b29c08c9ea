from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from training.models import AgencyKind, Role
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Agency',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name_fr', fields.CharField(max_length=255)),
                ('name_ar', fields.CharField(default='', max_length=255)),
                ('name_en', fields.CharField(default='', max_length=255)),
                ('kind', fields.CharEnumField(description='MINISTRY: ministry\nDIRECTORATE: directorate\nPUBLIC_ESTABLISHMENT: public_establishment\nLOCAL_AUTHORITY: local_authority', enum_type=AgencyKind, max_length=32)),
                ('parent', fields.ForeignKeyField('training.Agency', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(default='/', db_index=True, max_length=512)),
                ('declared_headcount', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agency', 'app': 'training', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeploymentSetting',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('value', fields.TextField(unique=False)),
            ],
            options={'table': 'deployment_setting', 'app': 'training', 'pk_attr': 'key', 'table_description': 'Names that differ per country (authorities, laws), kept out of the lessons.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=300)),
                ('failures', fields.IntField(default=0)),
                ('last_failure_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('blocked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'training', 'pk_attr': 'id', 'table_description': 'Failed-login counter per key ("account:<identifier>" or "ip:<address>").'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('registration_number', fields.CharField(unique=True, max_length=32)),
                ('full_name', fields.CharField(max_length=255)),
                ('email', fields.CharField(unique=True, max_length=255)),
                ('job_title', fields.CharField(default='', max_length=255)),
                ('role', fields.CharEnumField(default=Role.LEARNER, description='LEARNER: learner\nHR: hr\nREPORTER: reporter\nADMIN: admin', enum_type=Role, max_length=16)),
                ('language', fields.CharField(default='fr', max_length=2)),
                ('is_active', fields.BooleanField(default=True)),
                ('password_hash', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('deactivated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff', 'app': 'training', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor', fields.ForeignKeyField('training.Staff', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target', fields.CharField(default='', max_length=255)),
                ('detail', fields.TextField(default='', unique=False)),
                ('ip', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'audit_event', 'app': 'training', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PasswordToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='password_tokens', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_token', 'app': 'training', 'pk_attr': 'id', 'table_description': 'A one-time link to set a password (new accounts, resets).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'session', 'app': 'training', 'pk_attr': 'id', 'table_description': 'A login: the cookie holds a random token, the table only its hash.'},
            bases=['Model'],
        ),
    ]
