from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0008_prepared_exports')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['sensitive', 'sent_at', 'id']),
        ),
    ]
