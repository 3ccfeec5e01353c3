"""Schemathesis against the app's OpenAPI document, in-process, as an administrator.

Generated requests must never get a server error, and every response must be
documented: its status, its content type and its body's schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import BaseSchema, Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from openpas.api.app import create_app
from openpas.api.server import Server
from openpas.config import load_config
from openpas.security import auth, tokens

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.filterwarnings(
    # Schemathesis drives ASGI apps through Starlette's TestClient, which warns about httpx.
    "ignore::DeprecationWarning"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    server = Server(load_config(None, tmp_path_factory.mktemp("openapi"), None), EXAMPLES)
    server.start()
    # Several tokens: a generated DELETE /tokens/{id} may revoke one, not all of them.
    secrets = [
        tokens.create_token(server.node.ctx, auth.local_operator("tests"), "admin", f"t{i}", None)[
            1
        ]
        for i in range(5)
    ]
    app = create_app(server, pages=False)
    try:
        yield app, secrets[-1]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_schema(served: tuple[FastAPI, str]) -> BaseSchema:
    app, _ = served
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    # The event stream never ends; its own tests read it with a timeout.
    return schema.exclude(path="/api/v1/events")


def test_the_api_conforms_to_its_openapi_document(
    api_schema: BaseSchema, served: tuple[FastAPI, str]
) -> None:
    _, secret = served
    failures = []
    count = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        count += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # every operation's failure is collected, then shown at once
            failures.append(f"{operation.label}: {exc}")
    assert count > 30, f"only {count} operations in the OpenAPI document"
    assert not failures, "\n\n".join(failures)
