from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('certificates', '0006_certificate_search')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Certificate',
            name=None,
            fields=['staff_id', 'course_id'],
        ),
        ops.AddIndex(
            model_name='Certificate',
            index=Index(fields=['staff_id', 'course_id', 'expires_at', 'issued_at', 'revoked_at', 'superseded_at']),
        ),
    ]
