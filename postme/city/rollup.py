"""Writing the city roll-up into the city config's spreadsheet, under its lock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from postme.city.results import AccountResult, RollupResult
from postme.config import RollupSettings, Settings
from postme.errors import PostmeError
from postme.jobs.lock import spreadsheet_lock
from postme.jobs.wiring import open_store
from postme.stores.base import WritePlan
from postme.tabs.rollup import plan_rollup, rollup_request
from postme.weeks import IsoWeek

if TYPE_CHECKING:
    from postme.stores.base import Store

log = logging.getLogger("postme")


def write_rollup(
    city: Settings,
    results: Sequence[AccountResult],
    week: IsoWeek,
    *,
    updated_at: dt.datetime,
    dry_run: bool = False,
    store: Store | None = None,
) -> RollupResult:
    """Read the roll-up tab and write this run's rows in one batch, under the city
    spreadsheet's lock. A failure is returned (with its exit code), not raised."""
    tab = (city.rollup or RollupSettings()).tab
    name = city.sheet_label
    try:
        store = store or open_store(city)
        name = store.name
        with spreadsheet_lock(store):
            existing = store.read([rollup_request(city)])[tab]
            plan = WritePlan()
            rows = plan_rollup(plan, existing, city, results, week, updated_at)
            if not dry_run:
                store.write(plan)
            name = store.name
    except PostmeError as error:
        log.warning("%s", error)
        return RollupResult(tab, name, len(results), 0, False, str(error), error.exit_code)
    return RollupResult(
        tab,
        name,
        rows,
        plan.cell_count(),
        written=not dry_run and bool(plan.writes or plan.new_tabs),
    )
