"""The router: workgroup queues and the agents who take their items, like an ACD.

It is pure: no I/O, no threads, no clock. A service feeds it events (an item
queued, an agent logging in or finishing an item, an offer declined...) and
persists the decisions each event returns, in order.

One invariant makes every event cheap: **no agent with room for more work is
eligible for an item that still needs agents** (an agent who declined the item
counts, as a last resort). So a new item only looks at the agents of its
workgroup who have room, and an agent who gets room only looks at the head of
each skill bucket of its workgroups; nobody rescans the whole queue.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from openpas.routing.decisions import Allocate, Decision, Offer, Revoke
from openpas.routing.errors import (
    DuplicateItem,
    NotOffered,
    NotOwned,
    RoutingError,
    UnknownAgent,
    UnknownItem,
)
from openpas.routing.lanes import Key, Lane, Requirement, key_of, meets, requirement_of
from openpas.routing.model import Agent, Item, Licence, Queue, QueueStats, check_aware
from openpas.routing.ranking import Candidate, ranking


@dataclass
class _Entry:
    """One item the router holds, queued (perhaps offered) or owned."""

    item: Item
    key: Key
    requirement: Requirement
    owner: str | None = None
    offers: dict[str, None] = field(default_factory=dict)
    """Agents it is offered to, in offer order (a dict as an ordered set)."""
    declined: set[str] = field(default_factory=set)
    """Agents who declined it or let its offer time out in this offer round."""
    routable: bool = False
    """Filed in its lane's bucket: it still needs agents."""

    def needs(self) -> int:
        """How many more agents it should be offered to (or allocated to) now."""
        if self.owner is not None:
            return 0
        wanted = 1 if self.item.allocate else self.item.offer_to
        return wanted - len(self.offers)


