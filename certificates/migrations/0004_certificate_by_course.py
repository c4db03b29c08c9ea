from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('certificates', '0003_pdf_at_first_download')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Certificate',
            index=Index(fields=['course_id']),
        ),
    ]
