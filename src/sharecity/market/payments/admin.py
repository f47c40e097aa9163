from django.contrib import admin

from sharecity.market.payments.models import CommissionRule, DepositObligation, JournalEntry, Payout, Posting


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    can_delete = False
    readonly_fields = ("account", "amount_fen")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """Read only: the ledger is written by the payments services alone."""

    list_display = ("created_at", "platform", "kind", "order_ref", "memo", "gateway_reference")
    list_filter = ("platform", "kind")
    search_fields = ("order_ref", "gateway_reference")
    inlines = [PostingInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CommissionRule)
class CommissionRuleAdmin(admin.ModelAdmin):
    list_display = ("platform", "category_code", "percent_bp", "fixed_fen", "minimum_fen", "cap_fen")
    list_filter = ("platform",)


@admin.register(DepositObligation)
class DepositObligationAdmin(admin.ModelAdmin):
    list_display = ("platform", "order_ref", "amount_fen", "due_at", "refunded_at", "deduction_fen")
    list_filter = ("platform",)


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ("created_at", "platform", "provider", "amount_fen", "status", "gateway_reference")
    list_filter = ("platform", "status")
