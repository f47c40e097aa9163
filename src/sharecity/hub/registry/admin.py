from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sharecity.hub.audit.admin import AuditedModelAdmin
from sharecity.hub.registry.models import KeyRotation, RegisteredPlatform, RegulatorProfile
from sharecity.kernel.districts import CITIES, DISTRICTS


@admin.register(RegisteredPlatform)
class RegisteredPlatformAdmin(AuditedModelAdmin):
    list_display = ("name", "credit_code", "platform_id", "registered_at")


class RegulatorProfileForm(forms.ModelForm):
    class Meta:
        model = RegulatorProfile
        fields = ("user", "department", "department_kind", "city_code", "district_code")

    def clean(self):
        cleaned = super().clean()
        city, district = cleaned.get("city_code"), cleaned.get("district_code")
        if city and city not in CITIES:
            self.add_error("city_code", _("Unknown city code."))
        if district:
            if district not in DISTRICTS:
                self.add_error("district_code", _("Unknown district code."))
            elif city and DISTRICTS[district].city_code != city:
                self.add_error("district_code", _("The district is not in the officer's city."))
        return cleaned


@admin.register(RegulatorProfile)
class RegulatorProfileAdmin(AuditedModelAdmin):
    form = RegulatorProfileForm
    list_display = ("user", "department", "department_kind", "city_code", "district_code")
    list_filter = ("city_code", "department_kind")


@admin.register(KeyRotation)
class KeyRotationAdmin(AuditedModelAdmin):
    list_display = ("rotated_at", "platform_id", "effective_sequence", "source", "old_fingerprint", "new_fingerprint")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
