"""The problem responses every API route documents in OpenAPI."""

from __future__ import annotations

from typing import Any

from openpas.api.problems import MEDIA_TYPE

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["title", "status", "detail"],
}

_MEANINGS = {
    400: "The request cannot be read",
    401: "Not signed in, or the session, token or CSRF token is not valid",
    403: "Signed in, but not allowed to do this",
    404: "No such thing (or not yours to see)",
    409: "The thing is not in a state that allows this now",
    422: "Invalid input: the problem document lists what and why",
    429: "Too many failed sign-ins; wait (Retry-After)",
    503: "The server is not ready (restoring its flows)",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these problem statuses (all of them without arguments)."""
    chosen = codes or tuple(_MEANINGS)
    return {
        code: {"description": _MEANINGS[code], "content": {MEDIA_TYPE: {"schema": _PROBLEM_SCHEMA}}}
        for code in chosen
    }


API_PROBLEMS = problems()
"""What any ``/api/v1`` route may answer besides its success."""
