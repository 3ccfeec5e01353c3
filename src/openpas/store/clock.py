"""Times as stored: always UTC, always with a zone, whatever the database returns."""

from __future__ import annotations

import datetime as dt
from typing import overload


@overload
def aware(value: dt.datetime) -> dt.datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes for what was written in UTC; give them their zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
