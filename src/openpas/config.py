"""Server parameters and configuration.

Named parameters follow the reference product (``PAS_DepthThreshold``...). Each
has a type, a default, a minimum where one makes sense, and a sentence of
documentation. Values come from, in increasing priority: the defaults, the
``parameters:`` section of the configuration file, and the environment
(``OPENPAS_`` plus the name in upper case with spaces as underscores, e.g.
``OPENPAS_PAS_MAXIMUM_MONITORED_FLOWS``; the bare name works too where the
shell allows it, e.g. ``PAS_DepthThreshold``).
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from openpas.errors import OpenpasError
from openpas.model.naming import suggest

TRUE_WORDS = frozenset({"true", "1", "yes", "t", "y", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "f", "n", "off"})


class ConfigError(OpenpasError):
    """The configuration is not valid."""


@dataclass(frozen=True)
class Parameter:
    """A named server parameter."""

    name: str
    kind: type
    default: Any
    doc: str
    minimum: float | None = None
    unit: str = ""

    @property
    def env_name(self) -> str:
        return "OPENPAS_" + self.name.upper().replace(" ", "_")

    def parse(self, raw: Any, where: str) -> Any:
        """The value of ``raw`` for this parameter; ConfigError naming ``where`` when invalid."""
        if self.kind is bool:
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ConfigError(
                f"{where}: {self.name} must be true or false (True, 1, Yes, T... or False, 0, "
                f"No, F...), not {raw!r}"
            )
        what = "a whole number" if self.kind is int else "a number"
        refused = ConfigError(f"{where}: {self.name} must be {what}, not {raw!r}")
        # int(True) is 1 and int(2.5) is 2: YAML's booleans and fractions would pass unnoticed.
        if isinstance(raw, bool) or (
            self.kind is int and isinstance(raw, float) and not raw.is_integer()
        ):
            raise refused
        try:
            value = self.kind(str(raw).strip()) if isinstance(raw, str) else self.kind(raw)
        except (TypeError, ValueError, OverflowError):
            raise refused from None
        if isinstance(value, float) and not math.isfinite(value):
            raise refused
        if self.minimum is not None and value < self.minimum:
            raise ConfigError(
                f"{where}: {self.name} is {value}{self.unit}, below its minimum of "
                f"{self.minimum:g}{self.unit}"
            )
        return value


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "PAS_blockLaunchDuringRestore",
        bool,
        False,
        "Block new launches until the flows owned by this server are restored after a start.",
    ),
    Parameter(
        "PAS_DepthThreshold",
        int,
        10,
        "How many levels of Run Process a flow may spawn before it fails for excessive recursion.",
        minimum=1,
    ),
    Parameter(
        "PAS_HandlerResponseTimeout",
        float,
        30.0,
        "Seconds Run Handler waits for a handler's reply when the action sets no timeout; "
        "0 waits without limit.",
        minimum=0,
        unit=" s",
    ),
    Parameter(
        "PAS Maximum Monitored Flows",
        int,
        5000,
        "The most flows one monitor filter may match; a looser filter is refused.",
        minimum=100,
    ),
    Parameter(
        "PAS_LoadBalanceThreshold",
        int,
        5000,
        "Flows a server owns before new flows go to the least loaded server of the cluster.",
        minimum=1000,
    ),
    Parameter(
        "ConnectIPAEnabled",
        bool,
        False,
        "Show 'Start a Process' in the web client.",
    ),
)
BY_NAME = {p.name: p for p in PARAMETERS}


@dataclass(frozen=True)
class Settings:
    """The values of the server parameters."""

    values: Mapping[str, Any] = field(
        default_factory=lambda: {p.name: p.default for p in PARAMETERS}
    )

    def __getitem__(self, name: str) -> Any:
        if name not in BY_NAME:
            raise KeyError(f"unknown server parameter {name!r}{suggest(name, BY_NAME)}")
        return self.values[name]

    @property
    def depth_threshold(self) -> int:
        return int(self["PAS_DepthThreshold"])

    @property
    def handler_timeout(self) -> float | None:
        """Seconds, or None for no limit."""
        seconds = float(self["PAS_HandlerResponseTimeout"])
        return None if seconds == 0 else seconds

    @property
    def block_launch_during_restore(self) -> bool:
        return bool(self["PAS_blockLaunchDuringRestore"])

    @property
    def max_monitored_flows(self) -> int:
        return int(self["PAS Maximum Monitored Flows"])

    @property
    def load_balance_threshold(self) -> int:
        return int(self["PAS_LoadBalanceThreshold"])

    @property
    def connect_enabled(self) -> bool:
        return bool(self["ConnectIPAEnabled"])


def settings_from(
    file_values: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    source: str = "the configuration file",
) -> Settings:
    """Settings from a configuration file's ``parameters:`` and the environment.

    Raises:
        ConfigError: an unknown parameter, or a value of the wrong type or below the minimum.
    """
    result = {p.name: p.default for p in PARAMETERS}
    for name, raw in (file_values or {}).items():
        parameter = BY_NAME.get(str(name))
        if parameter is None:
            raise ConfigError(
                f"{source}: unknown server parameter {name!r}{suggest(str(name), BY_NAME)}"
            )
        result[parameter.name] = parameter.parse(raw, source)
    env = os.environ if environ is None else environ
    for parameter in PARAMETERS:
        for key in (parameter.env_name, parameter.name):
            if key in env:
                result[parameter.name] = parameter.parse(env[key], f"environment {key}")
                break
    return Settings(result)


@dataclass(frozen=True)
class SmtpConfig:
    """The mail server Send E-Mail hands its mails to (the ``smtp:`` section)."""

    host: str = "localhost"
    port: int = 25
    sender: str = "openpas@localhost"
    """The From address of every mail."""
    starttls: bool = False
    """Upgrade the connection with STARTTLS before logging in and sending."""
    user: str | None = None
    """Log in with this user (and ``password``) when set."""
    password: str | None = field(default=None, repr=False)
    """Never logged nor shown: ``repr`` leaves it out."""
    timeout: float = 30.0
    """Seconds to wait for the mail server at each exchange."""


SMTP_KEYS = ("host", "port", "sender", "starttls", "user", "password", "timeout")


def smtp_from(raw: Any, source: str) -> SmtpConfig:
    """The ``smtp:`` section of a configuration file.

    Raises:
        ConfigError: not a mapping, an unknown key, or a value of the wrong kind.
    """
    if raw is None:
        return SmtpConfig()
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: smtp must be a mapping of {', '.join(SMTP_KEYS)}")
    for key in raw:
        if key not in SMTP_KEYS:
            raise ConfigError(
                f"{source}: unknown smtp setting {key!r}{suggest(str(key), SMTP_KEYS)}"
            )
    defaults = SmtpConfig()

    def text(key: str, default: str | None) -> str | None:
        value = raw.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            shown = "a value" if key == "password" else repr(value)  # a password is never shown
            raise ConfigError(f"{source}: smtp {key} must be a non-empty text, not {shown}")
        return value if key == "password" else value.strip()

    port = Parameter("smtp port", int, defaults.port, "", minimum=1).parse(
        raw.get("port", defaults.port), source
    )
    if port > 65535:
        raise ConfigError(f"{source}: smtp port is {port}, above the largest port 65535")
    sender = text("sender", defaults.sender)
    assert sender is not None
    if "@" not in sender:
        raise ConfigError(f"{source}: smtp sender {sender!r} is not an address such as a@b.com")
    user, password = text("user", None), text("password", None)
    if (user is None) != (password is None):
        raise ConfigError(f"{source}: smtp user and password go together; give both or neither")
    host = text("host", defaults.host)
    assert host is not None
    return SmtpConfig(
        host=host,
        port=port,
        sender=sender,
        starttls=Parameter("smtp starttls", bool, False, "").parse(
            raw.get("starttls", False), source
        ),
        user=user,
        password=password,
        timeout=Parameter("smtp timeout", float, defaults.timeout, "", minimum=0.1).parse(
            raw.get("timeout", defaults.timeout), source
        ),
    )


@dataclass(frozen=True)
class ServerConfig:
    """Where the server keeps its data, and how it behaves."""

    data_dir: Path
    database_url: str | None
    settings: Settings
    handlers: Mapping[str, str] = field(default_factory=dict)
    """Handler name -> ``module:function``, in addition to the ``openpas.handlers`` entry points."""
    given_storage_id: str | None = None
    """OPENPAS_STORAGE_ID of the environment the configuration was loaded from."""
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    """The mail server of Send E-Mail."""

    @property
    def uses_default_database(self) -> bool:
        return self.database_url is None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'openpas.db'}"

    def storage_id(self) -> str:
        """This server's storage id: from OPENPAS_STORAGE_ID, else kept in the data folder."""
        given = self.given_storage_id or os.environ.get("OPENPAS_STORAGE_ID")
        if given:
            try:
                return str(uuid.UUID(given))
            except ValueError:
                raise ConfigError(f"OPENPAS_STORAGE_ID {given!r} is not a UUID") from None
        path = self.data_dir / "storage-id"
        if path.exists():
            text = path.read_text(encoding="utf-8").strip()
            try:
                return str(uuid.UUID(text))
            except ValueError:
                raise ConfigError(
                    f"{path} does not hold a UUID; delete it to make a new one"
                ) from None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        new = str(uuid.uuid4())
        path.write_text(new + "\n", encoding="utf-8")
        return new


