from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('courses', '0002_assignments_campaigns_cohorts'), ('quizzes', '0001_initial'), ('training', '0001_initial'), ('training', '0002_outbox')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='QuizAttempt',
            index=Index(fields=['submitted_at']),
        ),
    ]
