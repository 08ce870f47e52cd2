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
        from postme import cli

        try:
            cli.app()
        except SystemExit as stop:
            _json_for_usage_error(stop)
            raise
    except KeyboardInterrupt:
        try:
            from postme.i18n import _

            message = _("Stopped by the user. Nothing was written.")
        except KeyboardInterrupt:
            message = "Stopped by the user. Nothing was written."
        sys.stderr.write(f"\n{message}\n")
        sys.exit(130)


def _json_for_usage_error(stop: SystemExit) -> None:
    """A command line Typer could not read ends before any command ran: with ``--json``
    the script still gets its one document (the details are on stderr)."""
    from postme.cli import error_document, json_written, write_json
    from postme.i18n import _

    code = stop.code if isinstance(stop.code, int) else 1
    if code and "--json" in sys.argv[1:] and not json_written():
        message = _("The command line could not be read; the reason is on stderr.")
        write_json(error_document(code, "UsageError", message))


if __name__ == "__main__":
    main()
