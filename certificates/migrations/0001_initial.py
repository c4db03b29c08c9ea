from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from certificates.models import ReviewStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('courses', '0001_initial'), ('training', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('enrolment', fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('issue_number', fields.IntField(default=1)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('holder_name', fields.CharField(max_length=255)),
                ('holder_registration_number', fields.CharField(max_length=32)),
                ('agency_code', fields.CharField(max_length=32)),
                ('agency_name_fr', fields.CharField(max_length=255)),
                ('agency_name_ar', fields.CharField(default='', max_length=255)),
                ('course_slug', fields.CharField(max_length=64)),
                ('course_title', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version_label', fields.CharField(max_length=32)),
                ('version_number', fields.IntField()),
                ('score', fields.FloatField(null=True)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('renews', fields.ForeignKeyField('certificates.Certificate', source_field='renews_id', null=True, db_constraint=True, to_field='id', related_name='renewals', on_delete=OnDelete.RESTRICT)),
                ('replaces', fields.ForeignKeyField('certificates.Certificate', source_field='replaces_id', null=True, db_constraint=True, to_field='id', related_name='replacements', on_delete=OnDelete.RESTRICT)),
                ('reissue_reason', fields.TextField(default='', unique=False)),
                ('superseded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.TextField(default='', unique=False)),
                ('revoked_by', fields.ForeignKeyField('training.Staff', source_field='revoked_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'certificate', 'app': 'certificates', 'unique_together': (('enrolment', 'issue_number'),), 'indexes': [Index(fields=['staff_id', 'course_id'])], 'pk_attr': 'id', 'table_description': 'A frozen record of a completed course: later edits to the person or course never reach it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CertificatePdf',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('certificate', fields.OneToOneField('certificates.Certificate', source_field='certificate_id', db_constraint=True, to_field='id', related_name='pdf', on_delete=OnDelete.CASCADE)),
                ('data', fields.BinaryField()),
                ('sha256', fields.CharField(max_length=64)),
                ('rendered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'certificate_pdf', 'app': 'certificates', 'pk_attr': 'id', 'table_description': 'The PDF rendered once at issue time, so every download is the same file.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EvidenceFile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('filename', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=32)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('data', fields.BinaryField()),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('uploaded_by', fields.ForeignKeyField('training.Staff', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'evidence_file', 'app': 'certificates', 'pk_attr': 'id', 'table_description': 'A PDF or image proving a certification, kept in the database, never under static/.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AgencyCertification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('training.Agency', source_field='agency_id', db_constraint=True, to_field='id', related_name='certifications', on_delete=OnDelete.RESTRICT)),
                ('standard', fields.CharField(db_index=True, max_length=32)),
                ('other_name', fields.CharField(default='', max_length=128)),
                ('certifying_body', fields.CharField(max_length=128)),
                ('scope', fields.TextField(default='', unique=False)),
                ('certificate_number', fields.CharField(max_length=128)),
                ('issued_on', fields.DateField()),
                ('expires_on', fields.DateField(null=True)),
                ('evidence', fields.ForeignKeyField('certificates.EvidenceFile', source_field='evidence_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=ReviewStatus.DECLARED, description='DECLARED: declared\nVERIFIED: verified\nREJECTED: rejected', enum_type=ReviewStatus, max_length=16)),
                ('declared_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('declared_by', fields.ForeignKeyField('training.Staff', source_field='declared_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('training.Staff', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('review_note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'agency_certification', 'app': 'certificates', 'unique_together': (('agency', 'standard', 'other_name', 'certificate_number'),), 'pk_attr': 'id', 'table_description': 'A whole agency certified under an international standard (GCI 4.4).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfessionalCertification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('training.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='professional_certifications', on_delete=OnDelete.RESTRICT)),
                ('scheme', fields.CharField(db_index=True, max_length=32)),
                ('other_name', fields.CharField(default='', max_length=128)),
                ('issuer', fields.CharField(max_length=128)),
                ('credential_id', fields.CharField(max_length=128)),
                ('obtained_on', fields.DateField()),
                ('expires_on', fields.DateField(null=True)),
                ('evidence', fields.ForeignKeyField('certificates.EvidenceFile', source_field='evidence_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=ReviewStatus.DECLARED, description='DECLARED: declared\nVERIFIED: verified\nREJECTED: rejected', enum_type=ReviewStatus, max_length=16)),
                ('declared_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('declared_by', fields.ForeignKeyField('training.Staff', source_field='declared_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('training.Staff', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('review_note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'professional_certification', 'app': 'certificates', 'unique_together': (('staff', 'scheme', 'other_name', 'credential_id'),), 'pk_attr': 'id', 'table_description': 'An internationally recognised certification held by a staff member (GCI 4.3).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VerifyLookup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('address', fields.CharField(max_length=64)),
                ('window', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'verify_lookup', 'app': 'certificates', 'unique_together': (('address', 'window'),), 'pk_attr': 'id', 'table_description': 'Public verification lookups per client address and minute, to stop code enumeration.'},
            bases=['Model'],
        ),
    ]
