"""Server parameters: everyone signed in reads them.

openpas reads its parameters at start from the configuration file and the
environment (``openpas parameters`` lists them); they cannot be changed while
the server runs, so the API is read-only and says so in ``read_only``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.config import PARAMETERS

router = APIRouter(tags=["parameters"], responses=API_PROBLEMS)


def _plain(value: Any) -> Any:
    return value if isinstance(value, bool | int | float | str) or value is None else str(value)


@router.get(
    "/parameters",
    summary="The server parameters (read-only: set them in the configuration and restart)",
    response_model=schemas.ParametersOut,
)
def parameters(ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> schemas.ParametersOut:
    return schemas.ParametersOut(
        read_only=True,
        parameters=[
            schemas.ParameterOut(
                name=param.name,
                value=_plain(ctx.settings[param.name]),
                default=_plain(param.default),
                unit=param.unit,
                description=param.doc,
            )
            for param in PARAMETERS
        ],
    )
