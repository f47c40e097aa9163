from django.contrib import admin

from sharecity.market.orders.models import Bid, Milestone, Order, OrderEvent, ScheduledTransition, TaskRequest


class ReadOnly(admin.ModelAdmin):
    """Orders change only through their process (``orders.services``): the history and the hub must see it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ("at", "transition", "from_state", "to_state", "actor", "actor_role", "data")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimerInline(OrderEventInline):
    model = ScheduledTransition
    fields = ("transition", "due_at", "done_at", "outcome")
    readonly_fields = fields


class MilestoneInline(OrderEventInline):
    model = Milestone
    fields = ("position", "title", "amount_fen", "status", "delivered_at", "released_at")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ("public_id", "platform", "process", "state", "customer", "provider", "total_fen", "created_at")
    list_filter = ("process", "state", "platform")
    search_fields = ("public_id",)
    inlines = [OrderEventInline, TimerInline, MilestoneInline]


@admin.register(ScheduledTransition)
class ScheduledTransitionAdmin(ReadOnly):
    list_display = ("order", "transition", "due_at", "done_at", "outcome")
    list_filter = ("transition", "outcome")


@admin.register(TaskRequest)
class TaskRequestAdmin(ReadOnly):
    list_display = ("public_id", "platform", "title", "customer", "budget_fen", "deadline", "status")
    list_filter = ("status", "platform")


@admin.register(Bid)
class BidAdmin(ReadOnly):
    list_display = ("task", "provider", "amount_fen", "days", "status")
    list_filter = ("status",)
