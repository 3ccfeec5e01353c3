"""The monitor's REST API over a real server on SQLite: filters, saved filters, the PAS Maximum
Monitored Flows refusal, one flow's monitor view with its diagram, related interactions with
rights, and outsiders kept out (no secured value in any reply)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, get_args
from xml.sax.saxutils import quoteattr

import httpx
import pytest

from openpas.api import schemas
from openpas.monitor.filters import STATUSES, WAIT_KINDS
from openpas.security import auth

from .api_live import ADMIN_PASSWORD, PASSWORD, Live, live_server, wait_for

SSN = "314-15-9265"  # the sample bureau scores it 528: the loan waits on a loan officer
BORDERLINE = {
    "LastName": "Monitored",
    "SSN": SSN,
    "LoanAmount": "25000 USD",
    "AnnualIncome": "25000 USD",
}
MAXIMUM = 100
"""PAS Maximum Monitored Flows of the test server (the parameter's minimum)."""
MANY = """
process: Many
start: Only
states:
  Only:
    actions:
      - end process
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with pytest.MonkeyPatch.context() as patch:
        # The configuration the live server loads reads the environment.
        patch.setenv("OPENPAS_PAS_MAXIMUM_MONITORED_FLOWS", str(MAXIMUM))
        with live_server(tmp_path_factory.mktemp("api-monitor")) as found:
            yield found


@pytest.fixture(scope="module")
def admin(live: Live) -> Iterator[httpx.Client]:
    with live.client("admin", ADMIN_PASSWORD) as client:
        yield client


@pytest.fixture(scope="module")
def world(live: Live, admin: httpx.Client) -> None:
    """mona (monitor) may view car loans, carol (monitor) may manage them; otto has the
    monitor licence and no right on them; olivia (direct) has none either."""
    grants = [("mona", "view"), ("carol", "manage")]
    for user, right in grants:
        reply = admin.post(
            "/api/v1/directory/grants",
            json={"kind": "user", "subject": user, "right": right, "process": "Car Loan"},
        )
        assert reply.status_code in (200, 201), reply.text
    reply = admin.put("/api/v1/directory/specifications/Personal Data", json={"users": ["carol"]})
    assert reply.status_code == 200, reply.text
    added = admin.post("/api/v1/directory/users", json={"name": "otto", "licence": "monitor"})
    assert added.status_code == 201, added.text
    auth.set_password(live.server.node.ctx, auth.local_operator("tests"), "otto", PASSWORD)


@pytest.fixture(scope="module")
def loan(world: None, admin: httpx.Client) -> int:
    """A car loan waiting on a Loan Officers work item, with an SSN."""
    reply = admin.post("/api/v1/flows", json={"process": "Car Loan", "values": BORDERLINE})
    assert reply.status_code == 201, reply.text
    flow_id: int = reply.json()["id"]
    wait_for(
        lambda: admin.get(f"/api/v1/flows/{flow_id}").json()["flow"]["status"] == "waiting",
        what="the car loan waiting on its work item",
    )
    return flow_id


def problem(reply: httpx.Response, status: int) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = reply.json()
    assert body["status"] == status and body["detail"]
    return body


def test_the_api_lists_the_statuses_and_wait_kinds_the_monitor_knows() -> None:
    assert set(get_args(schemas.FlowStatus)) == set(STATUSES)
    assert set(get_args(schemas.WaitKind)) == set(WAIT_KINDS)


# ---------------------------------------------------------------------- filters


def test_a_monitor_user_queries_with_a_filter(live: Live, loan: int) -> None:
    with live.client("mona") as mona:
        reply = mona.post(
            "/api/v1/monitor/query",
            json={"process": "Car Loan", "statuses": ["waiting"], "waiting_kind": "work item"},
        )
        assert reply.status_code == 200, reply.text
        body = reply.json()
        row = next(r for r in body["flows"] if r["id"] == loan)
        assert body["total"] >= 1
        assert row["status"] == "waiting" and row["originator"] == "admin"
        assert row["waiting"]["kind"] == "work item"
        assert row["waiting"]["workgroup"] == "Loan Officers"
        assert row["waited_seconds"] >= 0 and row["running_seconds"] >= 0
        none = mona.post(
            "/api/v1/monitor/query", json={"process": "Car Loan", "originator": "nobody"}
        )
        assert none.json() == {"flows": [], "total": 0}
        first = mona.post("/api/v1/monitor/query", params={"limit": 1}, json={}).json()
        assert len(first["flows"]) == 1 and first["total"] >= 1


def test_a_bad_filter_is_a_422_naming_the_field(live: Live, world: None) -> None:
    with live.client("mona") as mona:
        body = problem(mona.post("/api/v1/monitor/query", json={"statuses": ["stuck"]}), 422)
        assert "statuses" in body["detail"]
        body = problem(
            mona.post("/api/v1/monitor/query", json={"started_from": "2030-01-07T09:00:00"}), 422
        )
        assert "started_from" in body["detail"] and "time zone" in body["detail"]
        assert body["title"] == "InvalidFilter"
        window = {
            "started_from": "2030-01-07T09:00:00+00:00",
            "started_to": "2030-01-01T09:00:00+00:00",
        }
        body = problem(mona.post("/api/v1/monitor/query", json=window), 422)
        assert "before it begins" in body["detail"]
        problem(mona.post("/api/v1/monitor/query", json={"proces": "Car Loan"}), 422)
        problem(mona.post("/api/v1/monitor/query", params={"limit": 0}, json={}), 422)


def test_the_monitor_is_for_monitor_licences(live: Live, world: None) -> None:
    with live.client("olivia") as olivia:
        body = problem(olivia.post("/api/v1/monitor/query", json={}), 403)
        assert "monitor" in body["detail"]
        problem(olivia.get("/api/v1/monitor/filters"), 403)
        problem(olivia.put("/api/v1/monitor/filters/Mine", json={}), 403)
    with live.client() as anonymous:
        problem(anonymous.post("/api/v1/monitor/query", json={}), 401)


def test_saved_filters_are_saved_run_and_deleted(live: Live, loan: int) -> None:
    chosen = {"process": "Car Loan", "statuses": ["waiting", "error"]}
    with live.client("mona") as mona, live.client("carol") as carol:
        created = mona.put("/api/v1/monitor/filters/Waiting loans", json=chosen)
        assert created.status_code == 201, created.text
        assert created.json()["name"] == "Waiting loans"
        assert created.json()["filter"]["statuses"] == ["waiting", "error"]
        replaced = mona.put(
            "/api/v1/monitor/filters/Waiting loans", json={**chosen, "waiting_kind": "work item"}
        )
        assert replaced.status_code == 200 and replaced.json()["filter"]["waiting_kind"]
        listed = mona.get("/api/v1/monitor/filters").json()
        assert [f["name"] for f in listed] == ["Waiting loans"]
        one = mona.get("/api/v1/monitor/filters/Waiting loans").json()
        assert one["filter"]["process"] == "Car Loan" and one["filter"]["version"] is None
        ran = mona.get("/api/v1/monitor/filters/Waiting loans/flows")
        assert ran.status_code == 200, ran.text
        assert loan in [r["id"] for r in ran.json()["flows"]]
        # Filters are per user: carol has none of mona's.
        assert carol.get("/api/v1/monitor/filters").json() == []
        body = problem(carol.get("/api/v1/monitor/filters/Waiting loans/flows"), 404)
        assert "carol has no saved filter 'Waiting loans'" in body["detail"]
        body = problem(mona.put("/api/v1/monitor/filters/ ", json={}), 422)
        assert "blank" in body["detail"]
        problem(mona.put("/api/v1/monitor/filters/Bad", json={"statuses": ["stuck"]}), 422)
        assert mona.delete("/api/v1/monitor/filters/Waiting loans").status_code == 204
        body = problem(mona.get("/api/v1/monitor/filters/Waiting loans"), 404)
        assert "their filters: none" in body["detail"]
        problem(mona.delete("/api/v1/monitor/filters/Waiting loans"), 404)
        assert mona.get("/api/v1/monitor/filters").json() == []


def test_a_filter_matching_more_than_the_maximum_is_refused(
    live: Live, admin: httpx.Client, world: None
) -> None:
    parameters = {p["name"]: p for p in admin.get("/api/v1/parameters").json()["parameters"]}
    assert parameters["PAS Maximum Monitored Flows"]["value"] == MAXIMUM
    reply = admin.post(
        "/api/v1/processes", content=MANY, headers={"Content-Type": "application/yaml"}
    )
    assert reply.status_code == 201, reply.text
    for _ in range(MAXIMUM + 1):
        assert admin.post("/api/v1/flows", json={"process": "Many"}).status_code == 201
    body = problem(admin.post("/api/v1/monitor/query", json={"process": "Many"}), 422)
    assert body["title"] == "FilterTooLoose"
    assert f"matches {MAXIMUM + 1} flows" in body["detail"]
    assert f"PAS Maximum Monitored Flows ({MAXIMUM})" in body["detail"]
    assert "narrow it" in body["detail"]
    assert (body["matched"], body["maximum"], body["at_least"]) == (MAXIMUM + 1, MAXIMUM, False)
    document = admin.get("/api/v1/openapi.json").json()
    documented = document["paths"]["/api/v1/monitor/query"]["post"]["responses"]["422"]
    assert "FilterTooLoose" in documented["description"]
    admin.put("/api/v1/monitor/filters/Everything", json={"process": "Many"})
    problem(admin.get("/api/v1/monitor/filters/Everything/flows"), 422)
    narrower = admin.post(
        "/api/v1/monitor/query", params={"limit": 5}, json={"process": "Many", "version": 2}
    )
    assert narrower.json() == {"flows": [], "total": 0}
    # Flows mona may not view are not counted: her unfiltered query is not refused.
    with live.client("mona") as mona:
        mine = mona.post("/api/v1/monitor/query", json={})
        assert mine.status_code == 200, mine.text
        assert all(r["process"] != "Many" for r in mine.json()["flows"])


# ---------------------------------------------------------------------- one flow


def test_the_monitor_view_of_a_flow_has_timings_and_the_current_state(
    live: Live, admin: httpx.Client, loan: int
) -> None:
    with live.client("mona") as mona:
        reply = mona.get(f"/api/v1/monitor/flows/{loan}")
        assert reply.status_code == 200, reply.text
        view = reply.json()
        state = view["details"]["flow"]["state"]
        assert state and view["row"]["id"] == loan
        assert view["history"][0]["since_previous_seconds"] is None
        assert all(h["since_start_seconds"] >= 0 for h in view["history"])
        assert len(view["history"]) == len(view["details"]["history"])
        assert view["errors"] == []
        assert [i["workgroup"] for i in view["work_items"]] == ["Loan Officers"]
        assert view["parent"] is None and isinstance(view["subprocesses"], list)
        assert view["can_manage"] is False
        assert "classDef current" in view["mermaid"]
        assert len(re.findall(r"^\s*class \S+ current$", view["mermaid"], re.MULTILINE)) == 1
        marked = f'class="state current" data-name={quoteattr(state)} data-current="true"'
        assert marked in view["svg"] and view["svg"].count('data-current="true"') == 1
        # Variables as the guard gives them: mona may not see the SSN.
        assert "SSN" in view["details"]["hidden"] and "SSN" not in view["details"]["variables"]
        assert view["details"]["variables"]["LastName"] == "Monitored"
        assert SSN not in reply.text
    with live.client("carol") as carol:
        view = carol.get(f"/api/v1/monitor/flows/{loan}").json()
        assert view["can_manage"] is True and view["details"]["variables"]["SSN"] == SSN
    problem(admin.get("/api/v1/monitor/flows/999999"), 404)


# ---------------------------------------------------------------------- interactions


def test_interactions_are_added_listed_and_removed_with_rights(live: Live, loan: int) -> None:
    path = f"/api/v1/flows/{loan}/interactions"
    with (
        live.client("mona") as mona,
        live.client("carol") as carol,
        live.client("olivia") as olivia,
    ):
        added = mona.post(path, json={"kind": "Call", "reference": "CALL-0042", "note": "rang"})
        assert added.status_code == 201, added.text
        link = added.json()
        assert (link["kind"], link["reference"], link["added_by"]) == ("call", "CALL-0042", "mona")
        assert [i["id"] for i in mona.get(path).json()] == [link["id"]]
        view = mona.get(f"/api/v1/monitor/flows/{loan}").json()
        assert [i["reference"] for i in view["interactions"]] == ["CALL-0042"]
        body = problem(mona.post(path, json={"kind": "fax", "reference": "F-1"}), 422)
        assert "'fax' is not a kind of interaction" in body["detail"]
        problem(mona.post(path, json={"kind": "chat", "reference": "   "}), 422)
        # Without Manage on the process: may not remove.
        problem(mona.delete(f"{path}/{link['id']}"), 403)
        # Without View: may neither add nor list.
        problem(olivia.post(path, json={"kind": "chat", "reference": "CHAT-1"}), 403)
        problem(olivia.get(path), 403)
        problem(olivia.delete(f"{path}/{link['id']}"), 403)
        # A link of another flow is not this flow's.
        problem(carol.delete(f"/api/v1/flows/{loan}/interactions/999999"), 404)
        removed = carol.delete(f"{path}/{link['id']}", params={"reason": "wrong call"})
        assert removed.status_code == 204, removed.text
        assert mona.get(path).json() == []
        problem(carol.delete(f"{path}/{link['id']}"), 404)
        problem(mona.get("/api/v1/flows/999999/interactions"), 404)


# ---------------------------------------------------------------------- outsiders


def test_an_outsider_gets_403_or_404_and_no_secured_value(
    live: Live, admin: httpx.Client, loan: int
) -> None:
    with live.client("otto") as otto:  # monitor licence, no right on car loans
        replies = [
            problem(otto.get(f"/api/v1/monitor/flows/{loan}"), 403),
            problem(otto.get(f"/api/v1/flows/{loan}/interactions"), 403),
            problem(
                otto.post(
                    f"/api/v1/flows/{loan}/interactions", json={"kind": "call", "reference": "X"}
                ),
                403,
            ),
        ]
        found = otto.post("/api/v1/monitor/query", json={"process": "Car Loan"})
        assert found.json() == {"flows": [], "total": 0}
        by_details = otto.post("/api/v1/monitor/query", json={"details": SSN[:7]})
        assert by_details.json()["total"] == 0
        problem(otto.get("/api/v1/monitor/flows/999999"), 404)
        for reply in (found, by_details):
            assert SSN not in reply.text
        assert all(SSN not in str(body) for body in replies)
    with live.client("mona") as mona:  # may view, may not see the SSN: not even by its digits
        by_details = mona.post(
            "/api/v1/monitor/query", json={"process": "Car Loan", "details": SSN}
        )
        assert by_details.status_code == 200 and loan not in [
            r["id"] for r in by_details.json()["flows"]
        ]
        assert SSN not in by_details.text
