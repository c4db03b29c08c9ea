from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0004_lookups_by_person')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Staff',
            index=Index(fields=['agency_id']),
        ),
    ]
