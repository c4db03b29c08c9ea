from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxMessage',
            name='context',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
