"""A download's file name never breaks its header: Latin-1 only on the wire, no quote injection."""

from __future__ import annotations

from gateway.disposition import attachment


def test_an_ascii_name_is_sent_as_is() -> None:
    assert attachment("invoice-inv_1.pdf") == 'attachment; filename="invoice-inv_1.pdf"'


def test_a_non_ascii_name_gets_an_ascii_fallback_and_its_exact_form() -> None:
    value = attachment("outcomes-universitäté.csv")
    value.encode("latin-1")  # what Starlette does with a header; must not raise
    assert value == (
        'attachment; filename="outcomes-universit_t_.csv"; '
        "filename*=UTF-8''outcomes-universit%C3%A4t%C3%A9.csv"
    )


def test_quotes_backslashes_and_control_characters_cannot_escape_the_value() -> None:
    value = attachment('a"b\\c\r\nd.csv')
    assert value.startswith('attachment; filename="a_b_c__d.csv"; filename*=')
    assert not {"\r", "\n"} & set(value)
