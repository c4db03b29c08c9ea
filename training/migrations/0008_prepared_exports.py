from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0007_staff_by_name')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PreparedExport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='prepared_exports', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2000)),
                ('filename', fields.CharField(max_length=255)),
                ('state', fields.CharField(max_length=16)),
                ('size', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'prepared_export', 'app': 'training', 'indexes': [Index(fields=['staff_id'])], 'pk_attr': 'id', 'table_description': 'An XLSX export that took longer to write than a request waits, finished in the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PreparedExportPart',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('export', fields.ForeignKeyField('training.PreparedExport', source_field='export_id', db_constraint=True, to_field='id', related_name='parts', on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('data', fields.BinaryField()),
            ],
            options={'table': 'prepared_export_part', 'app': 'training', 'unique_together': (('export', 'seq'),), 'pk_attr': 'id', 'table_description': 'A piece of a prepared export (about a megabyte): the pieces in order are the file.'},
            bases=['Model'],
        ),
    ]
