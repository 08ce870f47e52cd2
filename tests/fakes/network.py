"""No test reaches the network: ``requests`` refuses to send.

The Instagram tests run instaloader's own code; where a test needs answers it fakes
``requests.Session.send`` itself (``fakes.instagram.FakeInstagram``), on top of this.
"""

from __future__ import annotations

from typing import Any, NoReturn

import pytest
import requests


class NetworkUsed(AssertionError):
    """A test tried to reach the network."""


def refuse_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        raise NetworkUsed("a test tried to use the network")

    monkeypatch.setattr(requests.Session, "send", refuse)
