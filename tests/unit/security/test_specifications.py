"""Security specifications: who may see a variable, the YAML section, and the e-mail rule."""

from __future__ import annotations

import textwrap
from typing import Any, ClassVar

import pytest
from pydantic import Field

from openpas.directory.errors import DirectoryError
from openpas.directory.file import load_text as load_directory
from openpas.directory.model import Directory, Licence, Role, User, Workgroup
from openpas.errors import Problem
from openpas.expr.types import STRING, Type
from openpas.model import load_text
from openpas.model.actions.base import ActionSpec, CheckContext, Where
from openpas.model.process import ProcessSpec
from openpas.model.scopes import NameScope
from openpas.model.source import parse
from openpas.model.validator import Validator
from openpas.security.principal import Principal
from openpas.security.specifications import Members, Specifications
from openpas.security.specifications import load_text as load_specifications

SPECS = Specifications(
    {
        "Personal Data": Members.of(["ann"], ["Loan Officers"], ["Underwriters"]),
        "Empty": Members(),
    }
)


def who(
    user: str, workgroups: tuple[str, ...] = (), roles: tuple[str, ...] = (), admin: bool = False
) -> Principal:
    return Principal(user, Licence.GROUP, admin, frozenset(workgroups), frozenset(roles))


@pytest.mark.parametrize(
    "principal",
    [who("ann"), who("bob", workgroups=("Loan Officers",)), who("cid", roles=("Underwriters",))],
    ids=["user", "workgroup", "role"],
)
def test_members_directly_through_a_workgroup_or_a_role_may_see(principal: Principal) -> None:
    assert SPECS.may_see(principal, "Personal Data")


def test_others_may_not_and_an_administrator_is_no_member_by_right() -> None:
    assert not SPECS.may_see(who("zed", ("Tellers",), ("Clerks",)), "Personal Data")
    assert not SPECS.may_see(who("root", admin=True), "Personal Data")
    assert not SPECS.may_see(who("ann"), "Empty")


def test_a_variable_without_a_specification_is_public_and_an_unknown_one_hides() -> None:
    assert SPECS.may_see(who("zed"), None)
    assert not SPECS.may_see(who("ann"), "Personal Dat")
    assert not SPECS.may_see(who("root", admin=True), "Nowhere")


def test_hidden_lists_the_variables_a_principal_may_not_see() -> None:
    definition = load_text(
        textwrap.dedent(
            """\
            process: P
            start: A
            variables:
              SSN: {type: string, security: Personal Data}
              Salary: {type: integer, security: Payroll}
              Name: string
            states: {A: {actions: [end process]}}
            """
        )
    )
    assert SPECS.hidden(who("ann"), definition.variables) == {"Salary"}
    assert SPECS.hidden(who("zed"), definition.variables) == {"SSN", "Salary"}


DIRECTORY = """\
users: {ann: {licence: group}, bob: {licence: group}}
workgroups: {Loan Officers: {members: [bob]}}
roles: {Underwriters: [ann]}
specifications:
  Personal Data: {users: [ann], workgroups: [Loan Officers], roles: [Underwriters]}
  Payroll: {users: ann}
"""


def test_the_directory_file_may_carry_the_specifications_section() -> None:
    directory = load_directory(DIRECTORY, "directory.yaml")
    found = load_specifications(DIRECTORY, "directory.yaml", directory)
    assert found == {
        "Personal Data": Members.of(["ann"], ["Loan Officers"], ["Underwriters"]),
        "Payroll": Members.of(["ann"]),
    }


def test_every_problem_of_the_section_is_reported_at_its_line() -> None:
    text = textwrap.dedent(
        """\
        users: {ann: {licence: group}}
        specifications:
          Personal Data: {users: [ann, anne], groups: [X]}
          Other: {roles: [Nope]}
        """
    )
    directory = Directory.of([User("ann")], [Workgroup("W")], [Role("R")])
    with pytest.raises(DirectoryError) as caught:
        load_specifications(text, "d.yaml", directory)
    listed = [(p.line, p.code, p.message) for p in caught.value.problems]
    assert (3, "unknown-user", "there is no user 'anne' (did you mean 'ann'?)") in listed
    assert any(line == 3 and code == "unknown-key" for line, code, _ in listed)
    assert (4, "unknown-role", "there is no role 'Nope'") in listed
    assert len(listed) == 3


# ---------------------------------------------------------------------- sending data outside


class SendOutside(ActionSpec):
    """A test-only kind that sends a text outside openpas (as Send E-Mail will)."""

    kind: ClassVar[str] = "test send"
    sends_outside: ClassVar[bool] = True
    text: Any = None
    allow_secured: bool = Field(False, alias="allow secured")

    def check(self, ctx: CheckContext) -> None:
        ctx.value(self.text, ("text",), _string())


def _string() -> Type:
    return STRING


PROCESS = """\
process: P
start: A
variables:
  SSN: {type: string, security: Personal Data}
  Name: string
states: {A: {actions: [end process]}}
"""


def check_send(**params: Any) -> list[Problem]:
    """The problems validation reports for a test send action in state A."""
    source = parse(PROCESS, "p.yaml")
    validator = Validator(ProcessSpec.model_validate(source.data), None, PROCESS)
    assert validator.run() is not None
    scope = NameScope(validator.process_vars, {}, "state 'A'")
    spec = SendOutside.model_validate(params)
    validator.check_action(spec, ("states", "A", "actions", 0, "test send"), Where.STATE, scope)
    return validator.errors


def test_an_action_sending_outside_may_not_read_a_secured_variable() -> None:
    found = check_send(text='="SSN: " & SSN & " for " & Name')
    assert [(p.path, p.code) for p in found] == [("states.A.actions[0]", "secured-data")]
    assert "SSN" in found[0].message and "'Personal Data'" in found[0].message
    assert "allow secured: true" in found[0].message


def test_it_may_when_it_says_so_and_public_variables_are_always_fine() -> None:
    assert check_send(text="=SSN", **{"allow secured": True}) == []
    assert check_send(text='="Dear " & Name') == []
    assert check_send(text="SSN") == []  # a literal text reads no variable


def test_run_handler_is_trusted_server_code_and_may_read_secured_variables() -> None:
    definition = load_text(
        textwrap.dedent(
            """\
            process: P
            start: A
            variables:
              SSN: {type: string, security: Personal Data}
              Score: integer
            states:
              A:
                actions:
                  - run handler:
                      handler: credit_bureau.score
                      parameters: {ssn: =SSN}
                      results: {score: Score}
                      exits: {success: [end process]}
                  - end process
            """
        )
    )
    assert definition.variables["SSN"].decl.security == "Personal Data"
