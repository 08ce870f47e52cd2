"""The local Sheets API server (tests/sheets_server.py) in its own process, so its JSON
work does not share the benchmark's interpreter lock, driven by pickled calls over the
child's stdin/stdout:

    with RemoteServer() as server:
        key = server.make_key(tmp / "key.json")
        sheet_id = server.call("create_spreadsheet", tabs)
        server.call("reset_log"); ...; server.call("counts")
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any

TESTS = Path(__file__).resolve().parent.parent / "tests"


def _send(stream: IO[bytes], value: Any) -> None:
    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def serve() -> None:
    sys.path.insert(0, str(TESTS))
    from sheets_server import make_service_account_key, start_server

    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    server = start_server()
    _send(outbox, server.url)
    while True:
        name, args, kwargs = pickle.load(inbox)
        if name == "stop":
            server.stop()
            _send(outbox, (True, None))
            return
        try:
            if name == "make_key":
                make_service_account_key(server, Path(args[0]))
                value: Any = args[0]
            else:
                value = getattr(server, name)(*args, **kwargs)
            _send(outbox, (True, value))
        except Exception as error:  # reported to the caller
            _send(outbox, (False, repr(error)))


class RemoteServer:
    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._in, self._out = self._process.stdin, self._process.stdout
        self.url: str = pickle.load(self._out)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        _send(self._in, (name, args, kwargs))
        ok, value = pickle.load(self._out)
        if not ok:
            raise RuntimeError(f"server {name}: {value}")
        return value

    def make_key(self, path: Path) -> Path:
        return Path(self.call("make_key", str(path)))

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self.call("stop")
            finally:
                self._process.wait(timeout=10)

    def __enter__(self) -> RemoteServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


if __name__ == "__main__":
    serve()
