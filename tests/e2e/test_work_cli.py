"""People at the command line: directory, presence, work items and queues, with a real engine.

Every command is the real console script in a process of its own, on one
SQLite database; ``openpas engine`` runs in the background meanwhile, so the
offers one process makes must be seen by the others.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPENPAS = Path(sys.executable).parent / "openpas"
CAR_LOAN = str(ROOT / "examples" / "car_loan.yaml")
DIRECTORY = str(ROOT / "examples" / "directory.yaml")

pytestmark = pytest.mark.skipif(
    not OPENPAS.exists(), reason="the console script is not installed: pip install -e '.[dev]'"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    found = {k: v for k, v in os.environ.items() if not k.startswith("OPENPAS_")}
    found["COLUMNS"] = "200"
    found["OPENPAS_DATA_DIR"] = str(tmp_path / "data")
    return found


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(OPENPAS), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert "Traceback" not in result.stderr + result.stdout
    return result


def ok(env: dict[str, str], *args: str) -> str:
    result = run(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def as_json(env: dict[str, str], *args: str) -> Any:
    return json.loads(ok(env, *args, "--json"))


@pytest.fixture
def engine(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    ok(env, "publish", CAR_LOAN)
    log = tmp_path / "engine.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(OPENPAS), "engine"], env=env, stdout=out, stderr=out)
    started = wait_for(lambda: "openpas engine running" in log.read_text(encoding="utf-8"))
    assert started, log.read_text(encoding="utf-8")
    yield process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert "Traceback" not in log.read_text(encoding="utf-8")


def wait_for(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_borderline_loan_is_worked_from_the_command_line(
    env: dict[str, str], engine: subprocess.Popen[bytes]
) -> None:
    assert "imported 7 users and 1 workgroups" in ok(env, "directory", "import", DIRECTORY)
    shown = as_json(env, "directory", "show")
    ann = next(u for u in shown["users"] if u["name"] == "ann")
    assert (ann["licence"], ann["skills"], ann["logged_in"]) == ("group", {"Lending": 80}, False)
    officers = shown["workgroups"][0]
    assert (officers["members"], officers["supervisors"]) == (["ann", "bob", "dan"], ["carol"])
    for user in ("ann", "bob"):
        assert f"{user} is logged in (Available)" in ok(env, "login", user)

    launched = as_json(
        env,
        "launch",
        "Car Loan",
        "--user",
        "olivia",
        "--set",
        "LastName=Lee",
        "--set",
        "LoanAmount=25000 USD",
        "--set",
        "AnnualIncome=25000 USD",
    )
    flow_id = launched["id"]
    items = wait_for(lambda: as_json(env, "work", "list", "--user", "ann"))
    assert [(i["work_item"], i["status"], i["flow"]) for i in items] == [
        ("Loan Review", "new", flow_id)
    ]
    assert as_json(env, "work", "list", "--user", "bob") == []  # Lending 40 < 50
    item = str(items[0]["id"])

    refused = run(env, "work", "pickup", item, "--user", "bob")
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"openpas: error: bob cannot pick up work item #{item}: " + (
        "it is new (ann)"
    )
    assert "in progress with ann" in ok(env, "work", "pickup", item, "--user", "ann")
    page = as_json(env, "work", "show", item, "--user", "ann")
    assert page["title"] == "Applicant and loan" and page["buttons"] == [
        {"name": "Next", "kind": "submit"}
    ]
    assert "on page Decision" in ok(
        env, "work", "submit", item, "--user", "ann", "--button", "Next"
    )

    invalid = run(
        env,
        "work",
        "submit",
        item,
        "--user",
        "ann",
        "-b",
        "Approve",
        "--set",
        "ReviewComment=" + "x" * 501,
    )
    assert invalid.returncode == 1
    lines = invalid.stderr.strip().splitlines()
    assert lines[0].startswith("ReviewComment: ") and "500 characters" in lines[0]
    assert lines[-1] == f"openpas: error: work item #{item}: 1 invalid fields; nothing was changed"

    done = ok(
        env, "work", "submit", item, "--user", "ann", "-b", "Approve", "--set", "ReviewComment=fine"
    )
    assert f"completed by Approve; flow #{flow_id} goes on" in done

    def completed() -> dict[str, Any] | None:
        shown = as_json(env, "flow", "show", str(flow_id))
        return shown if shown["status"] == "completed" else None

    flow = wait_for(completed)
    assert flow is not None, "the engine did not finish the flow"
    assert (
        flow["variables"]["Status"] == "Approved" and flow["variables"]["ReviewComment"] == "fine"
    )
    queue = as_json(env, "queue", "Loan Officers")
    assert (queue["waiting"], queue["handled_today"], queue["agents_available"]) == (0, 1, 2)


def test_offers_follow_presence_across_processes(
    env: dict[str, str], engine: subprocess.Popen[bytes]
) -> None:
    ok(env, "directory", "import", DIRECTORY)
    ok(env, "login", "ann", "--status", "Away")
    texts = [
        "--set",
        "LastName=Lee",
        "--set",
        "LoanAmount=25000 USD",
        "--set",
        "AnnualIncome=25000 USD",
    ]
    first = as_json(env, "launch", "Car Loan", "--user", "olivia", *texts)["id"]
    waiting = wait_for(lambda: as_json(env, "queue", "Loan Officers")["waiting"] == 1)
    assert waiting and as_json(env, "work", "list", "--user", "ann") == []
    assert ok(env, "presence", "ann", "Available").strip() == "ann is Available"
    items = wait_for(lambda: as_json(env, "work", "list", "--user", "ann"))
    assert [i["flow"] for i in items] == [first]
    # ann picks it up in one process and holds it at logout in another; the engine's router
    # follows: a second loan goes to her once she is back and free.
    ok(env, "work", "pickup", str(items[0]["id"]), "--user", "ann")
    assert "1 work items held" in ok(env, "logout", "ann")
    ok(env, "login", "ann")
    ok(env, "work", "pickup", str(items[0]["id"]), "--user", "ann")  # resume the held item
    ok(env, "work", "submit", str(items[0]["id"]), "--user", "ann", "-b", "Next")
    ok(env, "work", "submit", str(items[0]["id"]), "--user", "ann", "-b", "Deny")
    second = as_json(env, "launch", "Car Loan", "--user", "olivia", *texts)["id"]
    items = wait_for(lambda: as_json(env, "work", "list", "--user", "ann"))
    assert [(i["flow"], i["status"]) for i in items] == [(second, "new")]


def test_user_mistakes_are_one_clear_line(env: dict[str, str], tmp_path: Path) -> None:
    ok(env, "publish", CAR_LOAN)
    broken = tmp_path / "people.yaml"
    broken.write_text("users:\n  ann: {licence: boss}\n", encoding="utf-8")
    result = run(env, "directory", "import", str(broken))
    assert result.returncode == 1 and "'boss' is not a licence" in result.stderr
    ok(env, "directory", "import", DIRECTORY)
    for args, message in [
        (("login", "nobody"), "openpas: error: no user named 'nobody'"),
        (("presence", "ann", "Away"), "openpas: error: the user 'ann' is not logged in"),
        (("queue", "Loan Oficers"), "openpas: error: no workgroup named 'Loan Oficers'"),
        (("work", "pickup", "7", "--user", "ann"), "openpas: error: there is no work item #7"),
        (("work", "submit", "7", "--user", "ann", "-b", "Go", "--set", "x"), "is not Field=value"),
        (("work", "transfer", "7", "--user", "ann"), "exactly one of --to-user and --to-workgroup"),
    ]:
        result = run(env, *args)
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
