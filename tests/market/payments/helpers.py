"""Helpers for the payments tests: ledger-wide checks."""

from __future__ import annotations

from django.db.models import Sum

from sharecity.market.payments.models import Posting


def total_of_all_accounts(platform) -> int:
    return int(Posting.objects.filter(account__platform=platform).aggregate(t=Sum("amount_fen"))["t"] or 0)
