"""The simulator's own tables: its runs and the ground truth of the misconduct it injected.

The hub never reads these (an import-linter contract forbids ``sharecity.hub`` to import
``sharecity.sim``): later detection is scored against them honestly.
"""

from __future__ import annotations

from django.db import models


class SimRun(models.Model):
    seed = models.BigIntegerField()
    city = models.CharField(max_length=32)
    scale = models.FloatField()
    days = models.PositiveIntegerField()
    start_day = models.DateField()
    parameters = models.JSONField(default=dict)  # every option of the run, the misconduct rates among them
    started_at = models.DateTimeField()  # real (wall-clock) times of the run
    finished_at = models.DateTimeField(null=True, blank=True)
    events = models.JSONField(default=dict)  # events by kind
    misconduct = models.JSONField(default=dict)  # labels by kind
    relayed = models.PositiveBigIntegerField(default=0)
    applied = models.PositiveBigIntegerField(default=0)
    events_per_second = models.FloatField(default=0.0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"run {self.pk}: {self.city} seed {self.seed}, {self.days} days from {self.start_day}"


class MisconductKind(models.TextChoices):
    FAKE_REVIEW_RING = "fake_review_ring", "Fake-review ring"
    PRICE_FRAUD = "price_fraud", "Price raised before a discount"
    UNLICENSED_HOMESTAY = "unlicensed_homestay", "Homestay without a valid licence"
    DEPOSIT_KEPT = "deposit_kept", "Deposit kept without cause"
    REPOSTED_LISTING = "reposted_listing", "Listing re-posted after removal"
    BLACKLISTED_ONBOARDING = "blacklisted_onboarding", "Serious-dishonesty-listed provider onboarding"
    DEPOSIT_DELAYED = "deposit_delayed", "Deposit held past its refund deadline"
    SERVICE_FAILURE = "service_failure", "A week of failed service in a district"
    CANCELLATION_WAVE = "cancellation_wave", "Confirmed bookings cancelled en masse"


class MisconductLabel(models.Model):
    run = models.ForeignKey(SimRun, on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(max_length=32, choices=MisconductKind.choices)
    platform_slug = models.CharField(max_length=64)
    listing_ref = models.CharField(max_length=64, blank=True)  # Listing.public_id
    order_ref = models.CharField(max_length=64, blank=True)  # Order.public_id
    account_ref = models.CharField(max_length=64, blank=True)  # User.public_id of the wrongdoer
    party_key = models.CharField(max_length=128, blank=True)  # the key under which the hub sees the wrongdoer
    occurred_at = models.DateTimeField()  # simulated time
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["run", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.platform_slug} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def as_dict(self) -> dict:
        return {"run": self.run_id, "kind": self.kind, "platform": self.platform_slug, "listing": self.listing_ref,
                "order": self.order_ref, "account": self.account_ref, "party_key": self.party_key,
                "occurred_at": self.occurred_at.isoformat(), "details": self.details}
