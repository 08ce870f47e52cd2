"""The Indonesian catalog, compiled once per version of the ``.po`` file.

Parsing ``postme.po`` with Babel costs every run Babel's import and the parse (about a
twentieth of a cold ``weekly``). The parsed messages are kept as JSON in the user cache
dir, named by the hash of the ``.po`` bytes: a changed catalog (an upgrade, an edit in a
checkout) is simply a new file. Nothing binary is shipped or committed; a cache that
cannot be written only costs the parse.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def _parse(po_bytes: bytes, language: str) -> dict[str, str]:
    import io

    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po_bytes), locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy and isinstance(message.id, str)
    }


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("postme")) / "catalogs"


def load_catalog(po_path: Path, language: str) -> dict[str, str]:
    """msgid → translation for ``language``, from the cache when the .po is unchanged."""
    po_bytes = po_path.read_bytes()
    digest = hashlib.sha256(po_bytes).hexdigest()[:20]
    cached = _cache_dir() / f"{language}-{digest}.json"
    try:
        messages: dict[str, str] = json.loads(cached.read_text(encoding="utf-8"))
        return messages
    except (OSError, ValueError):
        pass
    messages = _parse(po_bytes, language)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, cached)  # atomic: a parallel run reads a whole file or none
    except OSError:
        pass
    return messages
