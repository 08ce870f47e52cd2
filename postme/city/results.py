"""What a city run returns: one result per account, the roll-up write, the whole run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from postme.city.pacing import PacerStats
from postme.errors import ExitCode

Status = Literal["ok", "findings", "partial", "failed"]

# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountResult:
    """One account of a city run. Figures are None when the account failed."""

    name: str
    config: Path
    status: Status
    exit_code: ExitCode
    message: str  # the error, or a short summary
    week: str
    followers_end: int | None = None
    follower_growth: int | None = None
    posts: int | None = None
    plan_adherence_pct: float | None = None
    engagement_rate_pct: float | None = None
    errors: int | None = None
    missed: int | None = None
    seconds: float = 0.0  # real time the account took

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "config": str(self.config),
            "status": self.status,
            "exit_code": int(self.exit_code),
            "message": self.message,
            "week": self.week,
            "followers_end": self.followers_end,
            "follower_growth": self.follower_growth,
            "posts": self.posts,
            "plan_adherence_pct": _round(self.plan_adherence_pct),
            "engagement_rate_pct": _round(self.engagement_rate_pct),
            "errors": self.errors,
            "missed": self.missed,
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class RollupResult:
    tab: str
    store: str  # the city spreadsheet (title or path)
    rows: int  # accounts in the roll-up of this week
    cells: int  # cells written (0 when nothing changed)
    written: bool
    error: str | None = None
    exit_code: ExitCode = ExitCode.OK

    def to_json(self) -> dict[str, object]:
        return {
            "tab": self.tab,
            "store": self.store,
            "rows": self.rows,
            "cells": self.cells,
            "written": self.written,
            "error": self.error,
        }


@dataclass(frozen=True)
class CityResult:
    as_of: dt.date
    week: str
    accounts: tuple[AccountResult, ...]
    quota: Mapping[str, PacerStats]  # credential → what its pacer saw
    instagram: Mapping[str, object]  # InstagramGate.to_json()
    dry_run: bool
    rollup: RollupResult | None = None
    seconds: float = 0.0  # real time of the whole run

    @property
    def exit_code(self) -> ExitCode:
        """The worst (highest) code of every account and of the roll-up write."""
        codes = [a.exit_code for a in self.accounts]
        if self.rollup is not None:
            codes.append(self.rollup.exit_code)
        return max(codes, default=ExitCode.OK)

    def counts(self) -> dict[str, int]:
        out = {"ok": 0, "findings": 0, "partial": 0, "failed": 0}
        for account in self.accounts:
            out[account.status] += 1
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "week": self.week,
            "exit_code": int(self.exit_code),
            "dry_run": self.dry_run,
            "summary": self.counts(),
            "accounts": [a.to_json() for a in self.accounts],
            "rollup": None if self.rollup is None else self.rollup.to_json(),
            "quota": [{"credential": k, **v.to_json()} for k, v in self.quota.items()],
            "instagram": dict(self.instagram),
            "seconds": round(self.seconds, 2),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
