"""The weekly run without its history step, for measuring what the step costs.

:func:`switch_off` makes :func:`postme.history.compute_insights` work on no calendar rows,
no posts and no follower snapshots: the run still plans and writes the same tabs (an
empty ``Waktu Terbaik`` table, empty trend cells), but computes nothing for them. A
weekly run with the step on minus one with it off is the step's cost (its computing and
whatever it imports).

Kept apart from ``bench_sheets`` so that a fresh process can switch the step off while
importing nothing the weekly run would not import itself::

    python -c "import no_history; no_history.switch_off(); ..." weekly ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postme.calendar import Calendar
    from postme.config import Settings
    from postme.history import Insights

_REAL: list[Callable[..., Insights]] = []


def switch_off() -> None:
    import postme.history as history
    from postme.calendar import Calendar

    if _REAL:
        return
    real = history.compute_insights
    _REAL.append(real)

    def on_nothing(
        calendar: Calendar,
        followers: Sequence[Any],
        posts: Sequence[Any],
        settings: Settings,
        **options: Any,
    ) -> Insights:
        return real(Calendar(calendar.tab, calendar.columns, ()), [], [], settings, **options)

    history.compute_insights = on_nothing


def switch_on() -> None:
    import postme.history as history

    if _REAL:
        history.compute_insights = _REAL.pop()


@contextmanager
def history_step_off() -> Iterator[None]:
    switch_off()
    try:
        yield
    finally:
        switch_on()
