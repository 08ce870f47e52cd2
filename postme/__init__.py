"""postme: check a Puskesmas social media planner and write the weekly analysis back."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # ``__version__`` is read from the installed metadata (the one source is pyproject's
    # ``version``) only when asked: importlib.metadata costs a cold run ~10 ms.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("postme")
        except PackageNotFoundError:  # a checkout run without installing (python cli.py)
            return "0+unknown"
    raise AttributeError(name)
