"""Instrument users' qualifications: which instruments require one, and the training records owners keep.

Source of the requirement: 《国务院关于国家重大科研基础设施和大型科研仪器向社会开放的意见》（国发〔2014〕70号）,
as the catalog's ``instrument_user_qualification`` licence rule (holder ``customer``) cites it: open sharing of
large instruments must stay safe, and users are trained and assessed before they run one (上机资格). The owner
of an instrument says whether its rules require the qualification, and records who holds it, until when.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QualificationRequirement(models.Model):
    """A rule of one instrument: booking it needs a valid qualification of ``code``."""

    listing = models.ForeignKey("market_listings.Listing", on_delete=models.CASCADE,
                                related_name="qualification_requirements")
    # A customer-held licence code of the listing's category (catalog licence_rules, holder "customer").
    code = models.CharField(_("qualification"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "code"], name="qualification_requirement_unique")]
        verbose_name = _("qualification requirement")
        verbose_name_plural = _("qualification requirements")

    def __str__(self) -> str:
        return f"{self.listing_id} {self.code}"


class Qualification(models.Model):
    """A training record: ``holder`` may use ``owner``'s instruments that require ``code`` from ``trained_on``
    to ``expires_on`` (both days included, city dates)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.CASCADE,
                                 related_name="qualifications")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="instrument_qualifications")
    code = models.CharField(_("qualification"), max_length=64)
    record_no = models.CharField(_("training record number"), max_length=64, blank=True)
    trained_on = models.DateField(_("trained on"))
    expires_on = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["platform", "owner", "holder", "code"], name="qualification_lookup_idx")]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self) -> str:
        return f"{self.holder_id} {self.code} {self.trained_on}..{self.expires_on}"
