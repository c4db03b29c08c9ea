from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('reports', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GciIndicatorRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField()),
                ('code', fields.CharField(max_length=8)),
                ('points', fields.SmallIntField()),
                ('evidence', fields.TextField(unique=False)),
                ('links', fields.TextField(unique=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.ForeignKeyField('training.Staff', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'gci_indicator_record', 'app': 'reports', 'unique_together': (('year', 'code'),), 'pk_attr': 'id', 'table_description': "A national reporter's points for one GCI 2014 indicator and one assessment year."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GciThresholds',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('programmes_partial', fields.IntField()),
                ('programmes_full', fields.IntField()),
                ('coverage_partial', fields.IntField()),
                ('coverage_full', fields.IntField()),
                ('professionals_partial', fields.IntField()),
                ('professionals_full', fields.IntField()),
                ('agencies_partial', fields.IntField()),
                ('agencies_full', fields.IntField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('training.Staff', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'gci_thresholds', 'app': 'reports', 'pk_attr': 'id', 'table_description': 'The thresholds in force for GCI 4.1 to 4.4, edited by administrators (one row).'},
            bases=['Model'],
        ),
    ]
