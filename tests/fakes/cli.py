"""Reading what a ``CliRunner`` invocation printed."""

from __future__ import annotations

from typer.testing import Result


def said(result: Result) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(result.output.split())
