from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0006_staff_search')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Staff',
            index=Index(fields=['full_name', 'id']),
        ),
    ]
