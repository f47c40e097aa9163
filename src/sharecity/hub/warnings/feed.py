"""What the rules read: the facts platforms sent through the exchange, as the hub keeps them (every
accepted envelope, ``hub.intake``'s fact store), turned into plain Python objects. Nothing here reads a
market or simulator table: a rule sees exactly what the hub was told.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sharecity.hub.intake.selectors import received_envelopes

MESSAGE_TYPES = ("listing.published", "listing.changed", "listing.removed", "order.created", "order.state_changed",
                 "review.published", "complaint.filed")


def _at(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@dataclass
class Listing:
    platform_id: str
    listing_id: str
    category: str = ""
    district: str = ""
    provider_key: str = ""
    title: str = ""
    prices: list[tuple[dt.datetime, int]] = field(default_factory=list)  # (since, price in fen), in order
    published: list[dt.datetime] = field(default_factory=list)
    removals: list[tuple[dt.datetime, str]] = field(default_factory=list)  # (when, by whom)


@dataclass
class Order:
    platform_id: str
    order_id: str
    listing_id: str = ""
    category: str = ""
    district: str = ""
    customer_key: str = ""
    provider_key: str = ""
    created_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    deposit_fen: int = 0
    deposit_held_fen: int = 0
    deposit_returned_fen: int = 0
    deposit_deducted_fen: int = 0
    settled_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    state: str = ""


@dataclass
class Review:
    platform_id: str
    review_id: str
    order_id: str
    author_role: str
    rating: int
    at: dt.datetime


@dataclass
class Complaint:
    platform_id: str
    complaint_id: str
    order_id: str
    category: str
    district: str
    at: dt.datetime


@dataclass
class Facts:
    listings: dict[tuple[str, str], Listing] = field(default_factory=dict)
    orders: dict[tuple[str, str], Order] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)

    def listing(self, platform_id: str, listing_id: str) -> Listing:
        key = (platform_id, listing_id)
        if key not in self.listings:
            self.listings[key] = Listing(platform_id, listing_id)
        return self.listings[key]

    def order(self, platform_id: str, order_id: str) -> Order:
        key = (platform_id, order_id)
        if key not in self.orders:
            self.orders[key] = Order(platform_id, order_id)
        return self.orders[key]

    def add(self, platform_id: str, message_type: str, envelope: dict) -> None:
        """One received envelope (the platform's messages arrive in the order of its chain)."""
        payload, sent = envelope["payload"], _at(envelope["sent_at"])
        if message_type == "listing.published":
            listing = self.listing(platform_id, payload["listing_id"])
            listing.category, listing.district = payload["category"], payload["district"]
            listing.provider_key, listing.title = payload["provider_key"], payload["title"]
            listing.published.append(sent)
            listing.prices.append((sent, payload["price_fen"]))
        elif message_type == "listing.changed":
            listing = self.listing(platform_id, payload["listing_id"])
            for name in ("category", "district", "title"):
                if payload.get(name) is not None:
                    setattr(listing, name, payload[name])
            if payload.get("price_fen") is not None:
                listing.prices.append((_at(payload["changed_at"]), payload["price_fen"]))
        elif message_type == "listing.removed":
            self.listing(platform_id, payload["listing_id"]).removals.append(
                (_at(payload["removed_at"]), payload["removed_by"]))
        elif message_type == "order.created":
            order = self.order(platform_id, payload["order_id"])
            order.listing_id, order.category, order.district = (payload["listing_id"], payload["category"],
                                                                payload["district"])
            order.customer_key, order.provider_key = payload["customer_key"], payload["provider_key"]
            order.created_at, order.ends_at = sent, _at(payload["ends_at"])
            order.deposit_fen, order.state = payload.get("deposit_fen") or 0, payload.get("state", "confirmed")
        elif message_type == "order.state_changed":
            order = self.order(platform_id, payload["order_id"])
            moment = _at(payload.get("changed_at")) or sent
            order.state = payload["state"]
            order.category = order.category or payload["category"]
            order.district = order.district or payload["district"]
            order.deposit_held_fen += payload.get("deposit_held_fen") or 0
            returned, deducted = payload.get("deposit_returned_fen"), payload.get("deposit_deducted_fen")
            if returned is not None or deducted is not None:
                order.deposit_returned_fen += returned or 0
                order.deposit_deducted_fen += deducted or 0
                order.settled_at = moment
            if payload["state"] == "cancelled":
                order.cancelled_at = moment
        elif message_type == "review.published":
            self.reviews.append(Review(platform_id, payload["review_id"], payload["order_id"], payload["author_role"],
                                       payload["rating"], sent))
        elif message_type == "complaint.filed":
            self.complaints.append(Complaint(platform_id, payload["complaint_id"], payload["order_id"],
                                             payload["category"], payload["district"], sent))


def facts_load() -> Facts:
    """Every fact the rules read, from the hub's store of received messages."""
    facts = Facts()
    _count, rows = received_envelopes(message_types=MESSAGE_TYPES)
    for platform_id, _sequence, message_type, raw in rows:
        facts.add(platform_id, message_type, json.loads(bytes(raw)))
    return facts
