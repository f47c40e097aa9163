from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    """One transaction on a listing, driven by a declarative transaction process.

    ``state`` is a state of ``process`` (see ``orders.processes``); each process state says
    which public state (the exchange's ``OrderState``) it is reported to the hub as.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="orders")
    # Every order is on a listing, except a task's whose winning provider had no listing in its category.
    listing = models.ForeignKey("market_listings.Listing", on_delete=models.PROTECT, related_name="orders",
                                null=True, blank=True)
    task = models.ForeignKey("TaskRequest", on_delete=models.PROTECT, related_name="orders", null=True, blank=True)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_placed")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_received")
    process = models.CharField(_("transaction process"), max_length=40)
    state = models.CharField(_("state"), max_length=32, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    units = models.PositiveIntegerField(_("units"), default=1, help_text=_("hours, days, nights or items charged"))
    subtotal_fen = models.PositiveIntegerField(_("subtotal (fen)"))
    fees_fen = models.PositiveIntegerField(_("fees (fen)"), default=0)
    total_fen = models.PositiveIntegerField(_("total (fen)"))
    deposit_fen = models.PositiveIntegerField(_("deposit (fen)"), default=0)
    refunded_fen = models.PositiveIntegerField(_("refunded (fen)"), default=0)
    released_fen = models.PositiveIntegerField(_("paid out to the provider (fen)"), default=0)
    deposit_deducted_fen = models.PositiveIntegerField(_("deducted from the deposit (fen)"), default=0)
    deposit_settled = models.BooleanField(_("deposit settled"), default=False)
    deposit_due_at = models.DateTimeField(_("deposit refunded by"), null=True, blank=True)
    message = models.TextField(_("message to the provider"), blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=64, blank=True)
    # Online consultation is for follow-up visits only (《互联网诊疗管理办法（试行）》国卫医发〔2018〕25号 第十六条):
    # where and when the patient says the condition was diagnosed offline, as confirmed when booking.
    prior_diagnosis_institution = models.CharField(_("diagnosed at"), max_length=100, blank=True)
    prior_diagnosis_on = models.DateField(_("diagnosed on"), null=True, blank=True)
    # The priced lines shown before commit, kept as shown: [{"label_zh", "label_en", "fen"}].
    price_lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["platform", "state"], name="order_platform_state_idx")]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return f"{self.listing} #{self.public_id}"


class OrderEvent(models.Model):
    """One step of an order's history: who took which transition, from where to where, when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_role = models.CharField(max_length=10)
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} -> {self.to_state}"


class RefundKind(models.TextChoices):
    ORDER_STEP = "order_step", _("With a step of the order (cancellation, decline, dispute)")
    COMPLAINT = "complaint", _("Complaint upheld")
    DISPUTE = "dispute", _("Dispute decided")


class OrderRefund(models.Model):
    """Money given back to the order's customer through the ledger: how much, when, why, and where it
    came from (escrow, or the provider's balance, of which ``receivable_fen`` the provider owes)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    kind = models.CharField(_("why"), max_length=12, choices=RefundKind.choices)
    # The complaint or dispute decided with this refund (its public id), blank for a step of the order.
    source_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    from_escrow_fen = models.PositiveIntegerField(default=0)
    from_provider_fen = models.PositiveIntegerField(default=0)
    receivable_fen = models.PositiveIntegerField(default=0)
    # One refund per complaint or dispute (or per ledger entry of a step): a retry finds it.
    idempotency_key = models.CharField(max_length=200, unique=True)
    entry = models.OneToOneField("market_payments.JournalEntry", on_delete=models.PROTECT, related_name="order_refund")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.order_id} {self.amount_fen}"


class ScheduledTransition(models.Model):
    """A timed transition waiting for its moment. The sweeper (``tasks.timers_fire``) takes the due
    ones, so a restart of the workers loses nothing; ``done_at`` makes running one twice harmless."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="timers")
    transition = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)  # taken | skipped
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="order_timer_due_idx")]

    def __str__(self) -> str:
        return f"{self.transition} at {self.due_at}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open for bids")
    AWARDED = "awarded", _("Awarded")
    CLOSED = "closed", _("Closed")


class TaskRequest(models.Model):
    """A task a customer posts for verified providers to bid on (知识技能众包)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="task_requests")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks_posted")
    category = models.ForeignKey("market_catalog.Category", on_delete=models.PROTECT, related_name="task_requests")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    budget_fen = models.PositiveIntegerField(_("budget (fen)"))
    deadline = models.DateTimeField(_("deadline"))
    district_code = models.CharField(_("district"), max_length=6)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not chosen")


class Bid(models.Model):
    task = models.ForeignKey(TaskRequest, on_delete=models.CASCADE, related_name="bids")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bids")
    # The provider's own listing the bid is made under (their skills offer), if they have one: the
    # order then counts for that listing (ratings, transacted prices).
    listing = models.ForeignKey("market_listings.Listing", on_delete=models.PROTECT, related_name="bids",
                                null=True, blank=True)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    days = models.PositiveIntegerField(_("days to deliver"))
    # [{"title": ..., "amount_fen": ...}], summing to amount_fen.
    milestone_plan = models.JSONField(_("milestones"), default=list)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["amount_fen", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "provider"], name="one_bid_per_provider")]

    def __str__(self) -> str:
        return f"{self.task} / {self.amount_fen}"


class MilestoneStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DELIVERED = "delivered", _("Delivered")
    RELEASED = "released", _("Approved and paid")


class Milestone(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=120)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    status = models.CharField(max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN)
    delivered_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title
