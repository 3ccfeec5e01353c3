"""Send E-Mail in documents: recipients, texts, exits, and the secured-data rule."""

from __future__ import annotations

from openpas.model.actions.send_email import SendEmail

from .conftest import at, load, only, problems

DOCUMENT = """\
    process: Mail
    start: A
    variables:
      SSN: {type: string, security: Personal Data}
      Mailbox: mailbox
      Copies: list<mailbox>
      Name: string
      Age: integer
    states:
      A:
        actions:
          - send email:
    {params}
              exits:
                success: [end process]
                failure: [end process]
"""


def document(*lines: str) -> str:
    return DOCUMENT.replace("    {params}", "\n".join(f"              {line}" for line in lines))


def test_a_mail_to_mailboxes_lists_and_literals_is_valid() -> None:
    definition = load(
        document(
            "to: [=Mailbox, ann@example.com]",
            "cc: =Copies",
            'subject: ="Your loan, " & Name',
            "body: Plain words",
        )
    )
    [node] = definition.spec.states["A"].actions
    spec = node.spec
    assert isinstance(spec, SendEmail)
    assert set(spec.exits()) == {"success", "failure"}
    assert spec.waits and spec.sends_outside and spec.allow_secured is False


def test_a_string_expression_is_a_recipient_too() -> None:
    load(document('to: =Name & "@example.com"', "subject: Hi", "body: Hello"))


def test_recipients_of_another_type_and_bad_addresses_are_refused() -> None:
    found = problems(
        document("to: [=Age, not-an-address]", "cc: =Age > 3", "subject: Hi", "body: Hello")
    )
    assert "this gives integer" in at(found, "states.A.actions[0].to[0]").message
    assert "not an email address" in at(found, "states.A.actions[0].to[1]").message
    assert "this gives boolean" in at(found, "states.A.actions[0].cc").message


def test_subject_and_body_must_be_texts() -> None:
    found = problems(document("to: =Mailbox", "subject: =Age", "body: =Age + 1"))
    assert {p.path for p in found} == {"states.A.actions[0].subject", "states.A.actions[0].body"}


def test_to_is_required() -> None:
    problem = only(document("subject: Hi", "body: Hello"))
    assert problem.path == "states.A.actions[0].to"


def test_an_unknown_exit_is_refused() -> None:
    text = document("to: =Mailbox", "subject: Hi", "body: Hello").replace(
        "failure: [end process]", "failure: [end process]\n                bounced: [end process]"
    )
    problem = only(text)
    assert problem.path == "states.A.actions[0].exits.bounced"
    assert "its exits are success and failure" in problem.message


def test_a_secured_variable_in_the_body_is_refused() -> None:
    problem = only(document("to: =Mailbox", "subject: Hi", 'body: ="SSN " & SSN'))
    assert (problem.path, problem.code) == ("states.A.actions[0]", "secured-data")
    assert "send email sends SSN outside openpas" in problem.message
    assert "'Personal Data'" in problem.message and "allow secured: true" in problem.message


def test_it_is_refused_in_any_expression_of_the_action() -> None:
    problem = only(document("to: =Mailbox", "subject: =SSN", "body: Hello"))
    assert problem.code == "secured-data"


def test_a_secured_variable_is_allowed_when_the_action_says_so() -> None:
    load(document("to: =Mailbox", "subject: Hi", "body: =SSN", "allow secured: true"))
