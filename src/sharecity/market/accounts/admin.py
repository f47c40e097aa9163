from django.contrib import admin

from sharecity.market.accounts.models import ProviderProfile


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "kind", "identity_masked", "verified_at", "verifier")
    exclude = ("identity_encrypted", "identity_index")
    readonly_fields = ("identity_masked", "verified_at", "verifier", "verification_reference")
