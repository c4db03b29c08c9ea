from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('certificates', '0001_initial'), ('courses', '0002_assignments_campaigns_cohorts'), ('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Certificate',
            index=Index(fields=['issued_at']),
        ),
    ]
