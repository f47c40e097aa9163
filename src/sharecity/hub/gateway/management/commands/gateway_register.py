"""Register an external platform at the hub and print its ingest key (shown this once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.audit.services import acting_as_operator
from sharecity.hub.gateway.services import external_platform_onboard
from sharecity.kernel.errors import ShareCityError


class Command(BaseCommand):
    help = "Register an external platform (name, credit code, sectors, Ed25519 public key) and issue its ingest key."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--credit-code", required=True)
        parser.add_argument("--sectors", required=True, help="comma-separated sector codes, e.g. parking,homestay")
        parser.add_argument(
            "--public-key", required=True,
            help="Ed25519 public key, URL-safe base64; a key that begins with '-' "
                 "is given as --public-key=KEY")
        parser.add_argument("--platform-id", default=None, help="default: a new UUID")

    def handle(self, *args, **options):
        try:
            with acting_as_operator("gateway_register"):
                platform, raw_key = external_platform_onboard(
                    actor=None, name=options["name"], credit_code=options["credit_code"],
                    sectors=[item.strip() for item in options["sectors"].split(",") if item.strip()],
                    public_key=options["public_key"], platform_id=options["platform_id"],
                )
        except ShareCityError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else str(error.message)) from None
        self.stdout.write(f"platform_id: {platform.platform_id}")
        self.stdout.write(f"ingest key (X-Exchange-Key, shown once): {raw_key}")
