"""Every eligibility rule, the order of items, offers, allocation, and the events that
change them."""

from __future__ import annotations

import pytest

from openpas.routing import (
    Allocate,
    DuplicateItem,
    NotOffered,
    NotOwned,
    Offer,
    Queue,
    Revoke,
    Router,
    RoutingError,
    UnknownAgent,
    UnknownItem,
)

from .conftest import T0, agent, at, item


def router(*agents: object, queue: Queue | None = None) -> Router:
    r = Router()
    if queue is not None:
        r.set_queue(queue)
    for a in agents:
        r.set_agent(a)  # type: ignore[arg-type]
    return r


# ------------------------------------------------------------------ eligibility


@pytest.mark.parametrize("licence", [0, 1])
def test_a_user_without_the_group_routed_licence_gets_no_workgroup_item(licence: int) -> None:
    r = router(agent("ann", licence=licence))
    assert r.enqueue(item(1), T0) == []
    assert r.queued("Loans")[0].id == 1


@pytest.mark.parametrize("licence", [2, 3, 4])
def test_group_monitor_and_designer_licences_receive_workgroup_items(licence: int) -> None:
    r = router(agent("ann", licence=licence))
    assert r.enqueue(item(1), T0) == [Offer(1, "ann")]


def test_only_members_of_the_items_workgroup_are_offered_it() -> None:
    r = router(agent("ann", workgroups=["Claims"]), agent("bob", workgroups=["Loans", "Claims"]))
    assert r.enqueue(item(1), T0) == [Offer(1, "bob")]
    assert r.enqueue(item(2, workgroup="Sales"), T0) == []


def test_an_unavailable_agent_gets_nothing_until_it_becomes_available() -> None:
    r = router(agent("ann", available=False))
    assert r.enqueue(item(1), T0) == []
    assert r.set_agent(agent("ann")) == [Offer(1, "ann")]


def test_logging_in_brings_the_waiting_item() -> None:
    r = Router()
    r.enqueue(item(1), T0)
    assert r.set_agent(agent("ann")) == [Offer(1, "ann")]


def test_an_agent_needs_every_skill_at_the_items_minimum() -> None:
    r = router(
        agent("low", skills={"Lending": 40, "French": 90}),
        agent("missing", skills={"Lending": 90}),
    )
    assert r.enqueue(item(1, skills={"Lending": 50, "French": 10}), T0) == []
    assert r.set_agent(agent("good", skills={"Lending": 50, "French": 10})) == [Offer(1, "good")]


def test_the_queues_minimum_applies_when_higher_than_the_items() -> None:
    queue = Queue("Loans", {"Lending": 70})
    r = router(agent("ann", skills={"Lending": 60}), queue=queue)
    assert r.enqueue(item(1, skills={"Lending": 50}), T0) == []
    assert r.set_agent(agent("bob", skills={"Lending": 70})) == [Offer(1, "bob")]


def test_the_items_minimum_applies_when_higher_than_the_queues() -> None:
    r = router(agent("ann", skills={"Lending": 60}), queue=Queue("Loans", {"Lending": 10}))
    assert r.enqueue(item(1, skills={"Lending": 61}), T0) == []


def test_an_agent_is_offered_items_up_to_its_capacity_then_they_wait() -> None:
    r = router(agent("ann", capacity=2))
    assert r.enqueue(item(1), T0) == [Offer(1, "ann")]
    assert r.enqueue(item(2), T0) == [Offer(2, "ann")]
    assert r.enqueue(item(3), T0) == []
    assert r.load("ann") == 2
    assert r.stats("Loans", at(10)).busy == 1


def test_an_excluded_agent_is_passed_over_separation_of_duties() -> None:
    r = router(agent("ann", skills={"Lending": 90}), agent("bob", skills={"Lending": 10}))
    assert r.enqueue(item(1, skills={"Lending": 5}, excluded={"ann"}), T0) == [Offer(1, "bob")]
    assert r.enqueue(item(2, excluded={"ann", "bob"}), T0) == []
    r.accept(1, "bob", T0)
    r.release("bob", 1, at(5))
    assert r.offers(2) == ()


def test_the_preferred_agent_goes_first_when_eligible() -> None:
    r = router(agent("ann", skills={"Lending": 90}), agent("bob", skills={"Lending": 10}))
    assert r.enqueue(item(1, skills={"Lending": 5}, preferred="bob"), T0) == [Offer(1, "bob")]


