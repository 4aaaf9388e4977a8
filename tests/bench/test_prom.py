"""FerretDB's request counter from Prometheus text (pure)."""

from __future__ import annotations

import pytest

from tools.bench.prom import by_command, delta, parse_counter, short

METRICS = """\
# HELP ferretdb_client_requests_total Total number of requests.
# TYPE ferretdb_client_requests_total counter
ferretdb_client_requests_total{command="find",opcode="OP_MSG"} 120
ferretdb_client_requests_total{command="insert",opcode="OP_MSG"} 30
ferretdb_client_requests_total{opcode="OP_QUERY",command="unknown"} 2
ferretdb_client_requests_total_created{command="find",opcode="OP_MSG"} 1.7e+09
# HELP ferretdb_client_responses_total Total number of responses.
ferretdb_client_responses_total{argument="unknown",command="find",opcode="OP_MSG",result="ok"} 120
ferretdb_up{branch="unknown",commit="unknown",version="v1.24.2"} 1
"""


def test_only_the_requested_counter_is_read_by_its_labels() -> None:
    found = parse_counter(METRICS)
    assert found == {
        (("command", "find"), ("opcode", "OP_MSG")): 120.0,
        (("command", "insert"), ("opcode", "OP_MSG")): 30.0,
        (("command", "unknown"), ("opcode", "OP_QUERY")): 2.0,
    }
    assert by_command(found) == {
        "OP_MSG/find": 120.0,
        "OP_MSG/insert": 30.0,
        "OP_QUERY/unknown": 2.0,
    }


def test_label_values_may_hold_escapes_commas_and_braces() -> None:
    text = 'm_total{a="x\\"y,}", b="back\\\\slash", c="new\\nline"} 3 1732579200000\nm_total 4\n'
    assert parse_counter(text, "m_total") == {
        (("a", 'x"y,}'), ("b", "back\\slash"), ("c", "new\nline")): 3.0,
        (): 4.0,
    }


def test_a_malformed_line_is_an_error_not_a_silent_zero() -> None:
    with pytest.raises(ValueError, match="unterminated"):
        parse_counter(
            'ferretdb_client_requests_total{command="find', "ferretdb_client_requests_total"
        )


def test_the_delta_is_what_grew_largest_first() -> None:
    before = {"OP_MSG/find": 100.0, "OP_MSG/insert": 10.0, "OP_MSG/hello": 5.0}
    after = {"OP_MSG/find": 130.0, "OP_MSG/insert": 70.0, "OP_MSG/hello": 5.0, "OP_MSG/update": 2.0}
    found = delta(before, after)
    assert found == {"OP_MSG/insert": 60.0, "OP_MSG/find": 30.0, "OP_MSG/update": 2.0}
    assert list(found) == ["OP_MSG/insert", "OP_MSG/find", "OP_MSG/update"]
    assert delta(after, before) == {}  # a restarted FerretDB counts no negative work
    assert (short("OP_MSG/find"), short("OP_QUERY/unknown")) == ("find", "OP_QUERY/unknown")
