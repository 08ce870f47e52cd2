"""Shared fixtures. No test touches the network or the real user config dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from postme.i18n import set_language

pytest_plugins = ["fakes.sheets"]


@pytest.fixture(autouse=True)
def isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No POSTME_* variable leaks in; config, cache and log dirs are per test."""
    import os

    for name in list(os.environ):
        if name.startswith("POSTME_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".state"))
    monkeypatch.setenv("NO_COLOR", "1")
    set_language("en")
    yield
    set_language("id")


@pytest.fixture(autouse=True)
def fresh_cli_logging() -> Iterator[None]:
    """Each CLI invocation binds its log handlers to that moment's stderr and log dir."""
    from fakes.demo import drop_cli_handlers

    drop_cli_handlers()
    yield
    drop_cli_handlers()


@pytest.fixture
def tmp_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """``requests`` refuses to send (``fakes.network.NetworkUsed``). Modules that read
    Instagram take it with ``pytestmark = pytest.mark.usefixtures("no_network")``."""
    from fakes.network import refuse_network

    refuse_network(monkeypatch)
