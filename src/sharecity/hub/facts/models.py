"""The regulator's read model of what platforms reported: listings, complaints, moderation,
safety incidents and subjects, kept by intake's handlers (``services``) as facts arrive.

Every row carries ``district_code`` and ``city_code`` (empty when the fact did not say where) so
that pages and the API scope it with ``hub.registry.jurisdiction``. Lengths come from
``kernel.limits``, the same constants the exchange's schemas use, so every value a schema allows
fits (``tests/exchange/test_limits_walk.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits

PLATFORM = limits.PLATFORM_ID_MAX_LENGTH
IDENT = limits.IDENTIFIER_MAX_LENGTH
DISTRICT = limits.DISTRICT_CODE_LENGTH
KEY = limits.PARTY_KEY_MAX_LENGTH


class Located(models.Model):
    platform_id = models.CharField(_("platform"), max_length=PLATFORM, db_index=True)
    district_code = models.CharField(_("district"), max_length=DISTRICT, blank=True, default="")
    city_code = models.CharField(_("city"), max_length=DISTRICT, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ListingState(models.TextChoices):
    LIVE = "live", _("Live")
    REMOVED = "removed", _("Removed")


class PriceUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    NIGHT = "night", _("per night")
    MONTH = "month", _("per month")
    ITEM = "item", _("per item")


class RemovedBy(models.TextChoices):
    PROVIDER = "provider", _("The provider")
    PLATFORM = "platform", _("The platform")
    AUTHORITY = "authority", _("An authority")


class ListingFact(Located):
    """One listing as the platform reported it. ``published_at`` is empty while only later facts
    (a change, a removal) have arrived: its fields then hold what those said."""

    listing_id = models.CharField(_("listing id"), max_length=IDENT)
    category = models.CharField(_("category"), max_length=limits.CATEGORY_CODE_MAX_LENGTH, blank=True, default="")
    provider_key = models.CharField(_("provider"), max_length=KEY, blank=True, default="")
    price_fen = models.BigIntegerField(_("price"), null=True, blank=True)
    price_unit = models.CharField(_("price unit"), max_length=8, choices=PriceUnit.choices, blank=True, default="")
    title = models.CharField(_("title"), max_length=limits.TITLE_MAX_LENGTH, blank=True, default="")
    state = models.CharField(_("state"), max_length=12, choices=ListingState.choices, default=ListingState.LIVE)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    changed_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.CharField(_("removed by"), max_length=12, choices=RemovedBy.choices, blank=True, default="")
    statement_of_reasons = models.JSONField(_("statement of reasons"), null=True, blank=True)
    times_published = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "listing_id"], name="facts_listing_unique")]
        indexes = [models.Index(fields=["state", "district_code"], name="facts_listing_state_idx"),
                   models.Index(fields=["provider_key"], name="facts_listing_provider_idx")]
        ordering = ["-updated_at", "-id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.listing_id} {self.state}"


class ListingChange(Located):
    """What one ``listing.changed`` said: the aspects, and the tracked values before and after."""

    # The listing by the platform's id, not a foreign key: intake writes these in bulk in the same
    # pass that creates the listing row.
    listing_id = models.CharField(max_length=IDENT)
    changed_at = models.DateTimeField(_("changed"))
    aspects = models.JSONField(_("what changed"), default=list)
    previous = models.JSONField(default=dict)
    current = models.JSONField(default=dict)

    class Meta:
        # The same change reported again (a platform resending it under a new message id) is one change.
        constraints = [models.UniqueConstraint(fields=["platform_id", "listing_id", "changed_at"],
                                               name="facts_listing_change_unique")]
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.listing_id} changed {self.changed_at:%Y-%m-%d %H:%M}"


class ListingRemoval(Located):
    """Each time a listing was taken down, kept after it is published again: a provider whose
    listing was removed and who lists the same thing again is what risk warnings look for."""

    listing_id = models.CharField(max_length=IDENT)
    provider_key = models.CharField(max_length=KEY, blank=True, default="")
    title = models.CharField(max_length=limits.TITLE_MAX_LENGTH, blank=True, default="")
    category = models.CharField(max_length=limits.CATEGORY_CODE_MAX_LENGTH, blank=True, default="")
    removed_at = models.DateTimeField(_("removed"))
    removed_by = models.CharField(max_length=12, choices=RemovedBy.choices)
    statement_of_reasons = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "listing_id", "removed_at"],
                                               name="facts_listing_removal_unique")]
        indexes = [models.Index(fields=["provider_key", "title"], name="facts_removal_provider_idx")]
        ordering = ["-removed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.listing_id} removed {self.removed_at:%Y-%m-%d %H:%M}"


class Answer(models.TextChoices):
    EXPLANATION = "explanation", _("Explanation")
    REFUND_OFFERED = "refund_offered", _("Refund offered")
    REPLACEMENT_OFFERED = "replacement_offered", _("Replacement offered")
    COMPENSATION_OFFERED = "compensation_offered", _("Compensation offered")
    FORWARDED_TO_PROVIDER = "forwarded_to_provider", _("Forwarded to the provider")
    REJECTED = "rejected", _("Complaint rejected")


class EscalatedTo(models.TextChoices):
    PLATFORM_ARBITRATION = "platform_arbitration", _("The platform's arbitration")
    THIRD_PARTY_PLATFORM = "third_party_platform", _("The city's third-party complaint platform")
    CONSUMER_ASSOCIATION = "consumer_association", _("The consumer association")
    MARKET_REGULATOR = "market_regulator", _("The market regulator (12315)")
    COURT = "court", _("A court")


class EscalationReason(models.TextChoices):
    UNANSWERED_IN_TIME = "unanswered_in_time", _("Not answered in time")
    NOT_SATISFIED = "complainant_not_satisfied", _("Not satisfied with the answer")
    SERIOUS_HARM = "serious_harm", _("Serious harm")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    REJECTED = "rejected", _("Rejected")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed, not answered")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")


class ComplaintFact(Located):
    """One complaint and its course. The status follows from which facts have arrived, whatever
    their order: resolved, else escalated, else answered, else filed."""

    complaint_id = models.CharField(_("complaint id"), max_length=IDENT)
    order_id = models.CharField(_("order id"), max_length=IDENT, blank=True, default="")
    category = models.CharField(_("category"), max_length=limits.CATEGORY_CODE_MAX_LENGTH, blank=True, default="")
    complainant_key = models.CharField(_("complainant"), max_length=KEY, blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.FILED)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=32, choices=Answer.choices, blank=True, default="")
    answer_summary = models.TextField(_("answer summary"), max_length=limits.SUMMARY_MAX_LENGTH, blank=True,
                                      default="")
    response_seconds = models.BigIntegerField(_("response time"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = models.CharField(_("escalated to"), max_length=32, choices=EscalatedTo.choices, blank=True,
                                    default="")
    escalation_reason = models.CharField(_("reason for escalation"), max_length=32, choices=EscalationReason.choices,
                                         blank=True, default="")
    escalations = models.JSONField(default=list, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True, default="")
    refund_fen = models.BigIntegerField(_("refund"), default=0)
    compensation_fen = models.BigIntegerField(_("compensation"), default=0)
    complainant_satisfied = models.BooleanField(_("complainant satisfied"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "complaint_id"], name="facts_complaint_unique")]
        indexes = [models.Index(fields=["status", "filed_at"], name="facts_complaint_status_idx")]
        ordering = ["-filed_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.complaint_id} {self.status}"


class RefundReason(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint upheld")
    DISPUTE = "dispute", _("Dispute decided")
    OTHER = "other", _("Other")


class RefundFact(Located):
    """Money a platform gave back to an order's customer outside a change of the order's state
    (``order.refunded``): a complaint or dispute decided with a refund, where the money came from,
    and what of it the provider owes the platform."""

    refund_id = models.CharField(_("refund id"), max_length=IDENT)
    order_id = models.CharField(_("order id"), max_length=IDENT)
    category = models.CharField(_("category"), max_length=limits.CATEGORY_CODE_MAX_LENGTH)
    complaint_id = models.CharField(_("complaint id"), max_length=IDENT, blank=True, default="")
    reason = models.CharField(_("why"), max_length=12, choices=RefundReason.choices)
    amount_fen = models.BigIntegerField(_("refund"))
    from_escrow_fen = models.BigIntegerField(_("from escrow"))
    from_provider_fen = models.BigIntegerField(_("from the provider's balance"))
    receivable_fen = models.BigIntegerField(_("owed by the provider"), default=0)
    refunded_total_fen = models.BigIntegerField(_("refunded on the order in all"))
    refunded_at = models.DateTimeField(_("refunded"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "refund_id"], name="facts_refund_unique")]
        indexes = [models.Index(fields=["platform_id", "complaint_id"], name="facts_refund_complaint_idx")]
        ordering = ["-refunded_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.refund_id} {self.amount_fen}"


class ModerationKind(models.TextChoices):
    DECISION = "decision", _("Moderation decision")
    REVIEW_HIDDEN = "review_hidden", _("Hidden review")


class SubjectType(models.TextChoices):
    LISTING = "listing", _("Listing")
    REVIEW = "review", _("Review")
    ACCOUNT = "account", _("Account")


class Decision(models.TextChoices):
    REMOVED = "removed", _("Removed")
    VISIBILITY_RESTRICTED = "visibility_restricted", _("Visibility restricted")
    DEMOTED = "demoted", _("Demoted")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    WARNED = "warned", _("Warned")
    RESTORED = "restored", _("Restored")
    HIDDEN = "hidden", _("Hidden")


class HiddenReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive or insulting")
    ILLEGAL = "illegal", _("Illegal content")
    SPAM = "spam", _("Spam or advertising")
    PERSONAL_DATA = "personal_data", _("Discloses personal data")
    NOT_GENUINE = "not_genuine", _("Not a genuine review")
    AUTHOR_REQUEST = "author_request", _("The author asked for it")
    COURT_ORDER = "court_order", _("Court or authority order")


class DecidedBy(models.TextChoices):
    PLATFORM = "platform", _("The platform")
    AUTHOR = "author", _("The author")
    AUTHORITY = "authority", _("An authority")


class ModerationFact(Located):
    """A moderation decision (``moderation.decision``) or a hidden review (``review.hidden``), with
    the statement of reasons the person affected was given."""

    kind = models.CharField(_("kind"), max_length=16, choices=ModerationKind.choices)
    # The decision's id, or for a hidden review the review's id.
    decision_id = models.CharField(_("decision id"), max_length=IDENT)
    subject_type = models.CharField(_("what"), max_length=12, choices=SubjectType.choices)
    subject_id = models.CharField(_("id of what"), max_length=IDENT)
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=HiddenReason.choices, blank=True, default="")
    decided_by = models.CharField(_("decided by"), max_length=12, choices=DecidedBy.choices, blank=True, default="")
    duration_days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"))
    order_id = models.CharField(_("order id"), max_length=IDENT, blank=True, default="")
    ground = models.CharField(_("ground"), max_length=24, blank=True, default="")
    automated = models.BooleanField(_("automated decision"), default=False)
    statement_of_reasons = models.JSONField(_("statement of reasons"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "kind", "decision_id"],
                                               name="facts_moderation_unique")]
        ordering = ["-decided_at", "-id"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.kind}/{self.decision_id}"


class Severity(models.TextChoices):
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (较大)")
    MAJOR = "major", _("Major (重大)")
    EXTRAORDINARY = "extraordinary", _("Extraordinary (特别重大)")


# Major and extraordinary incidents are the grades that call for the city's own response.
HIGHLIGHTED_SEVERITIES = (Severity.MAJOR, Severity.EXTRAORDINARY)


class IncidentCategory(models.TextChoices):
    INJURY = "injury", _("Injury")
    TRAFFIC = "traffic", _("Traffic accident")
    FIRE = "fire", _("Fire")
    THEFT = "theft", _("Theft")
    ASSAULT = "assault", _("Assault")
    HARASSMENT = "harassment", _("Harassment")
    FOOD_SAFETY = "food_safety", _("Food safety")
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    PROPERTY_DAMAGE = "property_damage", _("Property damage")
    OTHER = "other", _("Other")


class SafetyIncident(Located):
    incident_id = models.CharField(_("incident id"), max_length=IDENT)
    category = models.CharField(_("category"), max_length=24, choices=IncidentCategory.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    occurred_at = models.DateTimeField(_("occurred"))
    reported_at = models.DateTimeField(_("reported"))
    description = models.TextField(_("description"), max_length=limits.TEXT_MAX_LENGTH)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    order_id = models.CharField(_("order id"), max_length=IDENT, blank=True, default="")
    listing_id = models.CharField(_("listing id"), max_length=IDENT, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "incident_id"], name="facts_incident_unique")]
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("safety incident")
        verbose_name_plural = _("safety incidents")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.incident_id} {self.severity}"

    @property
    def highlighted(self) -> bool:
        return self.severity in HIGHLIGHTED_SEVERITIES


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")


class SubjectFact(Located):
    """A provider or operator a platform registered or verified, by its pseudonymous key."""

    subject_key = models.CharField(_("subject key"), max_length=KEY)
    subject_kind = models.CharField(_("person or business"), max_length=12, choices=SubjectKind.choices)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "subject_key"], name="facts_subject_unique")]
        ordering = ["-updated_at", "-id"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.subject_key}"


class FollowUpNote(models.Model):
    """A regulator's note on a complaint or an incident: what was done or is to be done about it."""

    complaint = models.ForeignKey(ComplaintFact, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    incident = models.ForeignKey(SafetyIncident, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="notes")
    text = models.TextField(_("note"), max_length=limits.TEXT_MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    department = models.CharField(max_length=limits.NAME_MAX_LENGTH, blank=True, default="")
    district_code = models.CharField(max_length=DISTRICT, blank=True, default="")
    city_code = models.CharField(max_length=DISTRICT, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(complaint__isnull=False, incident__isnull=True)
            | models.Q(complaint__isnull=True, incident__isnull=False), name="facts_note_one_target")]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self) -> str:
        return f"note {self.pk} on {'complaint' if self.complaint_id else 'incident'}"