def load_config(
    path: str | Path | None = None,
    data_dir: str | Path | None = None,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ServerConfig:
    """The configuration from a YAML file (optional), the environment and explicit values.

    The file may hold ``database: URL``, ``data dir: PATH``, ``parameters: {...}``,
    ``handlers: {name: module:function}`` and ``smtp: {host, port, sender, starttls,
    user, password, timeout}``.

    Raises:
        ConfigError: the file cannot be read or holds something invalid.
    """
    env = os.environ if environ is None else environ
    content: dict[str, Any] = {}
    source = "the configuration"
    if path is not None:
        file = Path(path)
        source = str(file)
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"no such configuration file: {file}") from None
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read {file}: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{file}: expected a mapping of settings")
        content = loaded or {}
        known = {"database", "data dir", "parameters", "handlers", "smtp"}
        for key in content:
            if key not in known:
                raise ConfigError(f"{file}: unknown setting {key!r}{suggest(str(key), known)}")
    parameters = content.get("parameters") or {}
    handlers = content.get("handlers") or {}
    if not isinstance(parameters, dict) or not isinstance(handlers, dict):
        raise ConfigError(f"{source}: parameters and handlers must be mappings")
    folder = Path(data_dir or env.get("OPENPAS_DATA_DIR") or content.get("data dir") or "data")
    url = database_url or env.get("OPENPAS_DATABASE_URL") or content.get("database")
    return ServerConfig(
        data_dir=folder,
        database_url=str(url) if url else None,
        settings=settings_from(parameters, env, source),
        handlers={str(k): str(v) for k, v in handlers.items()},
        given_storage_id=env.get("OPENPAS_STORAGE_ID") or None,
        smtp=smtp_from(content.get("smtp"), source),
    )
