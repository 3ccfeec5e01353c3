"""Monitor filters: which flows a user wants to watch.

The monitor watches no flow by default: a user describes the flows they want
with a :class:`Filter`, and :func:`openpas.monitor.service.matching` lists them.
Every field is optional; the flows shown match all the fields given. Filters
can be saved under a name per user (:func:`save_filter`), as JSON, so a later
release may add fields without breaking them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from openpas.engine.position import Status
from openpas.monitor.errors import InvalidFilter, NotFound
from openpas.security.principal import Principal
from openpas.security.rights import require_monitor
from openpas.service.context import Context
from openpas.store import monitor as store

WAIT_KINDS = ("work item", "timer", "call", "subprocess")
"""What a waiting flow can wait on (``Filter.waiting_kind``)."""
STATUSES = tuple(s.value for s in Status)
MAX_NAME = 100
MAX_TEXT = 200


class Filter(BaseModel):
    """Which flows to show; every field given must match (an empty filter matches all).

    Attributes:
        process: the process's name.
        version: the process's version number.
        statuses: any of these statuses (``waiting``, ``error``...).
        state: the flow's current state.
        originator: the user who started the flow.
        details: text the dynamic details contain, ignoring case (the details as the
            asker sees them: without the variables they may not see).
        waiting_on_user: the flow waits on a work item this user has (picked up or
            held, or sent to them and not picked up yet).
        waiting_on_workgroup: the flow waits on a work item of this workgroup's queue.
        waiting_kind: the flow waits on a ``work item``, a ``timer``, a ``call`` or a
            ``subprocess``.
        started_from: started at or after this time (with a time zone).
        started_to: started before this time (with a time zone).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    process: str | None = None
    version: int | None = None
    statuses: tuple[str, ...] = ()
    state: str | None = None
    originator: str | None = None
    details: str | None = None
    waiting_on_user: str | None = None
    waiting_on_workgroup: str | None = None
    waiting_kind: str | None = None
    started_from: dt.datetime | None = None
    started_to: dt.datetime | None = None

    @field_validator(
        "process",
        "state",
        "originator",
        "details",
        "waiting_on_user",
        "waiting_on_workgroup",
        "waiting_kind",
        mode="before",
    )
    @classmethod
    def _text(cls, value: Any) -> Any:
        # A blank form field means "any": web forms send every field.
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if len(value) > MAX_TEXT:
                raise ValueError(f"is {len(value)} characters long; at most {MAX_TEXT} expected")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"is {value}; a version number is 1 or more")
        return value

    @field_validator("statuses", mode="before")
    @classmethod
    def _statuses(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        chosen = [str(v).strip() for v in value if str(v).strip()]
        unknown = [s for s in chosen if s not in STATUSES]
        if unknown:
            raise ValueError(
                f"{', '.join(repr(s) for s in unknown)} is not a status; "
                f"expected some of {', '.join(STATUSES)}"
            )
        return tuple(dict.fromkeys(chosen))

    @field_validator("waiting_kind")
    @classmethod
    def _kind(cls, value: str | None) -> str | None:
        if value is not None and value not in WAIT_KINDS:
            raise ValueError(
                f"{value!r} is not a wait kind; expected one of {', '.join(WAIT_KINDS)}"
            )
        return value

    @field_validator("started_from", "started_to")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(
                f"{value.isoformat()} has no time zone; give one (2030-01-07T09:00:00+00:00)"
            )
        return value

    @model_validator(mode="after")
    def _window(self) -> Filter:
        if (
            self.started_from is not None
            and self.started_to is not None
            and self.started_to <= self.started_from
        ):
            raise ValueError(
                f"the start window ends ({self.started_to.isoformat()}) before it begins "
                f"({self.started_from.isoformat()})"
            )
        return self

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Filter:
        """A filter from plain data (a saved filter, a query string, a JSON body).

        Raises:
            InvalidFilter: one sentence per bad field, naming the field and the value.
        """
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise InvalidFilter(describe(exc)) from None

    def as_data(self) -> dict[str, Any]:
        """The fields that are set, as JSON-ready data (for saving)."""
        return self.model_dump(mode="json", exclude_defaults=True)


def describe(exc: ValidationError) -> str:
    """The problems of a filter, one sentence each."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "filter"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            known = ", ".join(Filter.model_fields)
            message = f"is not a filter field; the fields are {known}"
        parts.append(f"{field}: {message} (got {error.get('input')!r})")
    return "the filter is not valid: " + "; ".join(parts)


# ---------------------------------------------------------------------- saved filters


@dataclass(frozen=True)
class SavedFilter:
    """A filter a user saved under a name."""

    name: str
    filter: Filter
    created_at: dt.datetime
    updated_at: dt.datetime


def save_filter(ctx: Context, p: Principal, name: str, chosen: Filter) -> bool:
    """Save ``chosen`` as ``p`` 's filter ``name`` (replacing one of that name); True when new.

    Raises:
        NotAllowed: ``p`` has no monitor licence. InvalidFilter: the name is blank or long.
    """
    require_monitor(p, "save monitor filters")
    clean = _name(name)
    with ctx.db.begin() as conn:
        return store.save_filter(conn, p.user, clean, chosen.as_data(), ctx.clock())


def filters(ctx: Context, p: Principal) -> list[SavedFilter]:
    """``p`` 's saved filters, by name (a filter a later release cannot read is skipped)."""
    require_monitor(p, "use monitor filters")
    with ctx.read() as conn:
        rows = store.filters_of(conn, p.user)
    found = []
    for row in rows:
        try:
            chosen = Filter.parse(row.definition)
        except InvalidFilter:
            continue
        found.append(SavedFilter(row.name, chosen, row.created_at, row.updated_at))
    return found


def saved_filter(ctx: Context, p: Principal, name: str) -> Filter:
    """``p`` 's filter ``name``.

    Raises:
        NotFound: ``p`` has no filter of that name (the message lists theirs).
    """
    mine = {f.name: f.filter for f in filters(ctx, p)}
    if name not in mine:
        listing = ", ".join(repr(n) for n in mine) or "none"
        raise NotFound(f"{p.user} has no saved filter {name!r}; their filters: {listing}")
    return mine[name]


def delete_filter(ctx: Context, p: Principal, name: str) -> None:
    """Delete ``p`` 's filter ``name``.

    Raises:
        NotFound: ``p`` has no filter of that name.
    """
    require_monitor(p, "use monitor filters")
    with ctx.db.begin() as conn:
        if not store.delete_filter(conn, p.user, name):
            raise NotFound(f"{p.user} has no saved filter {name!r}")


def _name(name: str) -> str:
    clean = name.strip()
    if not clean:
        raise InvalidFilter("a saved filter needs a name, got a blank one")
    if len(clean) > MAX_NAME:
        raise InvalidFilter(
            f"the filter name {clean[:20]!r}... is {len(clean)} characters long; "
            f"at most {MAX_NAME} expected"
        )
    return clean
