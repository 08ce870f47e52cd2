"""A process's own peak memory, for the benchmarks that run postme in a child process."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_kib() -> float:
    """This process's peak resident memory in KiB. ``ru_maxrss`` will not do on Linux:
    exec keeps the peak of the process it replaced, so a child of a big benchmark process
    (run_all after the 100k-row Sheets runs) reported its parent's 600 MiB. ``VmHWM`` is
    the peak of the process's own memory."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
