from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('reports', '0005_evidence_parts'), ('training', '0007_staff_by_name')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EvidenceWorkbookPart',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('snapshot', fields.ForeignKeyField('reports.EvidenceSnapshot', source_field='snapshot_id', db_constraint=True, to_field='id', related_name='workbook_parts', on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('data', fields.BinaryField()),
            ],
            options={'table': 'evidence_workbook_part', 'app': 'reports', 'unique_together': (('snapshot', 'seq'),), 'pk_attr': 'id', 'table_description': "A piece of a snapshot's XLSX file (about a megabyte): the pieces in order are the file."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='EvidenceSnapshot',
            name='workbook',
            field=fields.CharField(null=True, max_length=16),
        ),
    ]
