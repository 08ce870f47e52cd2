"""Write postme/data/holidays_id.json: Indonesia's public holidays and cuti bersama, in
Indonesian, for the years postme plans around, from the ``holidays`` package.

A run reads this small table instead of importing ``holidays`` (about 300 modules, a
seventh of a cold ``weekly`` at 3k rows). Years outside the table still ask the package.
Regenerate after upgrading ``holidays`` or when the government announces new cuti
bersama (``make holidays``); tests/test_holiday_table.py checks the table against the
installed package.

    python scripts/make_holidays_table.py [--first 2020] [--last 2035]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postme.holiday_table import CATEGORIES, TABLE_PATH, from_package  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=2020)
    parser.add_argument("--last", type=int, default=2035)
    args = parser.parse_args()
    import holidays

    years = range(args.first, args.last + 1)
    table = {
        "source": f"holidays {holidays.__version__} (scripts/make_holidays_table.py)",
        "first_year": args.first,
        "last_year": args.last,
        **{category: from_package(years, category) for category in CATEGORIES},
    }
    TABLE_PATH.write_text(
        json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {TABLE_PATH.relative_to(ROOT)} ({args.first}–{args.last})")


if __name__ == "__main__":
    main()
