"""``openpas serve`` as an operator runs it: a real process on a free port, driven over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
OPENPAS = Path(sys.executable).parent / "openpas"
PASSWORD = "Serve-Admin-Password-1"

pytestmark = pytest.mark.skipif(
    not OPENPAS.exists(), reason="the console script is not installed: pip install -e '.[dev]'"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPAS_")}
    env["OPENPAS_ADMIN_PASSWORD"] = PASSWORD
    process = subprocess.Popen(
        [str(OPENPAS), "serve", "--port", str(port), "--data-dir", str(tmp_path / "data")],
        cwd=ROOT,  # the samples come from ./examples, as on a fresh clone
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"openpas serve exited: {process.stdout.read()}"  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "openpas serve was not ready within 60 s"
            time.sleep(0.2)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_serve_runs_the_car_loan_over_http_and_stops_on_sigterm(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = served
    with httpx.Client(base_url=url, timeout=10) as client:
        reply = client.post("/api/v1/session", json={"user": "admin", "password": PASSWORD})
        assert reply.status_code == 200, reply.text
        client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
        assert "Car Loan" in [p["name"] for p in client.get("/api/v1/processes").json()]
        launched = client.post(
            "/api/v1/flows",
            json={
                "process": "Car Loan",
                "values": {"LastName": "Serve", "AnnualIncome": "90000 USD"},
            },
        )
        assert launched.status_code == 201, launched.text
        flow_id = launched.json()["id"]
        listed = client.get("/api/v1/flows").json()
        assert flow_id in [f["id"] for f in listed]
        assert "openpas_flows" in client.get("/metrics").text
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    output = process.stdout.read() if process.stdout is not None else ""
    assert "openpas is running: open http://localhost:" in output
    assert "openpas stopped" in output