class Router:
    """Routes work items waiting in workgroup queues to eligible agents.

    An agent is eligible for an item when it holds a group-routed licence, is a
    member of the item's workgroup, is available, has every required skill at
    the higher of the item's and the queue's minimum, has room (items owned
    plus items offered below its capacity) and is not excluded. Items go by
    priority, then time in queue; among eligible agents the item's preferred
    agent goes first, then the queue's distribution decides.

    Every event method returns the decisions it caused, in order.
    """

    def __init__(self) -> None:
        self._agents: dict[str, Candidate] = {}
        self._lanes: dict[str, Lane] = {}
        self._entries: dict[int, _Entry] = {}
        self._ready: dict[str, set[str]] = {}
        """Workgroup to the agents of it who are licensed, available and have room."""
        self._members: dict[str, set[str]] = {}
        self._tick = 0

    # ----------------------------------------------------------------- events

    def set_agent(self, agent: Agent) -> list[Decision]:
        """Add an agent or take its new state (login, presence, skills, membership,
        licence, capacity, idle time).

        Offers the agent can no longer take are revoked and go to others; offers
        beyond a lowered capacity are revoked, least urgent first. Items the agent
        owns stay its own. An agent with room then gets the items it is eligible for.
        """
        out: list[Decision] = []
        name = agent.name
        c = self._agents.get(name)
        if c is None:
            c = Candidate(agent, agent.idle_since.timestamp())
            self._agents[name] = c
            old: frozenset[str] = frozenset()
        else:
            old = c.agent.workgroups
            c.agent = agent
            c.idle = agent.idle_since.timestamp()
        for workgroup in old - agent.workgroups:
            self._forget_member(workgroup, name)
        for workgroup in agent.workgroups - old:
            self._members.setdefault(workgroup, set()).add(name)
        revoked: list[_Entry] = []
        for entry in self._offered_entries(c):
            if not self._eligible(c, entry):
                self._withdraw(entry, name, out, revoke=True)
                revoked.append(entry)
        revoked += self._trim(c, out)
        self._refresh(c)
        self._settle(out, [name], revoked)
        return out

    def remove_agent(self, name: str) -> list[Decision]:
        """Forget an agent; its offers are revoked and go to others.

        Raises:
            UnknownAgent: no such agent.
            RoutingError: the agent still owns items (release or transfer them first).
        """
        c = self._agent(name)
        if c.owned:
            owned = ", ".join(str(i) for i in sorted(c.owned))
            raise RoutingError(
                f"agent {name!r} still owns work items {owned}; release or requeue them "
                "before removing the agent",
                agent=name,
            )
        out: list[Decision] = []
        revoked = self._offered_entries(c)
        for entry in revoked:
            self._withdraw(entry, name, out, revoke=True)
        c.agent = replace(c.agent, available=False)
        self._refresh(c)
        for workgroup in c.agent.workgroups:
            self._forget_member(workgroup, name)
        del self._agents[name]
        self._settle(out, [], revoked)
        return out

    def set_queue(self, queue: Queue) -> list[Decision]:
        """Add a workgroup queue or change its minimum skills or distribution.

        Offers to agents who no longer meet the queue's minimums are revoked; items
        that more agents can now take are offered at once, in priority order.
        """
        out: list[Decision] = []
        lane = self._lane(queue.workgroup)
        lane.configure(queue)
        freed: list[str] = []
        revoked: list[_Entry] = []
        for key in list(lane.waiting):
            entry = self._entries[key[2]]
            for name in list(entry.offers):
                c = self._agents[name]
                if not self._eligible(c, entry):
                    self._withdraw(entry, name, out, revoke=True)
                    freed.append(name)
                    revoked.append(entry)
        # The minimums may have dropped: every member with room may now take more.
        freed += sorted(self._ready.get(queue.workgroup, ()))
        self._settle(out, freed, revoked)
        return out

    def enqueue(self, item: Item, now: dt.datetime) -> list[Decision]:
        """Put a new item in its workgroup's queue and offer it if anyone can take it.

        Raises:
            DuplicateItem: the router already holds an item with this id.
        """
        check_aware("enqueue", "now", now)
        if item.id in self._entries:
            raise DuplicateItem(
                f"work item {item.id} is already routed; use requeue to send it back",
                item_id=item.id,
            )
        out: list[Decision] = []
        entry = self._admit(item)
        self._route(entry, out)
        return out

    def cancel(self, item_id: int) -> list[Decision]:
        """Remove an item wherever it is: its offers are revoked, its owner gets room."""
        entry = self._entry(item_id)
        out: list[Decision] = []
        freed = self._drop(entry, out)
        self._settle(out, freed, [])
        return out

    def accept(self, item_id: int, agent: str, now: dt.datetime) -> list[Decision]:
        """The agent picks up an item offered to it: it owns it now; other offers are revoked.

        Raises:
            UnknownItem: no such item.
            NotOffered: the item is not offered to this agent (another took it first,
                the offer was revoked, or it never was).
        """
        check_aware("accept", "now", now)
        entry = self._entry(item_id)
        self._require_offer(entry, agent)
        c = self._agents[agent]
        del entry.offers[agent]
        c.offered.discard(item_id)
        c.owned.add(item_id)
        entry.owner = agent
        entry.declined.clear()
        self._lane(entry.item.workgroup).remove_waiting(entry.key)
        self._sync(entry)
        out: list[Decision] = []
        freed = list(entry.offers)
        for name in freed:
            self._withdraw(entry, name, out, revoke=True)
        self._refresh(c)
        self._settle(out, freed, [])
        return out

    def decline(self, item_id: int, agent: str, now: dt.datetime) -> list[Decision]:
        """The agent turns an offer down: the item goes back to the queue, and to this
        agent again in this round only when no one else can take it.

        Raises:
            UnknownItem: no such item.
            NotOffered: the item is not offered to this agent.
        """
        check_aware("decline", "now", now)
        return self._turn_down(item_id, agent)

    def offer_timeout(self, item_id: int, agent: str, now: dt.datetime) -> list[Decision]:
        """An offer was not picked up in time: handled like :meth:`decline`."""
        check_aware("offer_timeout", "now", now)
        return self._turn_down(item_id, agent)

    def release(self, agent: str, item_id: int, now: dt.datetime) -> list[Decision]:
        """The agent no longer owns an item (finished, held or transferred it): its load
        drops, it is idle since ``now`` and gets the next item it is eligible for.

        Raises:
            UnknownAgent: no such agent.
            UnknownItem: no such item.
            NotOwned: the agent does not own the item.
        """
        check_aware("release", "now", now)
        c = self._agent(agent)
        entry = self._entry(item_id)
        if entry.owner != agent:
            where = (
                f"it is owned by {entry.owner!r}"
                if entry.owner is not None
                else f"it is waiting in the queue of {entry.item.workgroup!r}"
            )
            raise NotOwned(
                f"agent {agent!r} cannot release work item {item_id}: {where}",
                item_id=item_id,
                agent=agent,
            )
        del self._entries[item_id]
        c.owned.discard(item_id)
        c.agent = replace(c.agent, idle_since=now)
        c.idle = now.timestamp()
        self._refresh(c)
        out: list[Decision] = []
        self._settle(out, [agent], [])
        return out

    def requeue(self, item: Item, now: dt.datetime) -> list[Decision]:
        """Send an item (held, or transferred to a queue) back to its queue.

        The item may be unknown to the router (held items are released first) or
        still waiting, perhaps in another queue: its offers are then revoked and it
        is routed afresh, with a new offer round.

        Raises:
            NotOwned: an agent still owns the item (release it first).
        """
        check_aware("requeue", "now", now)
        out: list[Decision] = []
        freed: list[str] = []
        existing = self._entries.get(item.id)
        if existing is not None:
            if existing.owner is not None:
                raise NotOwned(
                    f"work item {item.id} is owned by {existing.owner!r}; release it "
                    "before sending it back to a queue",
                    item_id=item.id,
                    agent=existing.owner,
                )
            freed = self._drop(existing, out)
        entry = self._admit(item)
        self._settle(out, freed, [entry])
        return out

    def own(self, item: Item, agent: str) -> list[Decision]:
        """Record that an agent owns an item without routing it: restoring the state
        after a restart, or an item sent or transferred to the user directly.

        The item counts toward the agent's load; offers beyond the agent's capacity
        are revoked and go to others.

        Raises:
            DuplicateItem: the router already holds an item with this id.
            UnknownAgent: no such agent.
        """
        if item.id in self._entries:
            raise DuplicateItem(f"work item {item.id} is already routed", item_id=item.id)
        c = self._agent(agent)
        self._entries[item.id] = _Entry(
            item, key_of(item), requirement_of(item.skills), owner=agent
        )
        c.owned.add(item.id)
        out: list[Decision] = []
        revoked = self._trim(c, out)
        self._refresh(c)
        self._settle(out, [], revoked)
        return out

    def restore_offers(self, item: Item, agents: Iterable[str]) -> list[Decision]:
        """Record an item that waits with offers already made, without routing it anew:
        rebuilding the router from stored rows (after a restart, or after another
        process changed them).

        Offers the agents can no longer hold (unknown, not eligible, no room, more
        than the item needs) are revoked; the item is then offered to as many more
        agents as it needs.

        Raises:
            DuplicateItem: the router already holds an item with this id.
        """
        if item.id in self._entries:
            raise DuplicateItem(f"work item {item.id} is already routed", item_id=item.id)
        out: list[Decision] = []
        entry = self._admit(item)
        for name in dict.fromkeys(agents):
            c = self._agents.get(name)
            if (
                c is None
                or entry.needs() <= 0
                or c.load >= c.agent.capacity
                or not self._eligible(c, entry)
            ):
                out.append(Revoke(item.id, name))
                continue
            entry.offers[name] = None
            c.offered.add(item.id)
            self._sync(entry)
            self._refresh(c)
        self._route(entry, out)
        return out

    # ---------------------------------------------------------------- queries

    def agent(self, name: str) -> Agent:
        """The agent as the router holds it (``idle_since`` follows releases).

        Raises:
            UnknownAgent: no such agent.
        """
        return self._agent(name).agent

    def load(self, agent: str) -> int:
        """Items the agent owns plus items offered to it.

        Raises:
            UnknownAgent: no such agent.
        """
        return self._agent(agent).load

    def owned(self, agent: str) -> tuple[int, ...]:
        """Ids of the items the agent owns, ascending."""
        return tuple(sorted(self._agent(agent).owned))

    def offered(self, agent: str) -> tuple[int, ...]:
        """Ids of the items offered to the agent, ascending."""
        return tuple(sorted(self._agent(agent).offered))

    def queued(self, workgroup: str) -> tuple[Item, ...]:
        """The items waiting in a workgroup's queue (offered or not), in routing order."""
        lane = self._lanes.get(workgroup)
        if lane is None:
            return ()
        return tuple(self._entries[key[2]].item for key in lane.waiting)

    def offers(self, item_id: int) -> tuple[str, ...]:
        """The agents an item is offered to now, in offer order.

        Raises:
            UnknownItem: no such item.
        """
        return tuple(self._entry(item_id).offers)

    def owner(self, item_id: int) -> str | None:
        """The agent who owns an item, or None while it waits.

        Raises:
            UnknownItem: no such item.
        """
        return self._entry(item_id).owner

    def item(self, item_id: int) -> Item:
        """The item as routed.

        Raises:
            UnknownItem: no such item.
        """
        return self._entry(item_id).item

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._entries

    def agents(self) -> tuple[str, ...]:
        """Names of every agent, sorted."""
        return tuple(sorted(self._agents))

    def stats(self, workgroup: str, now: dt.datetime) -> QueueStats:
        """The queue's figures at ``now``: waiting items, longest wait, members' states.

        Members without a group-routed licence are not counted: they are not agents
        of the queue.
        """
        check_aware("stats", "now", now)
        lane = self._lanes.get(workgroup)
        keys = lane.waiting if lane is not None else []
        offered = sum(1 for key in keys if self._entries[key[2]].offers)
        oldest = min((key[1] for key in keys), default=None)
        longest = max(0.0, now.timestamp() - oldest) if oldest is not None else 0.0
        available = busy = away = 0
        for name in self._members.get(workgroup, ()):
            c = self._agents[name]
            if c.agent.licence < Licence.GROUP:
                continue
            if not c.agent.available:
                away += 1
            elif c.load >= c.agent.capacity:
                busy += 1
            else:
                available += 1
        return QueueStats(workgroup, len(keys), offered, longest, available, busy, away)

    # ------------------------------------------------------------- internals

    def _agent(self, name: str) -> Candidate:
        c = self._agents.get(name)
        if c is None:
            raise UnknownAgent(f"there is no agent {name!r} in the router", agent=name)
        return c

    def _entry(self, item_id: int) -> _Entry:
        entry = self._entries.get(item_id)
        if entry is None:
            raise UnknownItem(
                f"there is no work item {item_id} in the router (finished, cancelled or "
                "never queued)",
                item_id=item_id,
            )
        return entry

    def _lane(self, workgroup: str) -> Lane:
        lane = self._lanes.get(workgroup)
        if lane is None:
            # A workgroup without settings routes by best skill with no minimums.
            lane = self._lanes[workgroup] = Lane(Queue(workgroup))
        return lane

    def _require_offer(self, entry: _Entry, agent: str) -> None:
        if agent in entry.offers:
            return
        item_id = entry.item.id
        if entry.owner is not None:
            reason = f"it was taken by {entry.owner!r}"
        elif entry.offers:
            reason = "it is offered to " + ", ".join(repr(n) for n in entry.offers)
        else:
            reason = "it is waiting in the queue without an offer"
        raise NotOffered(
            f"work item {item_id} is not offered to {agent!r}: {reason}",
            item_id=item_id,
            agent=agent,
        )

    def _forget_member(self, workgroup: str, name: str) -> None:
        members = self._members.get(workgroup)
        if members is not None:
            members.discard(name)
            if not members:
                del self._members[workgroup]

    def _offered_entries(self, c: Candidate) -> list[_Entry]:
        """The items offered to the agent, most urgent first."""
        return sorted((self._entries[i] for i in c.offered), key=lambda e: e.key)

    def _eligible(self, c: Candidate, entry: _Entry) -> bool:
        """Whether the agent may hold an offer of the item (its load aside)."""
        agent, item = c.agent, entry.item
        return (
            agent.licence >= Licence.GROUP
            and agent.available
            and item.workgroup in agent.workgroups
            and agent.name not in item.excluded
            and meets(agent.skills, self._lane(item.workgroup).effective(entry.requirement))
        )

    def _refresh(self, c: Candidate) -> None:
        """File the agent in the ready sets of its workgroups exactly when it can take work."""
        agent = c.agent
        ready = agent.licence >= Licence.GROUP and agent.available and c.load < agent.capacity
        target = agent.workgroups if ready else frozenset()
        if target == c.ready_in:
            return
        for workgroup in c.ready_in - target:
            names = self._ready[workgroup]
            names.discard(agent.name)
            if not names:
                del self._ready[workgroup]
        for workgroup in target - c.ready_in:
            self._ready.setdefault(workgroup, set()).add(agent.name)
        c.ready_in = target

    def _sync(self, entry: _Entry) -> None:
        """File the item in its bucket exactly when it needs agents."""
        wanted = entry.needs() > 0
        if wanted == entry.routable:
            return
        lane = self._lane(entry.item.workgroup)
        if wanted:
            lane.add_routable(entry.requirement, entry.key)
        else:
            lane.remove_routable(entry.requirement, entry.key)
        entry.routable = wanted

    def _admit(self, item: Item) -> _Entry:
        entry = _Entry(item, key_of(item), requirement_of(item.skills))
        self._entries[item.id] = entry
        self._lane(item.workgroup).add_waiting(entry.key)
        self._sync(entry)
        return entry

    def _drop(self, entry: _Entry, out: list[Decision]) -> list[str]:
        """Remove an item from everywhere; returns the agents who got room."""
        item_id = entry.item.id
        del self._entries[item_id]
        freed: list[str] = []
        if entry.owner is not None:
            c = self._agents[entry.owner]
            c.owned.discard(item_id)
            self._refresh(c)
            freed.append(entry.owner)
        else:
            lane = self._lane(entry.item.workgroup)
            lane.remove_waiting(entry.key)
            if entry.routable:
                lane.remove_routable(entry.requirement, entry.key)
                entry.routable = False
            for name in entry.offers:
                c = self._agents[name]
                c.offered.discard(item_id)
                out.append(Revoke(item_id, name))
                self._refresh(c)
                freed.append(name)
            entry.offers.clear()
        return freed

    def _give(self, entry: _Entry, c: Candidate, out: list[Decision]) -> None:
        """Offer (or allocate) the item to the agent."""
        name, item = c.agent.name, entry.item
        lane = self._lane(item.workgroup)
        self._tick += 1
        lane.served[name] = self._tick
        if item.allocate:
            entry.owner = name
            entry.declined.clear()
            c.owned.add(item.id)
            lane.remove_waiting(entry.key)
            out.append(Allocate(item.id, name))
        else:
            entry.offers[name] = None
            c.offered.add(item.id)
            out.append(Offer(item.id, name))
        self._sync(entry)
        self._refresh(c)

    def _withdraw(self, entry: _Entry, name: str, out: list[Decision], revoke: bool) -> None:
        """Take back an offer; the item needs an agent again (unless owned)."""
        del entry.offers[name]
        c = self._agents[name]
        c.offered.discard(entry.item.id)
        if revoke:
            out.append(Revoke(entry.item.id, name))
        self._sync(entry)
        self._refresh(c)

    def _trim(self, c: Candidate, out: list[Decision]) -> list[_Entry]:
        """Revoke offers, least urgent first, until the agent is within its capacity."""
        revoked: list[_Entry] = []
        for entry in reversed(self._offered_entries(c)):
            if c.load <= c.agent.capacity:
                break
            self._withdraw(entry, c.agent.name, out, revoke=True)
            revoked.append(entry)
        return revoked

    def _turn_down(self, item_id: int, agent: str) -> list[Decision]:
        entry = self._entry(item_id)
        self._require_offer(entry, agent)
        out: list[Decision] = []
        self._withdraw(entry, agent, out, revoke=False)
        entry.declined.add(agent)
        self._settle(out, [agent], [entry])
        return out

    def _settle(self, out: list[Decision], freed: Iterable[str], entries: list[_Entry]) -> None:
        """Restore the invariant after agents got room and items came to need agents.

        Items in need first go to the agents who had room before (for whom, by the
        invariant, nothing else waits), unless their preferred agent just got room;
        then agents who just got room take the most urgent items they have not
        declined; then items still in need go to anyone left (decliners last);
        then agents still with room may take back items they declined, since no
        one else can.
        """
        agents = [self._agents[n] for n in dict.fromkeys(freed) if n in self._agents]
        names = {c.agent.name for c in agents}
        waiting = sorted(entries, key=lambda e: e.key)
        for entry in waiting:
            preferred = entry.item.preferred
            if preferred in names and self._agents[preferred].ready_in:
                continue
            if self._entries.get(entry.item.id) is entry:
                self._route(entry, out, names)
        self._serve(agents, out, declined_ok=False)
        for entry in waiting:
            if self._entries.get(entry.item.id) is entry:
                self._route(entry, out)
        self._serve(agents, out, declined_ok=True)

    def _route(
        self, entry: _Entry, out: list[Decision], passed: AbstractSet[str] = frozenset()
    ) -> None:
        """Offer the item to the best eligible agents with room, as many as it needs,
        leaving out the ``passed`` agents."""
        need = entry.needs()
        if need <= 0:
            return
        item = entry.item
        ready = self._ready.get(item.workgroup)
        if not ready:
            return
        lane = self._lane(item.workgroup)
        effective = lane.effective(entry.requirement)
        candidates = []
        for name in ready:
            if name in entry.offers or name in item.excluded or name in passed:
                continue
            c = self._agents[name]
            if meets(c.agent.skills, effective):
                candidates.append(c)
        if entry.declined and (
            entry.offers or any(c.agent.name not in entry.declined for c in candidates)
        ):
            # A decliner gets the item again only when no one else can take it.
            candidates = [c for c in candidates if c.agent.name not in entry.declined]
        if not candidates:
            return
        rank = ranking(
            lane.queue.distribution, effective, item.preferred, entry.declined, lane.served
        )
        if need == 1:
            chosen = [min(candidates, key=rank)]
        else:
            chosen = heapq.nsmallest(need, candidates, key=rank)
        for c in chosen:
            self._give(entry, c, out)

    def _serve(self, agents: list[Candidate], out: list[Decision], declined_ok: bool) -> None:
        """Give agents with room the most urgent items they are eligible for.

        Items go out in routing order across all these agents; when several of
        them would take the same item next, the item's ranking (preferred agent,
        then the queue's distribution) chooses among them.
        """
        best: dict[str, _Entry | None] = {
            c.agent.name: self._most_urgent(c, declined_ok) for c in agents if c.ready_in
        }
        while True:
            entry: _Entry | None = None
            for candidate in best.values():
                if candidate is not None and (entry is None or candidate.key < entry.key):
                    entry = candidate
            if entry is None:
                return
            takers = [self._agents[n] for n, e in best.items() if e is entry]
            lane = self._lane(entry.item.workgroup)
            rank = ranking(
                lane.queue.distribution,
                lane.effective(entry.requirement),
                entry.item.preferred,
                entry.declined,
                lane.served,
            )
            for c in heapq.nsmallest(max(entry.needs(), 1), takers, key=rank):
                self._give(entry, c, out)
            for c in takers:
                best[c.agent.name] = self._most_urgent(c, declined_ok) if c.ready_in else None

    def _most_urgent(self, c: Candidate, declined_ok: bool) -> _Entry | None:
        """The first item in routing order, across the agent's queues, it may be offered.

        Items the agent declined count only with ``declined_ok`` and while nobody
        else holds an offer of them.
        """
        name, skills = c.agent.name, c.agent.skills
        best: _Entry | None = None
        best_key: Key | None = None
        for workgroup in c.ready_in:
            lane = self._lanes.get(workgroup)
            if lane is None:
                continue
            for bucket in lane.buckets.values():
                if best_key is not None and bucket.keys[0] >= best_key:
                    continue
                if not meets(skills, bucket.effective):
                    continue
                for key in bucket.keys:
                    if best_key is not None and key >= best_key:
                        break
                    entry = self._entries[key[2]]
                    if name in entry.offers or name in entry.item.excluded:
                        continue
                    if name in entry.declined and (not declined_ok or entry.offers):
                        continue
                    best, best_key = entry, key
                    break
        return best
