"""The web client in a real browser: a car loan from Start a Process to the monitor.

``openpas serve`` runs as a subprocess on a free port with a fresh data folder
and the sample directory and car loan; Playwright drives Debian's Chromium.
Screenshots of the main pages are written to ``docs/screenshots`` when
``OPENPAS_SCREENSHOTS=1`` (to a temporary folder otherwise, so that a test run
does not change the tree).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OPENPAS = Path(sys.executable).parent / "openpas"
CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (Playwright cannot download its own here)."""
ADMIN_PASSWORD = "admin-password-for-tests"
PASSWORDS = {u: f"{u}-password-1" for u in ("olivia", "ann", "carol", "mona")}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not OPENPAS.exists(), reason="the console script is not installed"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@dataclass(frozen=True)
class Running:
    """The server under test: its address and data folder."""

    url: str
    data_dir: Path
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(OPENPAS), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    base = tmp_path_factory.mktemp("browser")
    data_dir = base / "data"
    config = base / "openpas.yaml"
    config.write_text("parameters:\n  ConnectIPAEnabled: true\n", encoding="utf-8")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPAS_")}
    env.update(
        OPENPAS_DATA_DIR=str(data_dir),
        OPENPAS_CONFIG=str(config),
        OPENPAS_ADMIN_PASSWORD=ADMIN_PASSWORD,
        OPENPAS_USER="admin",
    )
    log = base / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(OPENPAS),
                "serve",
                "--port",
                str(port),
                "--samples",
                str(ROOT / "examples"),
            ],
            env=env,
            stdout=out,
            stderr=out,
            cwd=base,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, log)
        for user, password in PASSWORDS.items():
            _cli(env, "password", "set", user, "--password-stdin", stdin=password + "\n")
        with httpx.Client(base_url=url, timeout=30) as admin:
            signed = admin.post(
                "/api/v1/session", json={"user": "admin", "password": ADMIN_PASSWORD}
            )
            assert signed.status_code == 200, signed.text
            headers = {"X-CSRF-Token": signed.json()["csrf_token"]}
            for subject, right in (("olivia", "launch"), ("carol", "manage")):
                granted = admin.post(
                    "/api/v1/directory/grants",
                    json={
                        "kind": "user",
                        "subject": subject,
                        "right": right,
                        "process": "Car Loan",
                    },
                    headers=headers,
                )
                assert granted.status_code == 200, granted.text
        yield Running(url, data_dir, env)
    finally:
        process.terminate()
        process.wait(timeout=60)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text[-4000:]


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("openpas serve stopped:\n" + log.read_text(encoding="utf-8"))
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail("openpas serve did not become ready:\n" + log.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("OPENPAS_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def _page(browser: Browser, server: Running) -> Page:
    context = browser.new_context(base_url=server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def _sign_in(page: Page, user: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORDS[user])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My Work Items")).to_be_visible()


def test_sign_in_refuses_a_wrong_password_and_pages_need_a_session(
    browser: Browser, server: Running, shots: Path
) -> None:
    page = _page(browser, server)
    page.goto("/work")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fwork$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=str(shots / "sign-in.png"))
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("the user name or password is wrong")
    page.get_by_label("Password").fill(PASSWORDS["ann"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/work$"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto("/work")
    expect(page).to_have_url(re.compile(r"/login"))
    page.context.close()


def test_a_car_loan_from_start_to_the_monitor(
    browser: Browser, server: Running, shots: Path
) -> None:
    # The reviewer signs in, becomes Available and watches My Work Items.
    ann = _page(browser, server)
    _sign_in(ann, "ann")
    expect(ann.get_by_text("You are logged out of routing")).to_be_visible()
    ann.get_by_label("Status").select_option("Available")
    ann.get_by_role("button", name="Set").click()
    expect(ann.get_by_role("status").first).to_have_text("You are Available.")
    rows = ann.locator("#work-rows")
    expect(rows).to_contain_text("No work items")
    ann.evaluate("window.__notReloaded = true")

    # The agent starts a car loan with borderline inputs; the form checks as she types.
    olivia = _page(browser, server)
    _sign_in(olivia, "olivia")
    olivia.get_by_role("link", name="Start a Process").click()
    expect(olivia.get_by_role("heading", name="Start a Process")).to_be_visible()
    olivia.get_by_role("link", name="Car Loan").click()
    olivia.get_by_label("Last name").fill("Lee")
    amount = olivia.get_by_label("LoanAmount")
    amount.fill("lots")
    expect(olivia.locator("#" + amount.get_attribute("id") + "-error")).to_contain_text(  # type: ignore[operator]
        "expected an amount of money such as 1000 USD"
    )
    start = olivia.get_by_role("button", name="Start")
    expect(start).to_be_disabled()
    amount.fill("500 USD")
    expect(olivia.locator("#" + amount.get_attribute("id") + "-error")).to_contain_text(  # type: ignore[operator]
        "must be at least 1000 USD"
    )
    olivia.screenshot(path=str(shots / "start-a-process.png"))
    amount.fill("25000 USD")
    olivia.get_by_label("AnnualIncome").fill("25000 USD")
    expect(start).to_be_enabled()
    start.click()
    expect(olivia).to_have_url(re.compile(r"/flows/\d+$"))
    flow_id = int(olivia.url.rsplit("/", 1)[1])
    expect(olivia.get_by_role("heading", name=f"Car Loan · flow #{flow_id}")).to_be_visible()

    # The reviewer sees it arrive without reloading the page.
    row = rows.locator("tr", has_text=f"flow #{flow_id}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Loans")
    expect(row).to_contain_text("Lee")
    expect(row).to_contain_text("New")
    assert ann.evaluate("window.__notReloaded") is True
    ann.screenshot(path=str(shots / "my-work-items.png"))

    # Pick up, next page, hold, resume, approve.
    row.get_by_role("button", name=re.compile("Pick up")).click()
    expect(ann.get_by_role("heading", name="Applicant and loan")).to_be_visible()
    expect(ann.get_by_text("25000 USD").first).to_be_visible()
    ann.screenshot(path=str(shots / "work-item.png"), full_page=True)
    ann.get_by_role("button", name="Next").click()
    expect(ann.get_by_role("heading", name=re.compile("Your decision"))).to_be_visible()
    comment = ann.get_by_label("Comment for the applicant")
    approve = ann.get_by_role("button", name="Approve")
    comment.fill("x" * 501)
    expect(ann.get_by_text("must have at most 500 characters")).to_be_visible()
    expect(approve).to_be_disabled()
    expect(ann.get_by_role("button", name="Hold")).to_be_enabled()
    comment.fill("Income is tight but the score is fair.")
    expect(approve).to_be_enabled()
    ann.get_by_role("button", name="Hold").click()
    held = ann.locator("#work-rows tr", has_text=f"flow #{flow_id}")
    expect(held).to_contain_text("Held")
    held.get_by_role("button", name=re.compile("Resume")).click()
    expect(ann.get_by_label("Comment for the applicant")).to_have_value(
        "Income is tight but the score is fair."
    )
    ann.get_by_role("button", name="Approve").click()
    expect(ann.get_by_role("status").first).to_contain_text("Approve done")
    expect(ann.locator("#work-rows")).not_to_contain_text(f"flow #{flow_id}")

    # The supervisor finds the flow in the monitor, completed, with its diagram.
    carol = _page(browser, server)
    _sign_in(carol, "carol")
    carol.get_by_role("link", name="Monitor", exact=True).click()
    expect(carol.get_by_text("The monitor watches no flows")).to_be_visible()
    carol.get_by_label("Process").fill("Car Loan")
    carol.get_by_label("Save as").fill("Car loans")
    carol.get_by_role("button", name="Save filter").click()
    expect(carol.get_by_role("status").first).to_contain_text("Filter 'Car loans' saved")
    flow_row = carol.locator(f'#monitor-rows tr[data-flow="{flow_id}"]')
    expect(flow_row).to_have_attribute("data-status", "completed")
    expect(flow_row).to_contain_text("Lee")
    carol.screenshot(path=str(shots / "monitor.png"))
    flow_row.get_by_role("link", name=f"#{flow_id}").click()
    expect(carol.locator("#flow-status")).to_have_text("completed")
    expect(carol.locator("figure.diagram svg")).to_be_visible()
    carol.screenshot(path=str(shots / "monitor-details.png"))
    expect(carol.get_by_role("heading", name="Action history")).to_be_visible()
    expect(carol.locator("table").filter(has_text="Loan Review")).to_contain_text("Approve")
    expect(carol.get_by_role("button", name="Cancel flow")).to_be_disabled()
    carol.get_by_label("Add a note").fill("Checked by the supervisor.")
    carol.get_by_role("button", name="Add note").click()
    expect(carol.locator("#notes")).to_contain_text("Checked by the supervisor.")
    carol.get_by_role("link", name="Queues").click()
    queue = carol.get_by_role("row", name=re.compile("Loan Officers"))
    expect(queue).to_be_visible()
    carol.screenshot(path=str(shots / "queues.png"))

    # Someone without rights or membership sees none of it.
    mona = _page(browser, server)
    _sign_in(mona, "mona")
    expect(mona.locator("#work-rows")).to_contain_text("No work items")
    mona.goto(f"/flows/{flow_id}")
    expect(mona.get_by_role("heading", name="Flow not found")).to_be_visible()
    mona.goto(f"/monitor/flows/{flow_id}")
    expect(mona.get_by_role("heading", name="Flow not found")).to_be_visible()
    mona.goto("/monitor")
    mona.get_by_label("Process").fill("Car Loan")
    mona.get_by_role("button", name="Apply").click()
    expect(mona.locator("#monitor-rows")).to_contain_text("No flow you may see matches")
    mona.goto("/flows")
    expect(mona.get_by_text("No flow that you may see matches.")).to_be_visible()
    for page in (ann, olivia, carol, mona):
        page.context.close()
