"""What every command prints the same way: errors, JSON documents, files written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer

USAGE = 2
"""The exit status of a mistake in the command line itself (a bad --set, an unknown format)."""
FAILED = 1
"""The exit status when the command ran but the answer is no (invalid document, failed flow)."""


def fail(message: str, code: int = FAILED) -> NoReturn:
    """Print ``openpas: error: message`` on stderr and exit with ``code``."""
    print(f"openpas: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def print_json(document: Any) -> None:
    """Print a JSON document on stdout."""
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


def write_text(text: str, target: Path | None) -> None:
    """Write ``text`` to ``target``, or to stdout when there is none."""
    if target is None:
        sys.stdout.write(text)
        return
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    print(f"wrote {target}", file=sys.stderr)
