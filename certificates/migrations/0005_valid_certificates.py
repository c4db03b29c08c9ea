from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('certificates', '0004_certificate_by_course')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Certificate',
            index=Index(fields=['expires_at', 'revoked_at', 'superseded_at']),
        ),
    ]
