from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('training', '0003_unrendered_emails')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['staff_id']),
        ),
        ops.AddIndex(
            model_name='PasswordToken',
            index=Index(fields=['staff_id']),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['staff_id']),
        ),
    ]
