from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('certificates', '0002_report_indexes'), ('courses', '0005_enrolment_by_person'), ('training', '0003_unrendered_emails')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='CertificatePdf',
            options={'table': 'certificate_pdf', 'app': 'certificates', 'pk_attr': 'id', 'table_description': 'The PDF rendered once, at the first download, so every download is the same file.'},
        ),
    ]
