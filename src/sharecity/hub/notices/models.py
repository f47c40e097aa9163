"""The hub's read model of rights holders' notices (《中华人民共和国电子商务法》第四十二条至第四十五条), kept by
intake from ``notice.state_changed``, and the time limits the city watches them by.

How soon a platform must take a measure (or explain) and forward a counter-notice is not a number the
law fixes (第四十二条第二款 and 第四十三条第二款 say 及时, "promptly"): ``NoticeDeadline`` rows are the city's
own setting, with an effective date. The end of the measures 15 days after a counter-notice reached the
rights holder is a legal deadline (第四十三条第二款); the platform reports when it falls
(``restore_due_at``) and the hub flags a notice whose measures were not ended by then.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits

IDENT = limits.IDENTIFIER_MAX_LENGTH


class DeadlineCode(models.TextChoices):
    MEASURE = "measure", _("Take a measure or explain, after the notice")
    COUNTER_FORWARD = "counter_forward", _("Forward the counter-notice to the rights holder")


class NoticeDeadline(models.Model):
    code = models.CharField(_("time limit"), max_length=20, choices=DeadlineCode.choices)
    hours = models.PositiveIntegerField(_("hours"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="hub_notice_deadline_unique")]
        verbose_name = _("notice time limit")
        verbose_name_plural = _("notice time limits")

    def __str__(self) -> str:
        return f"{self.code} {self.hours} h ({self.effective_from})"


class NoticeFact(models.Model):
    platform_id = models.CharField(_("platform"), max_length=limits.PLATFORM_ID_MAX_LENGTH, db_index=True)
    notice_id = models.CharField(_("notice id"), max_length=IDENT)
    district_code = models.CharField(_("district"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True, default="")
    city_code = models.CharField(_("city"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True, default="")
    districts = models.JSONField(default=list)
    listing_ids = models.JSONField(default=list)
    right_kind = models.CharField(_("right"), max_length=12)
    last_step = models.CharField(_("last step"), max_length=20)
    last_step_at = models.DateTimeField(_("last step at"))
    filed_at = models.DateTimeField(_("filed"))
    measure = models.CharField(_("measure"), max_length=12, default="none")
    measure_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    counter_noticed_at = models.DateTimeField(null=True, blank=True)
    counter_forwarded_at = models.DateTimeField(null=True, blank=True)
    restore_due_at = models.DateTimeField(null=True, blank=True)
    complaint_kind = models.CharField(max_length=12, blank=True, default="")
    complaint_reported_at = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, default="open")
    wrong_notice = models.BooleanField(default=False)
    malicious = models.BooleanField(default=False)
    # Every step reported: [{"step", "at", "actor_role"}], in the order of their times.
    steps = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "notice_id"], name="hub_notice_unique")]
        ordering = ["-filed_at", "-id"]
        verbose_name = _("rights holder's notice")
        verbose_name_plural = _("rights holders' notices")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.notice_id}"
