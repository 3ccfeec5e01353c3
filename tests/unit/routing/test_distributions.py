"""How each queue distribution chooses among eligible agents, and the model's own checks."""

from __future__ import annotations

import datetime as dt

import pytest

from openpas.routing import Agent, InvalidRoutingValue, Item, Offer, Queue, Router

from .conftest import T0, agent, at, item


def test_best_skill_takes_the_highest_sum_over_the_required_skills() -> None:
    r = Router()
    r.set_queue(Queue("Loans", {"Lending": 10}, "best skill"))
    r.set_agent(agent("ann", skills={"Lending": 90, "French": 10, "Golf": 100}, available=False))
    r.set_agent(agent("bob", skills={"Lending": 60, "French": 60}, available=False))
    r.set_agent(agent("ann", skills={"Lending": 90, "French": 10, "Golf": 100}))
    r.set_agent(agent("bob", skills={"Lending": 60, "French": 60}))
    assert r.enqueue(item(1, skills={"French": 10}), T0) == [Offer(1, "bob")]


def test_best_skill_ties_go_to_the_longest_idle() -> None:
    r = Router()
    r.set_agent(agent("ann", skills={"Lending": 50}, idle=20))
    r.set_agent(agent("bob", skills={"Lending": 50}, idle=10))
    assert r.enqueue(item(1, skills={"Lending": 1}), T0) == [Offer(1, "bob")]


def test_longest_idle_ignores_skill_levels() -> None:
    r = Router()
    r.set_queue(Queue("Loans", distribution="longest idle"))
    r.set_agent(agent("ann", skills={"Lending": 99}, idle=20))
    r.set_agent(agent("bob", skills={"Lending": 1}, idle=10))
    assert r.enqueue(item(1, skills={"Lending": 1}), T0) == [Offer(1, "bob")]
    r.accept(1, "bob", T0)
    r.release("bob", 1, at(30))
    assert r.enqueue(item(2), T0) == [Offer(2, "ann")]


def test_shortest_queue_takes_the_least_loaded_agent() -> None:
    r = Router()
    r.set_queue(Queue("Loans", distribution="shortest queue"))
    r.set_agent(agent("ann", capacity=5, idle=0))
    r.set_agent(agent("bob", capacity=5, idle=50))
    for n in range(3):
        r.own(item(100 + n), "ann")
    r.own(item(200), "bob")
    assert r.enqueue(item(1), T0) == [Offer(1, "bob")]
    assert r.enqueue(item(2), T0) == [Offer(2, "bob")]
    assert r.enqueue(item(3), T0) == [Offer(3, "ann")]


def test_round_robin_rotates_through_the_agents() -> None:
    r = Router()
    r.set_queue(Queue("Loans", distribution="round robin"))
    for name in ("u1", "u2", "u3"):
        r.set_agent(agent(name, capacity=10))
    got = [r.enqueue(item(n, allocate=True), T0)[0].agent for n in range(6)]
    assert got == ["u1", "u2", "u3", "u1", "u2", "u3"]


def test_round_robin_skips_an_agent_who_cannot_take_the_item() -> None:
    r = Router()
    r.set_queue(Queue("Loans", distribution="round robin"))
    for name in ("u1", "u2", "u3"):
        r.set_agent(agent(name, capacity=10))
    r.set_agent(agent("u2", capacity=10, available=False))
    got = [r.enqueue(item(n, allocate=True), T0)[0].agent for n in range(4)]
    assert got == ["u1", "u3", "u1", "u3"]


def test_round_robin_is_kept_per_queue() -> None:
    r = Router()
    for wg in ("Loans", "Claims"):
        r.set_queue(Queue(wg, distribution="round robin"))
    for name in ("u1", "u2"):
        r.set_agent(agent(name, capacity=10, workgroups=["Loans", "Claims"]))
    assert r.enqueue(item(1, allocate=True), T0)[0].agent == "u1"
    assert r.enqueue(item(2, workgroup="Claims", allocate=True), T0)[0].agent == "u1"
    assert r.enqueue(item(3, allocate=True), T0)[0].agent == "u2"


def test_preferred_beats_every_distribution() -> None:
    for distribution in ("best skill", "round robin", "shortest queue", "longest idle"):
        r = Router()
        r.set_queue(Queue("Loans", distribution=distribution))  # type: ignore[arg-type]
        r.set_agent(agent("ann", skills={"X": 99}, idle=0))
        r.set_agent(agent("zed", skills={"X": 1}, idle=99))
        assert r.enqueue(item(1, skills={"X": 1}, preferred="zed"), T0) == [Offer(1, "zed")]


# ------------------------------------------------------------------ the model's checks


def test_a_naive_time_is_refused_with_the_value() -> None:
    naive = r"work item 1: queued_at 2030-01-01T00:00:00 has no time zone"
    with pytest.raises(InvalidRoutingValue, match=naive):
        Item(1, "Loans", queued_at=dt.datetime(2030, 1, 1))
    with pytest.raises(InvalidRoutingValue, match="enqueue: now"):
        Router().enqueue(item(1), dt.datetime(2030, 1, 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": 0}, "agent 'ann': the capacity is 0, expected 1 or more"),
        ({"licence": 5}, "agent 'ann': the licence is 5, expected 0..4"),
        ({"skills": {"Lending": 101}}, "proficiency of skill 'Lending' is 101, expected 0..100"),
        ({"skills": {"": 1}}, "a skill name must be non-empty text"),
    ],
)
def test_a_bad_agent_is_refused_naming_the_value(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRoutingValue, match=message):
        agent("ann", **kwargs)  # type: ignore[arg-type]


def test_an_unknown_distribution_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidRoutingValue, match="unknown distribution 'random', expected one of"):
        Queue("Loans", distribution="random")  # type: ignore[arg-type]


def test_offer_to_must_be_at_least_one() -> None:
    with pytest.raises(InvalidRoutingValue, match="offer_to is 0, expected 1 or more"):
        item(1, offer_to=0)


def test_values_keep_their_own_copy_of_skills() -> None:
    skills = {"Lending": 50}
    a = Agent("ann", 2, frozenset({"Loans"}), skills, True, 1, T0)
    skills["Lending"] = 1
    assert a.skills["Lending"] == 50