def test_a_preferred_agent_who_cannot_take_it_does_not_hold_the_item_back() -> None:
    r = router(agent("ann"), agent("bob", available=False))
    assert r.enqueue(item(1, preferred="bob"), T0) == [Offer(1, "ann")]


# ------------------------------------------------------------------ item order


def test_a_free_agent_takes_the_highest_priority_then_the_oldest_item() -> None:
    r = Router()
    r.enqueue(item(1, queued=30), T0)
    r.enqueue(item(2, queued=10), T0)
    r.enqueue(item(3, priority=2, queued=50), T0)
    r.enqueue(item(4, queued=10), T0)
    assert [i.id for i in r.queued("Loans")] == [3, 2, 4, 1]
    taken = []
    r.set_agent(agent("ann"))
    for _ in range(4):
        (offer,) = r.offered("ann")
        taken.append(offer)
        r.accept(offer, "ann", T0)
        r.release("ann", offer, at(60))
    assert taken == [3, 2, 4, 1]


def test_a_free_agent_skips_items_it_cannot_take_for_the_next_it_can() -> None:
    r = Router()
    r.enqueue(item(1, priority=9, skills={"French": 50}), T0)
    r.enqueue(item(2, priority=5, excluded={"ann"}), T0)
    r.enqueue(item(3, priority=1), T0)
    assert r.set_agent(agent("ann")) == [Offer(3, "ann")]


def test_an_agent_in_several_workgroups_takes_the_most_urgent_of_all() -> None:
    r = Router()
    r.enqueue(item(1, workgroup="Loans", queued=20), T0)
    r.enqueue(item(2, workgroup="Claims", queued=10), T0)
    assert r.set_agent(agent("ann", workgroups=["Loans", "Claims"])) == [Offer(2, "ann")]


# ------------------------------------------------------------------ offers


def test_accept_makes_the_agent_the_owner_and_the_item_leaves_the_queue() -> None:
    r = router(agent("ann"))
    r.enqueue(item(1), T0)
    assert r.accept(1, "ann", T0) == []
    assert r.owner(1) == "ann"
    assert r.queued("Loans") == ()
    assert r.load("ann") == 1


def test_an_offer_to_several_agents_is_revoked_from_the_others_on_accept() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2), agent("cid", idle=3))
    assert r.enqueue(item(1, offer_to=2), T0) == [Offer(1, "ann"), Offer(1, "bob")]
    assert r.offers(1) == ("ann", "bob")
    assert r.accept(1, "bob", T0) == [Revoke(1, "ann")]
    taken = r"work item 1 is not offered to 'ann': it was taken by 'bob'"
    with pytest.raises(NotOffered, match=taken):
        r.accept(1, "ann", T0)


def test_a_revoked_agent_gets_the_next_waiting_item() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2))
    r.enqueue(item(1, offer_to=2), T0)
    r.enqueue(item(2), T0)
    assert r.accept(1, "ann", T0) == [Revoke(1, "bob"), Offer(2, "bob")]


def test_a_declined_item_goes_to_someone_else() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2, available=False))
    r.enqueue(item(1), T0)
    r.set_agent(agent("bob", idle=2))
    assert r.decline(1, "ann", at(5)) == [Offer(1, "bob")]


def test_a_declined_item_waits_for_others_rather_than_return_to_the_decliner() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2))
    r.enqueue(item(1), T0)
    r.enqueue(item(2), T0)
    r.enqueue(item(3), T0)
    assert r.decline(1, "ann", at(5)) == [Offer(3, "ann")]
    r.accept(2, "bob", T0)
    assert r.release("bob", 2, at(6)) == [Offer(1, "bob")]


def test_a_declined_item_returns_to_the_decliner_when_no_one_else_can_take_it() -> None:
    r = router(agent("ann"))
    r.enqueue(item(1), T0)
    assert r.decline(1, "ann", at(5)) == [Offer(1, "ann")]
    assert r.offer_timeout(1, "ann", at(35)) == [Offer(1, "ann")]


def test_an_offer_timeout_moves_the_item_to_the_next_agent() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2), agent("cid", idle=3))
    r.enqueue(item(1), T0)
    assert r.offer_timeout(1, "ann", at(30)) == [Offer(1, "bob")]
    assert r.offer_timeout(1, "bob", at(60)) == [Offer(1, "cid")]
    assert r.offer_timeout(1, "cid", at(90)) == [Offer(1, "ann")]


