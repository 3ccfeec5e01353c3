"""``openpas serve``: the whole server — engine, REST API, web pages — on one port.

With no configuration at all it runs on a fresh clone: SQLite in ``data/``,
the sample directory and processes of ``examples/`` published on the first
start, and a first administrator whose one-time password is printed once.
SIGTERM or Ctrl+C stops it gracefully: requests and the steps in progress
finish, event streams end, then the engine stops.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from openpas.api.app import create_app
from openpas.api.server import Server
from openpas.cli.server_commands import ConfigOption, DataOption, DbOption
from openpas.config import load_config

GRACE_SECONDS = 20
"""How long open requests (an event stream, a long launch) may take to finish on stopping."""


def _samples(given: Path | None) -> Path | None:
    if given is not None:
        if not given.is_dir():
            raise typer.BadParameter(
                f"the sample folder {given} does not exist", param_hint="--samples"
            )
        return given
    default = Path("examples")
    return default if default.is_dir() else None


class _Uvicorn(uvicorn.Server):
    """uvicorn, telling the app it is stopping as soon as a signal comes.

    uvicorn waits for open connections before it runs the app's shutdown; an
    event stream never ends on its own, so it must learn of the stop first.
    """

    def handle_exit(self, sig: int, frame: object) -> None:
        app = self.config.app
        stopping = getattr(getattr(app, "state", None), "shutting_down", None)
        if stopping is not None:
            stopping.set()
        super().handle_exit(sig, frame)  # type: ignore[arg-type]
        # uvicorn raises the signal again after its shutdown, which would end the
        # process with "killed by SIGTERM"; a graceful stop is a success (exit 0).
        captured = getattr(self, "_captured_signals", None)
        if isinstance(captured, list):
            captured.clear()


def serve(
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    host: Annotated[
        str, typer.Option("--host", envvar="OPENPAS_HOST", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", envvar="OPENPAS_PORT", min=0, max=65535, help="The port.")
    ] = 8080,
    samples: Annotated[
        Path | None,
        typer.Option(
            "--samples",
            envvar="OPENPAS_SAMPLES",
            help="Directory and processes loaded on a first start (default: ./examples).",
        ),
    ] = None,
) -> None:
    """Run the server: the engine, the REST API at /api/v1 and the web pages."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    server = Server(load_config(config, data_dir, db), _samples(samples))
    server.start()
    first = server.administrator
    if first is not None and first.password:
        print(
            f"openpas: the first administrator is {first.user!r} with the one-time password "
            f"{first.password} (shown once; you will choose your own at the first sign-in)",
            flush=True,
        )
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host  # noqa: S104
    print(f"openpas is running: open http://{shown}:{port}/", flush=True)
    app = create_app(server)
    settings = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=True,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    try:
        _Uvicorn(settings).run()
    finally:
        if not app.state.shutting_down.is_set():  # uvicorn failed before the lifespan ran
            server.stop()
    print("openpas stopped", file=sys.stderr, flush=True)
