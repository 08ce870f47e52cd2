"""``postme report --month … --all``: the city's monthly league table of its accounts.

Each account's month is read and computed on its own spreadsheet (nothing written
there); the sorted table goes into the city's roll-up spreadsheet, one tab, the month's
rows replaced (other months stay). One account that cannot be read does not stop the
others: it is listed with its error and left out of the table.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postme.config import Settings, load_config
from postme.errors import ExitCode, PostmeError
from postme.jobs.lock import spreadsheet_lock
from postme.jobs.wiring import open_store
from postme.monthly import LeagueRow, Month, MonthFigures, league_table, read_monthly_report
from postme.stores.base import Store, TabRequest, WritePlan

log = logging.getLogger("postme")

LEAGUE_TAB = {"id": "Liga Bulanan", "en": "Monthly League"}


@dataclass
class LeagueResult:
    month: Month
    rows: list[LeagueRow]
    failed: dict[str, str] = field(default_factory=dict)  # account → why it is missing
    tab: str = ""
    store_name: str = ""
    written: bool = False
    error: str | None = None
    error_code: ExitCode | None = None

    @property
    def exit_code(self) -> ExitCode:
        if self.error_code is not None:
            return self.error_code
        return ExitCode.PARTIAL if self.failed else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month.label,
            "league": [
                {
                    "rank": row.rank,
                    "account": row.account,
                    "engagement_per_1000": row.engagement_per_1000,
                    "posts": row.posts,
                    "plan_adherence_pct": row.plan_adherence_pct,
                    "greeting_coverage_pct": row.greeting_coverage_pct,
                    "follower_growth": row.follower_growth,
                    "best_post": None if row.best_post is None else row.best_post.link,
                }
                for row in self.rows
            ],
            "failed": self.failed,
            "written": {"tab": self.tab, "store": self.store_name, "written": self.written},
            "error": self.error,
        }


def league_tab(city: Settings) -> str:
    return LEAGUE_TAB.get(city.language, LEAGUE_TAB["id"])


def run_league(
    city: Settings,
    configs: Sequence[Path],
    month: Month,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    store: Store | None = None,
) -> LeagueResult:
    """Every account's month, the league table, and its rows in the roll-up spreadsheet."""
    from postme.insights_tabs import plan_league_tab

    figures: dict[str, MonthFigures] = {}
    failed: dict[str, str] = {}
    for path in configs:
        name = path.stem
        try:
            settings = load_config(path, env=env)
            name = settings.account_name
            figures[name] = read_monthly_report(settings, month, as_of=as_of).figures
        except PostmeError as error:
            log.warning("%s: %s", name, error)
            failed[name] = str(error)
    rows = league_table(figures)
    result = LeagueResult(month, rows, failed, tab=league_tab(city))
    try:
        store = store or open_store(city)
        result.store_name = store.name
        with spreadsheet_lock(store):
            existing = store.read([TabRequest(result.tab, header_row=1, required=False)])
            plan = WritePlan()
            plan_league_tab(
                plan, existing[result.tab], result.tab, month.label, rows, city.language
            )
            if not dry_run:
                store.write(plan)
            result.written = not dry_run and not plan.is_empty()
    except PostmeError as error:
        log.warning("%s", error)
        result.error, result.error_code = str(error), error.exit_code
    return result
