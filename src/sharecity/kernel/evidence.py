"""Evidence files people attach (complaints, rights holders' notices, counter-notices): checked by what their
first bytes are, not by the name or type a browser sends, with the same limits everywhere."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharecity.kernel.errors import InvalidInput

EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# The kinds accepted, by their signature: (magic bytes, offset, content type).
EVIDENCE_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"%PDF-", 0, "application/pdf"),
    (b"WEBP", 8, "image/webp"),
)


def evidence_files_check(files, *, error: type[InvalidInput], required_message: str = "") -> list[tuple[object, str]]:
    """The files with the content type their first bytes show; ``error`` (the caller's, naming the rule, on the
    field ``evidence``) for too many, too large, empty or unrecognised files, or for none when
    ``required_message`` says why one is needed."""
    files = [f for f in (files or []) if f]
    if required_message and not files:
        raise error(required_message, field="evidence")
    if len(files) > EVIDENCE_MAX_FILES:
        raise error(_("Attach at most %(count)s evidence files.") % {"count": EVIDENCE_MAX_FILES}, field="evidence")
    checked = []
    for upload in files:
        name = (getattr(upload, "name", "") or "evidence")[:80]
        size = getattr(upload, "size", None)
        if not isinstance(size, int) or size > EVIDENCE_MAX_BYTES:
            raise error(_("%(name)s is larger than %(mb)s MB; attach a smaller file.")
                        % {"name": name, "mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}, field="evidence")
        if size == 0:
            raise error(_("%(name)s is empty.") % {"name": name}, field="evidence")
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        content_type = next((kind for magic, offset, kind in EVIDENCE_SIGNATURES
                             if head[offset:offset + len(magic)] == magic), None)
        if content_type is None:
            raise error(_("%(name)s is not a JPEG, PNG or WebP picture or a PDF document; only those are accepted.")
                        % {"name": name}, field="evidence")
        checked.append((upload, content_type))
    return checked
