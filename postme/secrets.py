"""Keep secrets out of every message, log line and traceback.

Known secret values (a key's private key id, an access token, a session cookie) are
registered when they are loaded; well-known secret shapes are masked too.
"""

from __future__ import annotations

import logging
import os
import re
import stat

_known: set[str] = set()

_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"ya29\.[A-Za-z0-9._-]+"),  # Google access tokens
    # JWTs (a signed service-account assertion, an id token): header.claims.signature,
    # each base64url; the header of every JWT starts with eyJ ('{"').
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?<![A-Za-z0-9:/])1//[A-Za-z0-9_-]{10,}"),  # Google refresh tokens
    re.compile(
        r"(?i)([\"']?(?:access_token|refresh_token|id_token|client_secret|private_key|"
        r"private_key_id|password|sessionid|csrftoken|assertion)[\"']?\s*[:=]\s*[\"']?)"
        r"[^\"'\s,&}]+"
    ),
)

MASK = "***"


def readable_by_others(mode: int) -> bool:
    """True when a file of this ``st_mode`` can be read by users other than its owner
    (a key or session file then wants ``chmod 600``); never on Windows (no POSIX modes)."""
    return os.name != "nt" and stat.S_IMODE(mode) & 0o077 != 0


def register_secret(value: str | None) -> None:
    """Mask this exact value wherever it appears from now on (values under 6 chars are
    too short to mask safely and are ignored)."""
    if value and len(value) >= 6:
        _known.add(value)


def register_secrets(*values: object) -> None:
    """Register several secrets; a multi-line one (a PEM private key) line by line too,
    so a fragment of it is masked as well."""
    for value in values:
        if not isinstance(value, str):
            continue
        register_secret(value)
        for line in value.splitlines():
            if len(line) >= 16 and not line.startswith("-----"):
                register_secret(line)


def scrub(text: str) -> str:
    for secret in sorted(_known, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text


class ScrubbingFilter(logging.Filter):
    """A logging filter that scrubs the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = scrub(message)
        record.args = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
