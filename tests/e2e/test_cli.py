"""The ``openpas`` console script, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPENPAS = Path(sys.executable).parent / "openpas"
CAR_LOAN = str(ROOT / "examples" / "car_loan.yaml")

pytestmark = pytest.mark.skipif(
    not OPENPAS.exists(), reason="the console script is not installed: pip install -e '.[dev]'"
)

BROKEN = """\
process: Broken
start: Begin
variables:
  Count: integr
  Status: {type: string, initial: New}
states:
  Begin:
    actions:
      - assign: {Status: =Count + }
      - change state: Nowhere
"""

FAILING = """\
process: Failing
start: Divide
variables:
  Zero: {type: integer, initial: 0}
  Result: integer
states:
  Divide:
    actions:
      - assign: {Result: =10 // Zero}
      - end process
"""


def openpas(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPAS_")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [str(OPENPAS), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


# ---------------------------------------------------------------------- validate


def test_validate_a_valid_document() -> None:
    result = openpas("validate", CAR_LOAN)
    assert result.returncode == 0, result.stderr
    assert f"✓ {CAR_LOAN}: valid" in result.stdout


def test_validate_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = openpas("validate", str(broken), CAR_LOAN)
    assert result.returncode == 1
    no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(broken) + ":")]
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith(f"{broken}:4: variables.Count.type: unknown type 'integr'")
    assert lines[1].startswith(f"{broken}:9: states.Begin.actions[0].Status: expected a value")
    assert lines[2].startswith(f"{broken}:10: states.Begin.actions[1].state:")
    assert "unknown state 'Nowhere'" in lines[2]
    line_numbers = [int(line.split(":")[1]) for line in lines]
    assert line_numbers == sorted(line_numbers)
    assert f"✓ {CAR_LOAN}: valid" in result.stdout  # the other file is still checked


def test_validate_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = openpas("validate", "--json", CAR_LOAN, str(broken))
    assert result.returncode == 1
    files = json.loads(result.stdout)["files"]
    assert [f["valid"] for f in files] == [True, False]
    assert files[0]["problems"] == [] and files[0]["warnings"] == []
    problems = files[1]["problems"]
    assert len(problems) == 3
    assert problems[0] == {
        "path": "variables.Count.type",
        "line": 4,
        "column": problems[0]["column"],
        "code": "type",
        "message": problems[0]["message"],
    }


def test_validate_unreadable_files_are_problems(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"process: Caf\xe9\n")
    result = openpas("validate", str(latin), str(tmp_path / "missing.yaml"))
    assert result.returncode == 1
    no_traceback(result)
    assert "not UTF-8" in result.stderr
    assert "no such file" in result.stderr


# ---------------------------------------------------------------------- run


def test_run_the_car_loan_to_completion() -> None:
    result = openpas(
        "run",
        CAR_LOAN,
        "--set",
        "FirstName=Ann",
        "--set",
        "LastName=Lee",
        "--set",
        "SSN=100-00-0006",
        "--set",
        "LoanAmount=25000 USD",
        "--set",
        "AnnualIncome=85000 USD",
    )
    assert result.returncode == 0, result.stderr
    assert "Car Loan: completed in state Notify" in result.stdout
    assert "Approved" in result.stdout
    assert "707" in result.stdout  # the sample credit bureau's score for this SSN
    assert "100-00-0006" not in result.stdout  # SSN has a security specification
    assert "••••••" in result.stdout


def test_run_json_masks_secured_values_unless_asked() -> None:
    result = openpas("run", CAR_LOAN, "--json", "--set", "SSN=123-45-6789")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["status"] == "completed"
    assert document["state"] == "Notify"
    assert document["error"] is None
    assert document["variables"]["SSN"] == "••••••"
    assert document["variables"]["CreditScore"] == 646  # from the sample credit bureau
    assert document["variables"]["LoanAmount"] == {"amount": "25000", "code": "USD"}
    shown = openpas("run", CAR_LOAN, "--json", "--show-secured", "--set", "SSN=123-45-6789")
    assert json.loads(shown.stdout)["variables"]["SSN"] == "123-45-6789"


def test_run_bad_set_value_is_a_usage_error() -> None:
    result = openpas("run", CAR_LOAN, "--set", "LoanAmount=lots")
    assert result.returncode == 2
    no_traceback(result)
    assert result.stderr.count("\n") == 1
    assert "LoanAmount" in result.stderr and "'lots'" in result.stderr
    assert "1000 USD" in result.stderr  # what was expected


def test_run_set_without_equals_and_unknown_input() -> None:
    result = openpas("run", CAR_LOAN, "--set", "LoanAmount")
    assert result.returncode == 2
    assert "is not Name=value" in result.stderr
    result = openpas("run", CAR_LOAN, "--set", "LoanAmmount=5 USD")
    assert result.returncode == 2
    assert "did you mean 'LoanAmount'?" in result.stderr


def test_run_a_failing_flow_exits_1(tmp_path: Path) -> None:
    failing = tmp_path / "failing.yaml"
    failing.write_text(FAILING, encoding="utf-8")
    result = openpas("run", str(failing))
    assert result.returncode == 1
    no_traceback(result)
    assert "Failing: error in state Divide" in result.stdout
    assert "division by zero" in result.stderr
    as_json = json.loads(openpas("run", "--json", str(failing)).stdout)
    assert as_json["status"] == "error"
    assert "division by zero" in as_json["error"]


def test_run_an_invalid_document_runs_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = openpas("run", str(broken))
    assert result.returncode == 1
    no_traceback(result)
    assert "is not a valid process document (3 problems)" in result.stderr


# ---------------------------------------------------------------------- diagram and schema


def test_diagram_mermaid() -> None:
    result = openpas("diagram", CAR_LOAN)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "stateDiagram-v2" in text
    for state in ("Collect Information", "Credit Check", "Review", "Approved", "Denied", "Notify"):
        assert f'state "{state}"' in text
    assert "s1 --> s3 : yes" in text
    assert "s1 --> s2 : no, Unavailable" in text
    assert "s5 --> [*]" in text


def test_diagram_svg_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "car_loan.svg"
    result = openpas("diagram", CAR_LOAN, "--format", "svg", "-o", str(target))
    assert result.returncode == 0, result.stderr
    root = ET.parse(target).getroot()
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    for state in ("Collect Information", "Credit Check", "Review", "Approved", "Denied", "Notify"):
        assert state in texts


def test_diagram_unknown_format_is_a_usage_error() -> None:
    result = openpas("diagram", CAR_LOAN, "--format", "png")
    assert result.returncode == 2
    no_traceback(result)


def test_schema_prints_the_committed_schema(tmp_path: Path) -> None:
    result = openpas("schema")
    assert result.returncode == 0, result.stderr
    committed = (ROOT / "schema" / "openpas-process.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(committed)
    target = tmp_path / "schema.json"
    assert openpas("schema", "-o", str(target)).returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["$id"].startswith("urn:openpas:")


def test_help_shows_environment_variables() -> None:
    result = openpas("run", "--help")
    assert result.returncode == 0
    assert "OPENPAS_SHOW_SECURED" in result.stdout
    assert "OPENPAS_JSON" in result.stdout
