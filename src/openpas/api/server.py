"""The composition root of ``openpas serve``: storage, engine, people, security, samples."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from openpas.config import ServerConfig
from openpas.directory import service as directory
from openpas.errors import DefinitionError
from openpas.security.bootstrap import FirstAdministrator, ensure_administrator
from openpas.service import processes
from openpas.service.node import Node
from openpas.service.runner import RestoreReport

log = logging.getLogger("openpas.server")


@dataclass
class Server:
    """One openpas server: a Node (storage, engine, work items) plus what people need."""

    config: ServerConfig
    samples: Path | None = None
    """A folder with ``directory.yaml`` and process documents to load on a first start."""
    node: Node = field(init=False)
    administrator: FirstAdministrator | None = None
    restore: RestoreReport | None = None

    def __post_init__(self) -> None:
        self.node = Node(self.config)

    @property
    def ctx(self):  # type: ignore[no-untyped-def]
        return self.node.ctx

    def first_start(self) -> None:
        """On an empty server: the sample directory and processes, and the administrator."""
        ctx = self.node.ctx
        if self.samples is not None and not directory.snapshot(ctx).users:
            people = self.samples / "directory.yaml"
            if people.exists():
                directory.import_file(ctx, self.node.bus, people)
                log.info("loaded the sample directory %s", people)
        if self.samples is not None and not processes.listing(ctx):
            for document in sorted(self.samples.glob("*.yaml")):
                if document.name == "directory.yaml":
                    continue
                try:
                    record, _ = processes.publish(
                        ctx, document.read_text(encoding="utf-8"), "admin", str(document)
                    )
                except DefinitionError as exc:
                    log.warning("sample %s not published: %s", document, exc.message)
                    continue
                log.info("published the sample %s version %d", record.name, record.version)
        self.administrator = ensure_administrator(ctx, self.node.bus)

    def start(self) -> None:
        self.first_start()
        self.restore = self.node.start()

    def stop(self) -> None:
        self.node.stop()
