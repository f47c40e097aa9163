"""Platform members: whom a platform's API keys may act for.

Accounts older than this record join the platforms the audit trail shows they acted on,
and the platforms they are staff of, so no one loses access they used.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _members_from_history(apps, schema_editor):
    Platform = apps.get_model("market_platforms", "Platform")
    OperatorMembership = apps.get_model("market_platforms", "OperatorMembership")
    PlatformMembership = apps.get_model("market_platforms", "PlatformMembership")
    AuditEvent = apps.get_model("kernel", "AuditEvent")
    for platform in Platform.objects.all().iterator():
        actors = set(AuditEvent.objects.filter(platform_id=str(platform.public_id), actor__isnull=False)
                     .values_list("actor_id", flat=True).distinct())
        staff = set(OperatorMembership.objects.filter(platform=platform).values_list("user_id", flat=True))
        rows = [PlatformMembership(platform=platform, user_id=user_id,
                                   joined_via="operator" if user_id in staff else "audit_trail")
                for user_id in sorted(actors | staff)]
        PlatformMembership.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('market_platforms', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('kernel', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlatformMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('joined_at', models.DateTimeField(auto_now_add=True)),
                ('joined_via', models.CharField(choices=[('session', 'Signed in as themselves'), ('operator', 'Platform staff'), ('audit_trail', 'Earlier activity on the platform')], max_length=12)),
                ('platform', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='market_platforms.platform')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='platform_memberships', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'platform member',
                'verbose_name_plural': 'platform members',
                'constraints': [models.UniqueConstraint(fields=('platform', 'user'), name='platform_membership_unique')],
            },
        ),
        migrations.RunPython(_members_from_history, migrations.RunPython.noop),
    ]