def test_declining_an_item_not_offered_is_refused() -> None:
    r = router(agent("ann"), agent("bob"))
    r.enqueue(item(1), T0)
    with pytest.raises(NotOffered, match=r"not offered to 'bob': it is offered to 'ann'"):
        r.decline(1, "bob", T0)


def test_allocation_assigns_without_an_offer() -> None:
    r = router(agent("ann"))
    assert r.enqueue(item(1, allocate=True), T0) == [Allocate(1, "ann")]
    assert r.owner(1) == "ann"
    assert r.offers(1) == ()
    with pytest.raises(NotOffered):
        r.accept(1, "ann", T0)


# ------------------------------------------------------------------ release, requeue, cancel


def test_release_makes_the_agent_idle_since_then_and_brings_the_next_item() -> None:
    r = router(agent("ann"))
    r.enqueue(item(1), T0)
    r.enqueue(item(2), T0)
    r.accept(1, "ann", T0)
    assert r.release("ann", 1, at(90)) == [Offer(2, "ann")]
    assert r.agent("ann").idle_since == at(90)
    assert 1 not in r


def test_only_the_owner_may_release() -> None:
    r = router(agent("ann"), agent("bob"))
    r.enqueue(item(1), T0)
    r.accept(1, "ann", T0)
    with pytest.raises(NotOwned, match=r"'bob' cannot release work item 1: it is owned by 'ann'"):
        r.release("bob", 1, T0)
    with pytest.raises(UnknownItem, match="no work item 9"):
        r.release("ann", 9, T0)


def test_a_held_item_goes_back_to_its_queue_and_to_the_next_agent() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2, capacity=1))
    r.enqueue(item(1), T0)
    r.enqueue(item(2), T0)
    r.accept(1, "ann", T0)
    r.accept(2, "bob", T0)
    assert r.release("ann", 1, at(10)) == []
    assert r.requeue(item(1), at(10)) == [Offer(1, "ann")]


def test_an_owned_item_cannot_be_requeued_before_release() -> None:
    r = router(agent("ann"))
    r.enqueue(item(1), T0)
    r.accept(1, "ann", T0)
    with pytest.raises(NotOwned, match="owned by 'ann'; release it"):
        r.requeue(item(1), T0)


def test_a_waiting_item_transferred_to_another_queue_leaves_its_offers() -> None:
    r = router(agent("ann"), agent("bob", workgroups=["Claims"]))
    r.enqueue(item(1), T0)
    assert r.requeue(item(1, workgroup="Claims"), at(5)) == [Revoke(1, "ann"), Offer(1, "bob")]
    assert r.queued("Loans") == ()


def test_cancel_revokes_offers_and_frees_the_owner() -> None:
    r = router(agent("ann"), agent("bob"))
    r.enqueue(item(1, offer_to=2), T0)
    r.enqueue(item(2), T0)
    assert r.cancel(1) == [Revoke(1, "ann"), Revoke(1, "bob"), Offer(2, "ann")]
    r.accept(2, "ann", T0)
    r.enqueue(item(3), T0)
    r.enqueue(item(4), T0)
    assert r.cancel(2) == [Offer(4, "ann")]
    assert 2 not in r


def test_an_item_id_is_routed_once() -> None:
    r = Router()
    r.enqueue(item(1), T0)
    with pytest.raises(DuplicateItem, match="work item 1 is already routed"):
        r.enqueue(item(1), T0)


def test_own_records_an_item_without_routing_it_and_counts_it() -> None:
    r = router(agent("ann", capacity=2))
    r.enqueue(item(1), T0)
    assert r.own(item(2), "ann") == []
    assert r.load("ann") == 2
    assert r.own(item(3), "ann") == [Revoke(1, "ann")]
    assert r.owned("ann") == (2, 3)


# ------------------------------------------------------------------ agent and queue changes


def test_logging_out_revokes_offers_which_go_to_others_but_keeps_owned_items() -> None:
    r = router(agent("ann", capacity=2, idle=1), agent("bob", idle=2, available=False))
    r.enqueue(item(1), T0)
    r.enqueue(item(2), T0)
    r.accept(1, "ann", T0)
    assert r.set_agent(agent("bob", idle=2)) == []
    out = r.set_agent(agent("ann", capacity=2, idle=1, available=False))
    assert out == [Revoke(2, "ann"), Offer(2, "bob")]
    assert r.owner(1) == "ann"
    assert r.stats("Loans", T0).away == 1


