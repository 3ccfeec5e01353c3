"""How a queue orders the agents eligible for one item.

The item's preferred agent comes first (retain familiar); agents who declined
the item or let its offer time out in this round come last; in between, the
queue's distribution decides. Every order ends on the agent's name, so the
choice never depends on the order in which agents were stored.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass, field

from openpas.routing.lanes import Requirement
from openpas.routing.model import Agent, Distribution

Rank = tuple[int, int, float, str]
"""``(tier, distribution measure, idle since as a timestamp, name)``: smaller goes first."""

PREFERRED, OTHERS, DECLINED = 0, 1, 2


@dataclass
class Candidate:
    """An agent as the ranking sees it.

    Attributes:
        agent: the agent.
        idle: ``agent.idle_since`` as a timestamp (cached: it is compared often).
        owned: ids of the items the agent owns.
        offered: ids of the items offered to the agent.
        ready_in: the workgroups whose set of ready agents holds the agent.
    """

    agent: Agent
    idle: float
    owned: set[int] = field(default_factory=set)
    offered: set[int] = field(default_factory=set)
    ready_in: frozenset[str] = frozenset()

    @property
    def load(self) -> int:
        """Items owned plus items offered."""
        return len(self.owned) + len(self.offered)


def ranking(
    distribution: Distribution,
    requirement: Requirement,
    preferred: str | None,
    declined: Set[str],
    served: dict[str, int],
) -> Callable[[Candidate], Rank]:
    """The sort key of the agents eligible for one item.

    Args:
        distribution: the queue's distribution.
        requirement: the skills the item needs (merged with the queue's), for "best skill".
        preferred: the item's preferred agent, if any.
        declined: agents who declined the item in this offer round.
        served: round robin: when each agent last got an item from this queue.
    """

    def tier(name: str) -> int:
        if name in declined:
            return DECLINED
        return PREFERRED if name == preferred else OTHERS

    if distribution == "best skill":

        def best_skill(c: Candidate) -> Rank:
            skills = c.agent.skills
            total = sum(skills.get(skill, 0) for skill, _ in requirement)
            return (tier(c.agent.name), -total, c.idle, c.agent.name)

        return best_skill
    if distribution == "shortest queue":
        return lambda c: (tier(c.agent.name), c.load, c.idle, c.agent.name)
    if distribution == "round robin":
        # Least recently served by this queue first; never served agents by name.
        return lambda c: (tier(c.agent.name), served.get(c.agent.name, -1), 0.0, c.agent.name)
    return lambda c: (tier(c.agent.name), 0, c.idle, c.agent.name)
