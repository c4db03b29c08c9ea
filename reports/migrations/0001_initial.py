from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='StaffMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('agency_path', fields.CharField(db_index=True, max_length=512)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_membership', 'app': 'reports', 'indexes': [Index(fields=['staff_id', 'started_at'])], 'pk_attr': 'id', 'table_description': 'A staff member in one agency from `started_at` until `ended_at` (open while there).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StandardsProgramme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=255)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name='standards_programmes', on_delete=OnDelete.RESTRICT)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField(null=True)),
                ('evidence', fields.TextField(unique=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.ForeignKeyField('training.Staff', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'standards_programme', 'app': 'reports', 'pk_attr': 'id', 'table_description': 'An official R&D programme on cybersecurity standards or good practice, with evidence.'},
            bases=['Model'],
        ),
    ]
