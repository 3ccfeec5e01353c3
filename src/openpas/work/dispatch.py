"""Keeping the router and the work item rows in step.

The router (pure, in memory) decides who gets which item; this module feeds it
the directory and the open items, and writes each decision to the rows (an
offer, a revoked offer, an allocation), then publishes it. After a restart
the router is rebuilt from the rows: owned items are owned again, items that
were only offered go back to their queue and are offered anew.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from openpas import metrics
from openpas.directory.model import Directory, Licence
from openpas.events import Bus
from openpas.routing import decisions as d
from openpas.routing.errors import RoutingError, UnknownItem
from openpas.routing.model import Agent, Item, Queue
from openpas.routing.router import Router
from openpas.service.context import Context
from openpas.store import work as store
from openpas.store.records import WorkItemRecord

log = logging.getLogger("openpas.work")

WAIT_AGENT = "acd-wait-agent"


def agent_of(directory: Directory, name: str, now: dt.datetime) -> Agent:
    """The router's view of a user: licence, memberships, skills, availability, capacity."""
    user = directory.user(name)
    state = directory.state(name)
    return Agent(
        name=name,
        licence=int(user.licence),
        workgroups=frozenset(g.name for g in directory.workgroups_of(name)),
        skills=dict(user.skills),
        available=directory.is_available(name),
        capacity=user.utilization,
        idle_since=state.since if state is not None else now,
    )


def queue_of(directory: Directory, name: str) -> Queue:
    group = directory.workgroup(name)
    return Queue(name, dict(group.skills), group.distribution)  # type: ignore[arg-type]


def item_of(record: WorkItemRecord) -> Item:
    options = record.options
    return Item(
        id=record.id,
        workgroup=record.workgroup or "",
        skills=dict(record.skills),
        priority=record.priority,
        queued_at=record.queued_at,
        excluded=frozenset(options.get("excluded", ())),
        preferred=options.get("preferred"),
        offer_to=int(options.get("offer_to", 1)),
        allocate=bool(options.get("allocate", False)),
    )


class Dispatcher:
    """The router of this server, and how its decisions reach the rows."""

    def __init__(self, ctx: Context, bus: Bus, people: Callable[[], Directory]) -> None:
        self.ctx = ctx
        self.bus = bus
        self.people = people
        self.router = Router()

    def rebuild(self) -> None:
        """Load agents, queues and the open workgroup items from the rows.

        Owned items count toward their agent's load again, offers stand as they
        were (an offer the agent can no longer hold is revoked), and waiting items
        are routed in routing order. Rebuilding from rows that agree with the
        router changes nothing, so any process may rebuild at any time.
        """
        now = self.ctx.clock()
        self.router = Router()
        directory = self.people()
        for name in directory.workgroups:
            self.router.set_queue(queue_of(directory, name))
        for name in directory.users:
            self.router.set_agent(agent_of(directory, name, now))
        with self.ctx.db.begin() as conn:
            records = [r for r in store.open_items(conn) if r.routing == "workgroup"]
            decided: list[d.Decision] = []
            waiting: list[WorkItemRecord] = []
            for record in records:
                if record.status == "in-progress" and record.owner:
                    if record.owner in directory.users:
                        decided += self.router.own(item_of(record), record.owner)
                elif record.status in (WAIT_AGENT, "new"):
                    waiting.append(record)
            offered = [r for r in waiting if r.offered_to]
            for record in offered:
                decided += self.router.restore_offers(item_of(record), record.offered_to)
            self.apply(conn, decided, now)
            # Routing order: the most urgent item first gets the agents with room.
            queued = sorted(
                (r for r in waiting if not r.offered_to),
                key=lambda r: (-r.priority, r.queued_at, r.id),
            )
            for record in queued:
                self.apply(conn, self.router.enqueue(item_of(record), now), now)

    def sync_people(self, users: Iterable[str] | None = None) -> None:
        """The directory changed: update agents (all, or these) and queues, route at once."""
        now = self.ctx.clock()
        directory = self.people()
        decided: list[d.Decision] = []
        for name in directory.workgroups:
            decided += self.router.set_queue(queue_of(directory, name)) or []
        names = directory.users if users is None else [u for u in users if u in directory.users]
        for name in names:
            decided += self.router.set_agent(agent_of(directory, name, now))
        if decided:
            with self.ctx.db.begin() as conn:
                self.apply(conn, decided, now)

    def apply(self, conn: Connection, decisions: Iterable[d.Decision], now: dt.datetime) -> None:
        """Write decisions to the rows, in order, and publish each."""
        for decision in decisions:
            record = store.get(conn, decision.item_id)
            if record is None:
                continue
            if isinstance(decision, d.Offer):
                if record.status == WAIT_AGENT:  # routing latency: queued until first offered
                    metrics.ROUTING.observe(max(0.0, (now - record.queued_at).total_seconds()))
                offered = sorted({*record.offered_to, decision.agent})
                seconds = record.options.get("offer_timeout")
                expires = now + dt.timedelta(seconds=float(seconds)) if seconds else None
                store.change(
                    conn, record, status="new", offered_to=offered, offer_expires_at=expires
                )
                store.add_event(conn, record.id, now, "offered", decision.agent)
                self._publish("offered", record, decision.agent)
            elif isinstance(decision, d.Revoke):
                offered = [a for a in record.offered_to if a != decision.agent]
                status = record.status
                if not offered and status == "new" and record.routing == "workgroup":
                    status = WAIT_AGENT
                store.change(
                    conn,
                    record,
                    status=status,
                    offered_to=offered,
                    offer_expires_at=record.offer_expires_at if offered else None,
                )
                store.add_event(conn, record.id, now, "offer-revoked", decision.agent)
                self._publish("revoked", record, decision.agent)
            elif isinstance(decision, d.Allocate):
                store.change(
                    conn,
                    record,
                    status="in-progress",
                    owner=decision.agent,
                    offered_to=[],
                    offer_expires_at=None,
                    picked_at=now,
                )
                store.add_event(conn, record.id, now, "allocated", decision.agent)
                self._publish("allocated", record, decision.agent)

    def _publish(self, kind: str, record: WorkItemRecord, agent: str) -> None:
        self.bus.publish(
            "work item",
            kind,
            {"id": record.id, "workgroup": record.workgroup, "flow": record.flow_id},
            {agent},
        )
        if record.workgroup:
            self.bus.publish("queue", "changed", {"workgroup": record.workgroup})

    def forget(self, item_id: int) -> list[d.Decision]:
        """Take an item out of the router wherever it is (queued, offered, owned)."""
        owner = self._owner(item_id)
        try:
            if owner is not None:
                return self.router.release(owner, item_id, self.ctx.clock())
            return self.router.cancel(item_id)
        except UnknownItem:
            return []  # held and resumed items are not counted by the router

    def release(self, agent: str, item_id: int, now: dt.datetime) -> list[d.Decision]:
        """The agent no longer works on the item (finished, held, pulled from them)."""
        try:
            return self.router.release(agent, item_id, now)
        except (UnknownItem, RoutingError):
            return self.forget(item_id)

    def _owner(self, item_id: int) -> str | None:
        try:
            return self.router.owner(item_id)
        except UnknownItem:
            return None

    def licensed(self, directory: Directory, workgroup: str) -> bool:
        return bool(directory.licensed_members(workgroup, Licence.GROUP))
