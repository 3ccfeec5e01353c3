"""One router per resource of the REST API (mounted under ``/api/v1``)."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
