"""The findings tab (default ``Temuan``): one row per finding of the week's validation
and slot checks. A run replaces the rows of its week, so a fixed finding disappears."""

from __future__ import annotations

from collections.abc import Sequence

from postme.config import Settings
from postme.policy import Finding, ValidationResult
from postme.slots import SlotResult
from postme.stores.base import Cell, Tab, WritePlan
from postme.stores.upsert import plan_replace
from postme.weeks import IsoWeek

FINDINGS_HEADERS = {
    "id": ("Minggu", "Jenis", "Tingkat", "Baris", "Sel", "Tanggal", "Program", "Nilai", "Pesan"),
    "en": ("Week", "Kind", "Severity", "Row", "Cell", "Date", "Program", "Value", "Message"),
}


def plan_findings(
    plan: WritePlan,
    existing: Tab | None,
    settings: Settings,
    week: IsoWeek,
    validation: ValidationResult,
    slots: SlotResult,
) -> None:
    """This run's findings replace the previous run's findings for the same week."""
    headers = FINDINGS_HEADERS[settings.language]
    records: list[dict[str, Cell]] = []
    for finding in validation.findings:
        records.append(_finding_record(headers, week, finding))
    for slot in slots.findings:
        records.append(
            dict(
                zip(
                    headers,
                    (
                        week.label,
                        slot.kind,
                        "error" if slot.kind == "missed" else "warning",
                        slot.row,
                        "",
                        slot.date.isoformat(),
                        slot.program or "",
                        slot.title,
                        slot.message,
                    ),
                    strict=True,
                )
            )
        )
    plan_replace(plan, settings.tabs.findings, existing, headers, headers[0], [week.label], records)


def _finding_record(headers: Sequence[str], week: IsoWeek, finding: Finding) -> dict[str, Cell]:
    value = finding.value
    text = "" if value is None else str(value)
    return dict(
        zip(
            headers,
            (
                week.label,
                finding.rule,
                finding.severity,
                finding.row,
                finding.cell,
                "",
                "",
                text[:500],
                finding.message,
            ),
            strict=True,
        )
    )
