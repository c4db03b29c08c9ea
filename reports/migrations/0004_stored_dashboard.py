import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('reports', '0003_auto_20261124_1354')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StoredDashboard',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope_path', fields.CharField(max_length=512)),
                ('period_kind', fields.CharField(max_length=16)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('as_of', fields.DateField()),
                ('counted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seconds', fields.FloatField()),
                ('figures', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('viewed_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('refreshing_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stored_dashboard', 'app': 'reports', 'unique_together': (('scope_path', 'period_kind', 'starts_on', 'ends_on', 'as_of'),), 'pk_attr': 'id', 'table_description': 'A dashboard of a large scope as counted at one moment, shown again for a few minutes:'},
            bases=['Model'],
        ),
    ]