def test_losing_a_skill_or_membership_revokes_offers_that_need_it() -> None:
    r = router(agent("ann", skills={"Lending": 50}), agent("bob", skills={"Lending": 50}, idle=5))
    r.enqueue(item(1, skills={"Lending": 50}), T0)
    assert r.set_agent(agent("ann", skills={"Lending": 49})) == [Revoke(1, "ann"), Offer(1, "bob")]
    assert r.set_agent(agent("bob", workgroups=["Claims"], idle=5)) == [Revoke(1, "bob")]


def test_gaining_a_skill_or_membership_brings_items() -> None:
    r = router(agent("ann", workgroups=["Claims"]))
    r.enqueue(item(1, skills={"French": 10}), T0)
    assert r.set_agent(agent("ann")) == []
    assert r.set_agent(agent("ann", skills={"French": 10})) == [Offer(1, "ann")]


def test_losing_the_group_licence_revokes_offers_but_not_owned_items() -> None:
    r = router(agent("ann", capacity=2))
    r.enqueue(item(1), T0)
    r.enqueue(item(2), T0)
    r.accept(1, "ann", T0)
    assert r.set_agent(agent("ann", capacity=2, licence=1)) == [Revoke(2, "ann")]
    assert r.owner(1) == "ann"


def test_a_lower_capacity_revokes_the_least_urgent_offers_and_a_higher_one_brings_more() -> None:
    r = router(agent("ann", capacity=3))
    r.enqueue(item(1, priority=1), T0)
    r.enqueue(item(2, priority=3), T0)
    r.enqueue(item(3, priority=2), T0)
    assert r.set_agent(agent("ann", capacity=1)) == [Revoke(1, "ann"), Revoke(3, "ann")]
    assert r.offered("ann") == (2,)
    assert r.set_agent(agent("ann", capacity=2)) == [Offer(3, "ann")]


def test_raising_the_queues_minimum_revokes_and_lowering_it_offers() -> None:
    r = router(agent("ann", skills={"Lending": 40}))
    r.enqueue(item(1), T0)
    assert r.set_queue(Queue("Loans", {"Lending": 50})) == [Revoke(1, "ann")]
    r.enqueue(item(2, priority=5), T0)
    assert r.set_queue(Queue("Loans", {"Lending": 40})) == [Offer(2, "ann")]


def test_a_removed_agents_offers_go_to_others() -> None:
    r = router(agent("ann", idle=1), agent("bob", idle=2))
    r.enqueue(item(1), T0)
    assert r.remove_agent("ann") == [Revoke(1, "ann"), Offer(1, "bob")]
    with pytest.raises(UnknownAgent, match="no agent 'ann'"):
        r.load("ann")


def test_an_agent_who_owns_items_cannot_be_removed() -> None:
    r = router(agent("ann"))
    r.enqueue(item(1), T0)
    r.accept(1, "ann", T0)
    with pytest.raises(RoutingError, match="'ann' still owns work items 1"):
        r.remove_agent("ann")


# ------------------------------------------------------------------ stats


def test_stats_count_waiting_items_the_longest_wait_and_members_by_state() -> None:
    r = router(
        agent("ann"),
        agent("bob", available=False),
        agent("cid", capacity=2),
        agent("dan", licence=1),
        agent("eve", workgroups=["Claims"]),
    )
    r.enqueue(item(1, queued=0, priority=1), T0)
    r.enqueue(item(2, queued=20), T0)
    r.enqueue(item(3, queued=40), T0)
    r.enqueue(item(4, queued=50), T0)
    r.accept(1, "ann", T0)
    stats = r.stats("Loans", at(100))
    assert (stats.waiting, stats.offered, stats.longest_wait) == (3, 2, 80.0)
    assert (stats.available, stats.busy, stats.away) == (0, 2, 1)
    empty = r.stats("Nobody", at(100))
    assert (empty.waiting, empty.longest_wait, empty.available) == (0, 0.0, 0)


def test_restored_offers_stand_while_the_agent_may_hold_them() -> None:
    r = router(agent("ann"), agent("bob", available=False), agent("cid", idle=5))
    out = r.restore_offers(item(1, offer_to=2), ["ann", "bob", "gone"])
    assert out == [Revoke(1, "bob"), Revoke(1, "gone"), Offer(1, "cid")]
    assert r.offers(1) == ("ann", "cid")
    assert r.load("ann") == 1
    assert r.accept(1, "ann", T0) == [Revoke(1, "cid")]
