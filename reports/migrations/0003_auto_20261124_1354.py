from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('reports', '0002_auto_20261124_1342'), ('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EvidenceSnapshot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('scope_path', fields.CharField(db_index=True, max_length=512)),
                ('period_kind', fields.CharField(max_length=16)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('as_of', fields.DateField()),
                ('content', fields.TextField(unique=False)),
                ('sha256', fields.CharField(max_length=64)),
                ('frozen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('frozen_by', fields.ForeignKeyField('training.Staff', source_field='frozen_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'evidence_snapshot', 'app': 'reports', 'pk_attr': 'id', 'table_description': 'A frozen evidence pack: every figure of a scope and period, as canonical JSON, never'},
            bases=['Model'],
        ),
    ]
