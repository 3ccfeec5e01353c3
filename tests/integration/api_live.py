"""A real openpas server (engine, work items, REST API) on a free port, for the API tests."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from openpas.api.app import create_app
from openpas.api.server import Server
from openpas.config import load_config
from openpas.security import auth

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ADMIN_PASSWORD = "Admin-Pass-For-Tests-1"
PASSWORD = "People-Pass-For-Tests-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(check: Callable[[], object], timeout: float = 10.0, what: str = "it") -> object:
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


@dataclass
class Live:
    server: Server
    url: str

    @contextlib.contextmanager
    def client(self, user: str | None = None, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """A client signed in as ``user`` with a session (CSRF header set), or anonymous."""
        with httpx.Client(base_url=self.url, timeout=10.0) as client:
            if user is not None:
                reply = client.post("/api/v1/session", json={"user": user, "password": password})
                assert reply.status_code == 200, reply.text
                client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
            yield client


@contextlib.contextmanager
def live_server(data_dir: Path) -> Iterator[Live]:
    """Start a server with the sample directory and car loan; everyone's password is set."""
    before = os.environ.get("OPENPAS_ADMIN_PASSWORD")
    os.environ["OPENPAS_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    try:
        server = Server(load_config(None, data_dir, None), EXAMPLES)
        server.start()
    finally:
        if before is None:
            os.environ.pop("OPENPAS_ADMIN_PASSWORD", None)
        else:
            os.environ["OPENPAS_ADMIN_PASSWORD"] = before
    operator = auth.local_operator("tests")
    for user in ("olivia", "ann", "bob", "dan", "carol", "mona"):
        auth.set_password(server.node.ctx, operator, user, PASSWORD)
    app = create_app(server, pages=False)
    app.state.heartbeat = 1.0
    port = free_port()
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=web.run, name="uvicorn", daemon=True)
    thread.start()
    wait_for(lambda: web.started, what="uvicorn starting")
    try:
        yield Live(server, f"http://127.0.0.1:{port}")
    finally:
        app.state.shutting_down.set()
        web.should_exit = True
        thread.join(30)
