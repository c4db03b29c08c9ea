from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('courses', '0001_initial'), ('courses', '0002_assignments_campaigns_cohorts'), ('courses', '0003_report_indexes'), ('courses', '0004_enrolment_cycle'), ('quizzes', '0003_tallies'), ('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='QuizAttempt',
            index=Index(fields=['staff_id', 'submitted_at']),
        ),
    ]
