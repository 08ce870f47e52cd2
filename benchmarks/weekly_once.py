"""One ``weekly --no-collect`` run in a fresh process, for the peak-memory figure:
``weekly_once.py URL SPREADSHEET KEY`` prints ``{"seconds", "maxrss_kib"}``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sheets import gsheets_settings, weekly  # noqa: E402
from memory import peak_rss_kib  # noqa: E402


def main() -> None:
    url, spreadsheet, key = sys.argv[1:4]
    start = time.perf_counter()
    weekly(gsheets_settings(url, spreadsheet, Path(key)))
    seconds = time.perf_counter() - start
    maxrss = peak_rss_kib()
    print(json.dumps({"seconds": seconds, "maxrss_kib": maxrss}))


if __name__ == "__main__":
    main()
