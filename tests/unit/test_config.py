"""Server parameters and the configuration file: defaults, spellings, limits, sources."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from openpas.config import PARAMETERS, ConfigError, Settings, load_config, settings_from

DEFAULTS = {
    "PAS_blockLaunchDuringRestore": False,
    "PAS_DepthThreshold": 10,
    "PAS_HandlerResponseTimeout": 30.0,
    "PAS Maximum Monitored Flows": 5000,
    "PAS_LoadBalanceThreshold": 5000,
    "ConnectIPAEnabled": False,
}


def test_every_parameter_has_its_default() -> None:
    settings = settings_from({}, {})
    assert {p.name: settings[p.name] for p in PARAMETERS} == DEFAULTS
    assert settings.block_launch_during_restore is False
    assert settings.depth_threshold == 10
    assert settings.handler_timeout == 30.0
    assert settings.max_monitored_flows == 5000
    assert settings.load_balance_threshold == 5000
    assert settings.connect_enabled is False
    assert Settings() == settings


def test_every_parameter_is_documented() -> None:
    for parameter in PARAMETERS:
        assert parameter.doc.endswith("."), parameter.name


def test_an_unknown_parameter_name_is_refused_with_a_suggestion() -> None:
    with pytest.raises(KeyError, match="unknown server parameter 'PAS_DepthTreshold'"):
        Settings()["PAS_DepthTreshold"]
    with pytest.raises(ConfigError) as caught:
        settings_from({"PAS_DepthTreshold": 3}, {})
    assert caught.value.message == (
        "the configuration file: unknown server parameter 'PAS_DepthTreshold' "
        "(did you mean 'PAS_DepthThreshold'?)"
    )


@pytest.mark.parametrize("word", ["True", "true", "TRUE", "1", "Yes", "yes", "T", "t", " y ", "on"])
def test_true_spellings(word: str) -> None:
    assert settings_from({"ConnectIPAEnabled": word}, {}).connect_enabled is True
    env = {"OPENPAS_PAS_BLOCKLAUNCHDURINGRESTORE": word}
    assert settings_from({}, env).block_launch_during_restore is True


@pytest.mark.parametrize("word", ["False", "false", "0", "No", "no", "F", "f", "n", "off"])
def test_false_spellings(word: str) -> None:
    env = {"OPENPAS_CONNECTIPAENABLED": word}
    assert settings_from({"ConnectIPAEnabled": True}, env).connect_enabled is False


def test_yaml_booleans_and_numbers_are_taken_as_they_are() -> None:
    settings = settings_from({"ConnectIPAEnabled": True, "PAS_DepthThreshold": 3}, {})
    assert settings.connect_enabled is True
    assert settings.depth_threshold == 3


def test_a_word_that_is_not_a_boolean_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({"ConnectIPAEnabled": "maybe"}, {})
    message = caught.value.message
    assert "ConnectIPAEnabled must be true or false" in message
    assert "'maybe'" in message


@pytest.mark.parametrize(
    ("name", "value", "minimum"),
    [
        ("PAS Maximum Monitored Flows", 99, "100"),
        ("PAS_LoadBalanceThreshold", 999, "1000"),
        ("PAS_DepthThreshold", 0, "1"),
    ],
)
def test_a_value_below_the_minimum_is_refused_naming_parameter_value_and_minimum(
    name: str, value: int, minimum: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({name: value}, {}, source="openpas.yaml")
    assert caught.value.message == (
        f"openpas.yaml: {name} is {value}, below its minimum of {minimum}"
    )


def test_the_minimums_themselves_are_accepted() -> None:
    settings = settings_from(
        {"PAS Maximum Monitored Flows": 100, "PAS_LoadBalanceThreshold": "1000"}, {}
    )
    assert settings.max_monitored_flows == 100
    assert settings.load_balance_threshold == 1000


def test_handler_timeout_zero_means_no_limit() -> None:
    assert settings_from({"PAS_HandlerResponseTimeout": 0}, {}).handler_timeout is None
    assert settings_from({"PAS_HandlerResponseTimeout": "0"}, {}).handler_timeout is None
    assert settings_from({"PAS_HandlerResponseTimeout": "2.5"}, {}).handler_timeout == 2.5
    with pytest.raises(ConfigError, match=r"PAS_HandlerResponseTimeout is -1.0 s, below"):
        settings_from({"PAS_HandlerResponseTimeout": -1}, {})


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("PAS_DepthThreshold", "ten", "PAS_DepthThreshold must be a whole number, not 'ten'"),
        ("PAS_DepthThreshold", "2.5", "PAS_DepthThreshold must be a whole number, not '2.5'"),
        ("PAS_DepthThreshold", 2.5, "PAS_DepthThreshold must be a whole number, not 2.5"),
        ("PAS_DepthThreshold", True, "PAS_DepthThreshold must be a whole number, not True"),
        ("PAS_DepthThreshold", [3], "PAS_DepthThreshold must be a whole number, not [3]"),
        ("PAS_HandlerResponseTimeout", "30s", "must be a number, not '30s'"),
        ("PAS_HandlerResponseTimeout", "nan", "must be a number, not 'nan'"),
        ("PAS_HandlerResponseTimeout", "inf", "must be a number, not 'inf'"),
        ("PAS_HandlerResponseTimeout", False, "must be a number, not False"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(name: str, raw: object, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({name: raw}, {})
    assert expected in caught.value.message


def test_a_whole_float_is_a_whole_number() -> None:
    assert settings_from({"PAS_DepthThreshold": 4.0}, {}).depth_threshold == 4


# ---------------------------------------------------------------------- environment


def test_the_environment_overrides_the_file() -> None:
    env = {"OPENPAS_PAS_MAXIMUM_MONITORED_FLOWS": "250", "OPENPAS_PAS_DEPTHTHRESHOLD": " 4 "}
    settings = settings_from({"PAS Maximum Monitored Flows": 6000}, env)
    assert settings.max_monitored_flows == 250
    assert settings.depth_threshold == 4


def test_the_bare_name_works_in_the_environment_too() -> None:
    settings = settings_from({}, {"PAS_DepthThreshold": "7", "PAS_LoadBalanceThreshold": "2000"})
    assert settings.depth_threshold == 7
    assert settings.load_balance_threshold == 2000


def test_the_prefixed_name_wins_over_the_bare_one() -> None:
    env = {"PAS_DepthThreshold": "7", "OPENPAS_PAS_DEPTHTHRESHOLD": "8"}
    assert settings_from({}, env).depth_threshold == 8


def test_a_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({}, {"OPENPAS_PAS_MAXIMUM_MONITORED_FLOWS": "50"})
    assert caught.value.message == (
        "environment OPENPAS_PAS_MAXIMUM_MONITORED_FLOWS: "
        "PAS Maximum Monitored Flows is 50, below its minimum of 100"
    )


def test_the_process_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENPAS_PAS_LOADBALANCETHRESHOLD", "3000")
    assert settings_from().load_balance_threshold == 3000


# ---------------------------------------------------------------------- configuration files


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "openpas.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_configuration_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "database: postgresql+psycopg://db/openpas\n"
        "data dir: /srv/openpas\n"
        "parameters:\n"
        "  PAS_DepthThreshold: 12\n"
        "  PAS Maximum Monitored Flows: 200\n"
        "  ConnectIPAEnabled: Yes\n"
        "handlers:\n"
        "  bureau.score: mypkg.bureau:score\n",
    )
    config = load_config(path, environ={})
    assert config.database_url == "postgresql+psycopg://db/openpas"
    assert config.effective_database_url == "postgresql+psycopg://db/openpas"
    assert not config.uses_default_database
    assert config.data_dir == Path("/srv/openpas")
    assert config.settings.depth_threshold == 12
    assert config.settings.max_monitored_flows == 200
    assert config.settings.connect_enabled is True
    assert config.handlers == {"bureau.score": "mypkg.bureau:score"}


def test_without_a_file_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    config = load_config(environ={"OPENPAS_DATA_DIR": str(tmp_path)})
    assert config.uses_default_database
    assert config.effective_database_url == f"sqlite:///{tmp_path / 'openpas.db'}"
    assert config.settings == settings_from({}, {})


def test_explicit_values_win_over_environment_and_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "database: sqlite:///file.db\ndata dir: from-file\n")
    env = {"OPENPAS_DATABASE_URL": "sqlite:///env.db", "OPENPAS_DATA_DIR": "from-env"}
    assert load_config(path, environ=env).database_url == "sqlite:///env.db"
    assert load_config(path, environ=env).data_dir == Path("from-env")
    config = load_config(path, data_dir="given", database_url="sqlite:///given.db", environ=env)
    assert (config.data_dir, config.database_url) == (Path("given"), "sqlite:///given.db")


def test_an_unknown_key_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    path = _write(tmp_path, "databse: sqlite:///x.db\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.message == f"{path}: unknown setting 'databse' (did you mean 'database'?)"


def test_an_unknown_parameter_in_the_file_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "parameters:\n  PAS_LoadBalanceTreshold: 2000\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.message == (
        f"{path}: unknown server parameter 'PAS_LoadBalanceTreshold' "
        "(did you mean 'PAS_LoadBalanceThreshold'?)"
    )


def test_a_bad_value_in_the_file_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "parameters:\n  PAS_LoadBalanceThreshold: 10\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.message == (
        f"{path}: PAS_LoadBalanceThreshold is 10, below its minimum of 1000"
    )


def test_bad_yaml_is_refused_with_its_place(tmp_path: Path) -> None:
    path = _write(tmp_path, "parameters:\n  PAS_DepthThreshold: [1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.message.startswith(f"cannot read {path}: ")
    assert "line" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", "expected a mapping of settings"),
        ("parameters: [PAS_DepthThreshold]\n", "parameters and handlers must be mappings"),
        ("handlers: mypkg:fn\n", "parameters and handlers must be mappings"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.message == f"{path}: {expected}"


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, ""), environ={})
    assert config.settings == settings_from({}, {})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(missing, environ={})
    assert caught.value.message == f"no such configuration file: {missing}"


def test_the_environment_overrides_a_file_parameter(tmp_path: Path) -> None:
    path = _write(tmp_path, "parameters:\n  PAS_DepthThreshold: 12\n")
    config = load_config(path, environ={"PAS_DepthThreshold": "5"})
    assert config.settings.depth_threshold == 5


# ---------------------------------------------------------------------- storage id


def test_the_storage_id_is_made_once_and_kept_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENPAS_STORAGE_ID", raising=False)
    folder = tmp_path / "data"
    config = load_config(data_dir=folder, environ={})
    first = config.storage_id()
    assert uuid.UUID(first).version == 4
    assert (folder / "storage-id").read_text(encoding="utf-8").strip() == first
    # A restart (a new configuration of the same folder) keeps it.
    assert load_config(data_dir=folder, environ={}).storage_id() == first


def test_a_damaged_storage_id_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENPAS_STORAGE_ID", raising=False)
    (tmp_path / "storage-id").write_text("not-a-uuid\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(data_dir=tmp_path, environ={}).storage_id()
    assert caught.value.message == (
        f"{tmp_path / 'storage-id'} does not hold a UUID; delete it to make a new one"
    )


def test_the_storage_id_from_the_environment(tmp_path: Path) -> None:
    given = "0f8fad5b-d9cb-469f-a165-70867728950e"
    config = load_config(data_dir=tmp_path, environ={"OPENPAS_STORAGE_ID": given.upper()})
    assert config.storage_id() == given
    assert not (tmp_path / "storage-id").exists()


def test_the_storage_id_from_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = "0f8fad5b-d9cb-469f-a165-70867728950e"
    monkeypatch.setenv("OPENPAS_STORAGE_ID", given)
    assert load_config(data_dir=tmp_path).storage_id() == given


def test_a_storage_id_that_is_not_a_uuid_is_refused(tmp_path: Path) -> None:
    config = load_config(data_dir=tmp_path, environ={"OPENPAS_STORAGE_ID": "node-1"})
    with pytest.raises(ConfigError) as caught:
        config.storage_id()
    assert caught.value.message == "OPENPAS_STORAGE_ID 'node-1' is not a UUID"
