"""The application layer: the commands as library functions. Each reads the spreadsheet
once, computes with the pure modules, and writes at most once.

- :mod:`~postme.jobs.wiring`: the store and the Instagram source, built from the config
- :mod:`~postme.jobs.lock`: one run at a time per document
- :mod:`~postme.jobs.clock`: the clock rule (rows due today judged on a real today only)
- :mod:`~postme.jobs.checks`: ``validate`` and ``slots``
- :mod:`~postme.jobs.collect`: ``collect``
- :mod:`~postme.jobs.weekly`: ``report`` and ``weekly`` (the pure :func:`plan_week`)

Stores and sources are passed in, so tests and the city run hand in their own.
"""

from postme.jobs.checks import (
    SheetData,
    SlotsOutcome,
    ValidateOutcome,
    posts_covering,
    read_sheet,
    run_slots,
    run_validate,
)
from postme.jobs.clock import Clock, run_clock
from postme.jobs.collect import (
    CollectResult,
    Progress,
    collect_since,
    fetch_instagram,
    merge_collection,
    run_collect,
)
from postme.jobs.lock import spreadsheet_lock
from postme.jobs.weekly import WeeklyResult, WeekResults, plan_week, run_report, run_weekly
from postme.jobs.wiring import FailingSource, open_source, open_source_or_failing, open_store
from postme.tabs.findings import FINDINGS_HEADERS, plan_findings

__all__ = [
    "FINDINGS_HEADERS",
    "Clock",
    "CollectResult",
    "FailingSource",
    "Progress",
    "SheetData",
    "SlotsOutcome",
    "ValidateOutcome",
    "WeekResults",
    "WeeklyResult",
    "collect_since",
    "fetch_instagram",
    "merge_collection",
    "open_source",
    "open_source_or_failing",
    "open_store",
    "plan_findings",
    "plan_week",
    "posts_covering",
    "read_sheet",
    "run_clock",
    "run_collect",
    "run_report",
    "run_slots",
    "run_validate",
    "run_weekly",
    "spreadsheet_lock",
]
