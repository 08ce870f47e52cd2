"""The weekly run without its history step, for measuring what the step costs.

:func:`switch_off` replaces :func:`postme.history.compute_insights` by one that returns
empty insights (no best time, no trends, no mix) built directly from the result classes:
the run still plans and writes the same tabs (an empty ``Waktu Terbaik`` table, empty
trend cells) but computes nothing for them and imports nothing for them. A weekly run
with the step on minus one with it off is the step's cost, its computing and its imports.

Kept apart from ``bench_sheets`` so that a fresh process can switch the step off while
importing nothing the weekly run would not import itself::

    python -c "import no_history; no_history.switch_off(); ..." weekly ...
"""

from __future__ import annotations

import datetime as dt
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

    if _REAL:
        return
    _REAL.append(history.compute_insights)

    def nothing(
        calendar: Calendar,
        followers: Sequence[Any],
        posts: Sequence[Any],
        settings: Settings,
        *,
        as_of: dt.date,
        weeks: int = history.DEFAULT_WEEKS,
        min_posts: int = history.DEFAULT_MIN_POSTS,
        **_options: Any,
    ) -> Insights:
        cells = tuple(
            history.ScoreCell(label, weekday, 0, None, False)
            for weekday in range(7)
            for _first, _end, label in history.BANDS
        )
        return history.Insights(
            best=history.BestTime(as_of, weeks, min_posts, cells, None, None),
            trends=history.Trends(
                None,
                tuple(
                    history.Trend(figure, None, None, None, None, None)
                    for figure in history.TREND_FIGURES
                ),
            ),
            mixes=tuple(history.ProgramMix(w, (), ()) for w in history.MIX_WEEKS),
        )

    history.compute_insights = nothing


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
