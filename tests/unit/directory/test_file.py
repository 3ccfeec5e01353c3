"""The directory file: what it gives, and every problem with its path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from openpas.directory import Directory, DirectoryError, Licence, Role, User, Workgroup
from openpas.directory.file import load_file, load_text

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "directory.yaml"


def problems(text: str) -> list[tuple[str, int | None, str, str]]:
    """(path, line, code, message) of every problem of ``text``."""
    with pytest.raises(DirectoryError) as caught:
        load_text(textwrap.dedent(text), "people.yaml")
    return [(p.path, p.line, p.code, p.message) for p in caught.value.problems]


def test_the_example_loads() -> None:
    found = load_file(EXAMPLE)
    assert found.user("olivia").licence is Licence.DIRECT
    assert found.user("admin").licence is Licence.DESIGNER
    assert found.user("admin").administrator
    assert found.user("mona").licence is Licence.MONITOR
    officers = found.workgroup("Loan Officers")
    assert officers.supervisors == {"carol"}
    assert officers.skills == {"Lending": 30}
    proficiencies = {u.name: u.proficiency("Lending") for u in found.members("Loan Officers")}
    assert proficiencies == {"ann": 80, "bob": 40, "dan": 20}
    assert [u.name for u in found.licensed_members("Loan Officers")] == ["ann", "bob", "dan"]
    assert found.user("ann").utilization == 2
    assert found.roles_of("carol") == {"Managers"}


def test_a_full_document() -> None:
    found = load_text(
        textwrap.dedent(
            """\
            statuses: [{name: Ready, available: true}, {name: Away}, Busy]
            skills: {Lending: "Consumer lending", Spanish: }
            users:
              ann:
                name: Ann Lee
                mailbox: ann@example.com
                licence: group
                skills: {Lending: 80}
                utilization: 2
              bob: {licence: monitor, skills: {Lending: 40}, roles: [Managers]}
              carol:
              admin: {licence: designer, administrator: true}
            workgroups:
              Loan Officers: {members: [ann, bob], supervisors: [carol], skills: {Lending: 30}}
              Mail Room: {queue: false, distribution: round robin}
            roles:
              Managers: [carol]
            """
        )
    )
    assert [(s.name, s.available) for s in found.statuses] == [
        ("Ready", True),
        ("Away", False),
        ("Busy", False),
    ]
    assert found.user("ann") == User(
        "ann", "Ann Lee", "ann@example.com", Licence.GROUP, {"Lending": 80}, frozenset(), 2
    )
    assert found.user("carol").licence is Licence.NONE
    assert found.role("Managers") == Role("Managers", frozenset({"bob", "carol"}))
    assert found.workgroup("Mail Room") == Workgroup(
        "Mail Room", has_queue=False, distribution="round robin"
    )
    assert found.skill("Spanish").description == ""


def test_an_empty_file_is_an_empty_directory_with_the_default_statuses() -> None:
    assert load_text("") == Directory()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            """\
            users:
              ann: {licence: grop}
            """,
            ("users.ann.licence", 2, "licence", "'grop' is not a licence (did you mean 'group'?)"),
        ),
        (
            """\
            skills: {Lending: x}
            users:
              ann: {skills: {Lending: 101}}
            """,
            ("users.ann.skills.Lending", 3, "proficiency", "is 101; expected a whole number"),
        ),
        (
            """\
            skills: {Lending: x}
            users:
              ann: {skills: {Lending: 0}}
            """,
            ("users.ann.skills.Lending", 3, "proficiency", "is 0; expected"),
        ),
        (
            """\
            skills: {Lending: x}
            users:
              ann: {skills: {Lendng: 50}}
            """,
            ("users.ann.skills.Lendng", 3, "unknown-skill", "(did you mean 'Lending'?)"),
        ),
        (
            """\
            users:
              ann: {}
            workgroups:
              Loans:
                members:
                  - ann
                  - anne
            """,
            ("workgroups.Loans.members[1]", 7, "unknown-user", "no user 'anne' (did you mean"),
        ),
        (
            """\
            users: {ann: }
            workgroups:
              Loans: {supervisors: [carol]}
            """,
            ("workgroups.Loans.supervisors[0]", 3, "unknown-user", "there is no user 'carol'"),
        ),
        (
            """\
            users: {ann: }
            roles:
              Managers: [ann, zed]
            """,
            ("roles.Managers[1]", 3, "unknown-user", "there is no user 'zed'"),
        ),
        (
            """\
            users:
              ann: {roles: [Manager]}
            roles: {Managers: []}
            """,
            ("users.ann.roles[0]", 2, "unknown-role", "(did you mean 'Managers'?)"),
        ),
        (
            """\
            users:
              ann: {}
              ann: {}
            """,
            ("users", 3, "duplicate", "the key 'ann' is written twice"),
        ),
        (
            """\
            users: {ann: }
            workgroups:
              Loans: {members: [ann, ann]}
            """,
            ("workgroups.Loans.members[1]", 3, "duplicate", "the user 'ann' is listed twice"),
        ),
        (
            """\
            users:
              ann: {licence: group, utilisation: 2}
            """,
            ("users.ann.utilisation", 2, "unknown-key", "(did you mean 'utilization'?)"),
        ),
        (
            """\
            users:
              ann: {utilization: 0}
            """,
            ("users.ann.utilization", 2, "utilization", "utilization of user 'ann' is 0"),
        ),
        (
            """\
            users:
              ann lee: {}
            """,
            ("users.ann lee", 2, "name", "contains a space"),
        ),
        (
            """\
            users:
              ann: {mailbox: ann at example.com}
            """,
            ("users.ann.mailbox", 2, "mailbox", "is not an e-mail address"),
        ),
        (
            """\
            users:
              ann: {administrator: yes}
            """,
            ("users.ann.administrator", 2, "type", "administrator is true or false, got 'yes'"),
        ),
        (
            """\
            workgroups:
              Loans: {distribution: round-robin}
            """,
            ("workgroups.Loans.distribution", 2, "distribution", "(did you mean 'round robin'?)"),
        ),
        (
            """\
            workgroups:
              Loans: {has_queue: false}
            """,
            ("workgroups.Loans.has_queue", 2, "unknown-key", "(did you mean 'queue'?)"),
        ),
        (
            """\
            statuses: [{name: Away}, {name: Busy}]
            """,
            ("statuses", 1, "status", "no status is available"),
        ),
        (
            """\
            statuses:
              - {name: Available, available: true}
              - {name: Available}
            """,
            ("statuses[1].name", 3, "duplicate", "the status 'Available' is listed twice"),
        ),
        (
            """\
            userz: {}
            """,
            ("userz", 1, "unknown-key", "(did you mean 'users'?)"),
        ),
        (
            """\
            users: [ann, bob]
            """,
            ("users", 1, "type", "users must be a mapping, got a list"),
        ),
        (
            """\
            users: {ann: {licence: group
            """,
            ("", 2, "syntax", "the document is not valid YAML"),
        ),
    ],
)
def test_each_kind_of_problem_has_its_path_and_line(
    text: str, expected: tuple[str, int, str, str]
) -> None:
    found = problems(text)
    path, line, code, message = expected
    assert len(found) == 1, found
    assert found[0][:3] == (path, line, code)
    assert message in found[0][3]


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        """\
        skills: {Lending: x}
        users:
          ann: {licence: boss, skills: {Lending: 500}}
          bob: {utilization: many}
        workgroups:
          Loans: {members: [ann, zed], skills: {Cooking: 10}}
        """
    )
    assert [(path, line) for path, line, _, _ in found] == [
        ("users.ann.licence", 3),
        ("users.ann.skills.Lending", 3),
        ("users.bob.utilization", 4),
        ("workgroups.Loans.members[1]", 6),
        ("workgroups.Loans.skills.Cooking", 6),
    ]


def test_the_error_describes_each_problem_with_file_and_line() -> None:
    with pytest.raises(DirectoryError) as caught:
        load_text("users:\n  ann: {licence: grop}\n", "people.yaml")
    assert caught.value.describe() == (
        "people.yaml: the directory file has 1 problem\n"
        "people.yaml:2: users.ann.licence: 'grop' is not a licence (did you mean 'group'?); "
        "expected one of none, direct, group, monitor, designer"
    )


def test_a_missing_file_is_a_problem_not_a_stack_trace(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError) as caught:
        load_file(tmp_path / "nope.yaml")
    assert caught.value.problems[0].message == "the file does not exist"


def test_merging_over_a_base_keeps_what_the_file_does_not_mention() -> None:
    base = load_file(EXAMPLE)
    merged = load_text(
        textwrap.dedent(
            """\
            users:
              ann: {licence: monitor, skills: {Spanish: 60}}
              zoe: {licence: group, skills: {Lending: 70}}
            workgroups:
              Loan Officers: {members: [ann, zoe, bob]}
            roles:
              Managers: [zoe]
            """
        ),
        base=base,
    )
    assert merged.user("ann").licence is Licence.MONITOR
    assert merged.user("ann").skills == {"Spanish": 60}
    assert merged.user("olivia") == base.user("olivia")
    assert [u.name for u in merged.members("Loan Officers")] == ["ann", "bob", "zoe"]
    assert merged.role("Managers").members == {"zoe"}
    assert merged.role("Auditors").members == {"mona"}
    assert merged.roles_of("carol") == frozenset()
    assert merged.statuses == base.statuses
