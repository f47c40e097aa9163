"""Replace a platform's signing key on the hub operator's authority (audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.audit.services import acting_as_operator
from sharecity.hub.intake.selectors import stream_position
from sharecity.hub.registry.services import platform_key_rotate
from sharecity.kernel.errors import ShareCityError


class Command(BaseCommand):
    help = ("Replace a platform's Ed25519 signing key when it cannot sign a rotation with the old one (lost or "
            "stolen). Check the new key with the platform out of band first. Audited.")

    def add_arguments(self, parser):
        parser.add_argument("platform_id")
        parser.add_argument(
            "--public-key", required=True,
            help="the new Ed25519 public key, URL-safe base64; a key that begins with '-' "
                 "is given as --public-key=KEY")
        parser.add_argument("--reason", required=True, help="why, for the audit log")
        parser.add_argument("--from-sequence", type=int, default=None,
                            help="the first sequence the new key signs (default: the one after the last applied)")

    def handle(self, *args, **options):
        effective = options["from_sequence"]
        if effective is None:
            effective = stream_position(platform_id=options["platform_id"])[0] + 1
        try:
            with acting_as_operator("platform_key_rotate"):
                rotation = platform_key_rotate(actor=None, platform_id=options["platform_id"],
                                               public_key=options["public_key"], effective_sequence=effective,
                                               reason=options["reason"])
        except ShareCityError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else str(error.message)) from None
        self.stdout.write(f"key of {rotation.platform_id} replaced from sequence {rotation.effective_sequence}: "
                          f"{rotation.old_fingerprint} -> {rotation.new_fingerprint}")
