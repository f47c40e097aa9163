from django.db import migrations, models


def scope_from_issuer(apps, schema_editor):
    """Directives issued before scoping take their officer's city and district; one whose officer is
    gone keeps none and is seen by the hub's operators only."""
    Directive = apps.get_model("hub_directives", "Directive")
    RegulatorProfile = apps.get_model("hub_registry", "RegulatorProfile")
    profiles = {p.user_id: (p.city_code, p.district_code) for p in RegulatorProfile.objects.all()}
    for directive in Directive.objects.exclude(issued_by=None).iterator():
        if directive.issued_by_id in profiles:
            directive.city_code, directive.district_code = profiles[directive.issued_by_id]
            directive.save(update_fields=["city_code", "district_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('hub_directives', '0001_initial'),
        ('hub_registry', '0005_regulator_city_department'),
    ]

    operations = [
        migrations.AddField(
            model_name='directive',
            name='city_code',
            field=models.CharField(blank=True, db_index=True, max_length=6, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='directive',
            name='district_code',
            field=models.CharField(blank=True, max_length=6, verbose_name='district'),
        ),
        migrations.RunPython(scope_from_issuer, migrations.RunPython.noop),
    ]
