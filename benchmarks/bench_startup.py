"""Start-up: ``postme --help`` and ``postme check --help`` against a bare Typer
hello-world, each in a fresh process (best of N), and which heavy libraries
``import postme.cli`` pulls in. postme runs from this checkout (``python -c`` the same
two lines as the installed ``postme`` script, in the checkout's folder), not from
whatever checkout the virtual environment was installed from."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# What the installed ``postme`` console script runs.
POSTME = "import sys; from postme.__main__ import main; sys.exit(main())"
HEAVY = ("pandas", "gspread", "instaloader", "openpyxl", "numpy", "holidays")
HELLO = """\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


@app.command()
def bye() -> None:
    print("bye")


if __name__ == "__main__":
    app()
"""


def best_of(command: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return min(times)


def heavy_imports() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import postme.cli"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    found = set()
    for line in done.stderr.splitlines():
        match = re.search(r"\|\s*(\S+)$", line)
        if match and match.group(1).split(".")[0] in HEAVY:
            found.add(match.group(1).split(".")[0])
    return sorted(found)


def run(repeats: int) -> dict[str, Any]:
    postme = [sys.executable, "-c", POSTME]
    with tempfile.TemporaryDirectory() as folder:
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        typer_s = best_of([sys.executable, str(hello), "--help"], repeats)
        # A command's help makes Typer import its pydantic adapters: compare like with like.
        typer_command_s = best_of([sys.executable, str(hello), "hello", "--help"], repeats)
        help_s = best_of([*postme, "--help"], repeats)
        check_s = best_of([*postme, "check", "--help"], repeats)
    return {
        "typer_s": typer_s,
        "typer_command_s": typer_command_s,
        "help_s": help_s,
        "check_help_s": check_s,
        "help_ratio": help_s / typer_s,
        "check_ratio": check_s / typer_command_s,
        "check_vs_bare_help": check_s / typer_s,
        "heavy_imports": heavy_imports(),
    }


if __name__ == "__main__":
    print(run(5))
