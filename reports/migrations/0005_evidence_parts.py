from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('reports', '0004_stored_dashboard'), ('training', '0007_staff_by_name')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EvidencePart',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('snapshot', fields.ForeignKeyField('reports.EvidenceSnapshot', source_field='snapshot_id', db_constraint=True, to_field='id', related_name='parts', on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('section', fields.CharField(default='', max_length=64)),
                ('text', fields.TextField(unique=False)),
            ],
            options={'table': 'evidence_part', 'app': 'reports', 'unique_together': (('snapshot', 'seq'),), 'pk_attr': 'id', 'table_description': "A piece of a snapshot's canonical JSON: the pieces in order are the downloaded bytes. A"},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='EvidenceSnapshot',
            options={'table': 'evidence_snapshot', 'app': 'reports', 'pk_attr': 'id', 'table_description': 'A frozen evidence pack: every figure of a scope and period, as canonical JSON (its parts'},
        ),
        ops.AddField(
            model_name='EvidenceSnapshot',
            name='listed',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='EvidenceSnapshot',
            name='status',
            field=fields.CharField(default='ready', db_default='ready', max_length=16),
        ),
        # A pack frozen before: its whole JSON becomes its one part. Set aside first: SQLite
        # drops a column by copying the table, and dropping the old one deletes its parts.
        ops.RunSQL("CREATE TABLE evidence_content_0005 AS SELECT id, content FROM evidence_snapshot"),
        ops.RemoveField(model_name='EvidenceSnapshot', name='content'),
        ops.RunSQL(
            [
                "INSERT INTO evidence_part (snapshot_id, seq, section, text) "
                "SELECT id, 0, '', content FROM evidence_content_0005",
                "DROP TABLE evidence_content_0005",
            ]
        ),
    ]
