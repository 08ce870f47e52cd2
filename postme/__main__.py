"""``python -m postme`` and the ``postme`` command.

Nothing is imported before the ``try``: Ctrl-C while Python loads postme (a second or
so on a slow machine) ends as quietly as Ctrl-C during a command, exit 130, one line.

The cyclic garbage collector runs its young-generation pass every 100,000 new objects
instead of every 700: loading postme's modules (gspread, google-auth, pydantic) makes
hundreds of thousands of objects and almost no cyclic garbage, and those passes were
about a fifth of the import time (docs/performance.md). Garbage is still collected.
"""

import gc
import sys


def main() -> None:
    try:
        gc.set_threshold(100_000, 50, 100)
        from postme.cli import app

        app()
    except KeyboardInterrupt:
        try:
            from postme.i18n import _

            message = _("Stopped by the user. Nothing was written.")
        except KeyboardInterrupt:
            message = "Stopped by the user. Nothing was written."
        sys.stderr.write(f"\n{message}\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
