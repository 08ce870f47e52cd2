"""Where the package's shipped files are, for the tests that read them directly."""

from __future__ import annotations

from pathlib import Path

import postme

PACKAGE = Path(postme.__file__).resolve().parent
PO_FILE = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "postme.po"  # the Indonesian catalog
