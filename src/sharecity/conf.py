"""Runtime configuration read from environment variables.

Development secrets are generated once and kept under ``./var/`` so that a fresh
clone runs without any set-up, while a deployment passes them in the environment.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def var_dir() -> Path:
    path = Path(os.environ.get("SHARECITY_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _kept_secret(env_name: str, file_name: str, make) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    path = var_dir() / file_name
    if path.exists():
        return path.read_text().strip()
    value = make()
    # Exclusive create so two processes starting at once agree on one secret.
    try:
        with open(path, "x") as handle:
            handle.write(value)
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text().strip()
    return value


def secret_key() -> str:
    return _kept_secret("SHARECITY_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))


def data_key() -> bytes:
    """32-byte key for encrypting identity numbers and keying blind indexes."""
    text = _kept_secret(
        "SHARECITY_DATA_KEY",
        "data_key",
        lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    )
    raw = base64.urlsafe_b64decode(text.encode())
    if len(raw) != 32:
        raise ValueError("SHARECITY_DATA_KEY must be 32 bytes, urlsafe-base64 encoded")
    return raw


def database_url() -> str:
    return os.environ.get("SHARECITY_DATABASE_URL") or f"sqlite:///{var_dir() / 'sharecity.sqlite3'}"


def bus_url() -> str:
    return os.environ.get("SHARECITY_BUS", "local")
