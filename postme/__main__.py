"""``python -m postme`` and the ``postme`` command.

Nothing is imported before the ``try``: Ctrl-C while Python loads postme (a second or
so on a slow machine) ends as quietly as Ctrl-C during a command, exit 130, one line.
"""

import sys


def main() -> None:
    try:
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
