"""Payments and pricing in the tenant walk: each tenant has money released to its provider."""

from __future__ import annotations

import uuid

from sharecity.market.payments.models import Account, DepositObligation, JournalEntry, Payout, Posting
from sharecity.market.payments.services import escrow_release, payment_collect


def prepare(tenant) -> None:
    order_ref = str(uuid.uuid4())
    payment_collect(platform=tenant.platform, order_ref=order_ref, customer=tenant.customer, amount_fen=10_000,
                    deposit_fen=1_000)
    escrow_release(platform=tenant.platform, order_ref=order_ref, provider=tenant.provider,
                   category_code="homestay", amount_fen=10_000)


def SNAPSHOT(platform):
    return {
        "ledger_accounts": list(Account.objects.filter(platform=platform).order_by("pk").values()),
        "ledger_entries": list(JournalEntry.objects.filter(platform=platform).order_by("pk").values()),
        "ledger_postings": list(Posting.objects.filter(entry__platform=platform).order_by("pk").values()),
        "deposits": list(DepositObligation.objects.filter(platform=platform).order_by("pk").values()),
        "payouts": list(Payout.objects.filter(platform=platform).order_by("pk").values()),
    }
