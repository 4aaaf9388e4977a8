"""JSON log lines and the `STINT_*` settings every service shares."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from stint.kit.logctx import ce_id_var, request_id_var
from stint.kit.logging import JsonFormatter, configure_logging
from stint.kit.settings import KitSettings

# --- JsonFormatter ------------------------------------------------------------------------


class Capture:
    """A logger of its own whose records are formatted by `JsonFormatter` into a buffer."""

    def __init__(self, name: str, service: str = "postings") -> None:
        self.buffer = io.StringIO()
        handler = logging.StreamHandler(self.buffer)
        handler.setFormatter(JsonFormatter(service))
        self.logger = logging.getLogger(name)
        self.logger.handlers[:] = [handler]
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False

    def lines(self) -> list[dict[str, Any]]:
        text = self.buffer.getvalue()
        assert text.endswith("\n")
        return [json.loads(line) for line in text.splitlines()]

    def one(self) -> dict[str, Any]:
        [entry] = self.lines()
        return entry


@pytest.fixture
def capture(request: pytest.FixtureRequest) -> Iterator[Capture]:
    captured = Capture(f"stint.test.{request.node.name}")
    yield captured
    captured.logger.handlers.clear()


def test_one_json_object_per_record(capture: Capture) -> None:
    before = datetime.now(UTC)
    capture.logger.warning("payout %s failed %d times", "pay_1", 3)
    after = datetime.now(UTC)

    entry = capture.one()

    assert {k: entry[k] for k in ("level", "service", "logger", "message")} == {
        "level": "warning",
        "service": "postings",
        "logger": capture.logger.name,
        "message": "payout pay_1 failed 3 times",
    }
    logged_at = datetime.fromisoformat(entry["time"])
    assert logged_at.utcoffset() == timedelta(0)
    assert before - timedelta(milliseconds=1) <= logged_at <= after
    assert "request_id" not in entry
    assert "ce_id" not in entry
    assert "exception" not in entry


def test_levels_are_lower_case(capture: Capture) -> None:
    capture.logger.debug("d")
    capture.logger.info("i")
    capture.logger.error("e")
    capture.logger.critical("c")

    assert [e["level"] for e in capture.lines()] == ["debug", "info", "error", "critical"]


def test_multiline_and_non_ascii_messages_stay_one_line(capture: Capture) -> None:
    capture.logger.info('first line\nsecond "quoted" line — ünïcode')

    assert capture.buffer.getvalue().count("\n") == 1
    assert capture.one()["message"] == 'first line\nsecond "quoted" line — ünïcode'
    assert "ünïcode" in capture.buffer.getvalue()  # not \u-escaped


def test_includes_request_and_event_ids_from_the_context(capture: Capture) -> None:
    request_token = request_id_var.set("req-123")
    ce_token = ce_id_var.set("evt_01jd3k0000000000000000000a")
    try:
        capture.logger.info("inside")
    finally:
        ce_id_var.reset(ce_token)
        request_id_var.reset(request_token)
    capture.logger.info("outside")

    inside, outside = capture.lines()
    assert inside["request_id"] == "req-123"
    assert inside["ce_id"] == "evt_01jd3k0000000000000000000a"
    assert "request_id" not in outside
    assert "ce_id" not in outside


def test_extra_fields_are_logged(capture: Capture) -> None:
    class Opaque:
        def __str__(self) -> str:
            return "<opaque>"

    capture.logger.info(
        "dead-lettered",
        extra={"reason": "undecodable", "attempt": 3, "ok": True, "ids": ["a", "b"], "o": Opaque()},
    )

    entry = capture.one()
    assert entry["reason"] == "undecodable"
    assert entry["attempt"] == 3
    assert entry["ok"] is True
    assert entry["ids"] == ["a", "b"]
    assert entry["o"] == "<opaque>"  # not JSON-serializable: logged as its str()
    # The LogRecord's own attributes are not dumped as fields.
    assert not {"args", "msg", "levelno", "pathname", "lineno", "exc_info"} & set(entry)


def test_exception_text(capture: Capture) -> None:
    try:
        raise ValueError("bad fee")
    except ValueError:
        capture.logger.exception("handler failed")

    entry = capture.one()
    assert entry["level"] == "error"
    assert entry["message"] == "handler failed"
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("ValueError: bad fee")


def test_exc_info_passed_explicitly(capture: Capture) -> None:
    error = KeyError("pst_1")
    capture.logger.warning("lookup failed", exc_info=(KeyError, error, None))

    assert capture.one()["exception"] == "KeyError: 'pst_1'"


def test_configure_logging_routes_the_root_logger_to_json() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("aiokafka").level)
    try:
        configure_logging("payouts", "debug")

        [handler] = root.handlers
        assert isinstance(handler, logging.StreamHandler)
        assert handler.stream is sys.stdout
        assert isinstance(handler.formatter, JsonFormatter)
        assert handler.formatter.service == "payouts"
        assert root.level == logging.DEBUG
        for noisy in ("aiokafka", "pymongo", "faststream", "aiohttp.access", "grpc"):
            assert logging.getLogger(noisy).level == logging.WARNING
    finally:
        root.handlers[:], level, kafka_level = saved
        root.setLevel(level)
        logging.getLogger("aiokafka").setLevel(kafka_level)


# --- KitSettings --------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean environment: no STINT_* variable from the shell or CI leaks in."""
    for name in list(os.environ):
        if name.upper().startswith("STINT_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults(env: pytest.MonkeyPatch) -> None:
    s = KitSettings()

    assert s.service_name == "stint"
    assert s.kafka_bootstrap == "127.0.0.1:9092"
    assert s.mongo_uri == "mongodb://127.0.0.1:27017/?directConnection=true"
    assert s.database_name == "stint_stint"
    assert s.kafka_topic_prefix == ""
    assert s.topic("stint.payouts.v1") == "stint.payouts.v1"
    assert s.consumer_group == "stint"
    assert (s.grpc_port, s.http_port) == (50050, 9100)


def test_reads_stint_environment(env: pytest.MonkeyPatch) -> None:
    env.setenv("STINT_SERVICE_NAME", "payouts")
    env.setenv("STINT_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092")
    env.setenv("STINT_MONGO_URI", "mongodb://db:27017/")
    env.setenv("STINT_GRPC_PORT", "50055")
    env.setenv("STINT_HTTP_PORT", "0")
    env.setenv("STINT_RELAY_SWEEP_SECONDS", "0.5")
    env.setenv("STINT_CONSUMER_MAX_ATTEMPTS", "7")
    env.setenv("STINT_LOG_LEVEL", "debug")
    env.setenv("KAFKA_BOOTSTRAP", "not-ours:1")  # no prefix: not read

    s = KitSettings()

    assert s.service_name == "payouts"
    assert s.kafka_bootstrap == "kafka-1:9092,kafka-2:9092"
    assert s.mongo_uri == "mongodb://db:27017/"
    assert (s.grpc_port, s.http_port) == (50055, 0)
    assert s.relay_sweep_seconds == 0.5
    assert s.consumer_max_attempts == 7
    assert s.log_level == "debug"
    assert s.database_name == "stint_payouts"
    assert s.consumer_group == "payouts"


def test_explicit_database_wins_over_the_default(env: pytest.MonkeyPatch) -> None:
    env.setenv("STINT_MONGO_DATABASE", "test_abc")

    assert KitSettings(service_name="payouts").database_name == "test_abc"


def test_topic_prefix_applies_to_topics_and_consumer_group(env: pytest.MonkeyPatch) -> None:
    env.setenv("STINT_KAFKA_TOPIC_PREFIX", "ci-42.")

    s = KitSettings(service_name="payouts")

    assert s.topic("stint.payouts.v1") == "ci-42.stint.payouts.v1"
    assert s.topic("stint.dlq.payouts") == "ci-42.stint.dlq.payouts"
    assert s.consumer_group == "ci-42.payouts"
    assert s.database_name == "stint_payouts"  # the prefix is for Kafka only


def test_constructor_arguments_win_over_the_environment(env: pytest.MonkeyPatch) -> None:
    env.setenv("STINT_SERVICE_NAME", "payouts")
    env.setenv("STINT_HTTP_PORT", "9200")

    s = KitSettings(service_name="postings", http_port=0)

    assert (s.service_name, s.http_port) == ("postings", 0)


def test_a_service_subclass_sets_its_defaults(env: pytest.MonkeyPatch) -> None:
    class PayoutsSettings(KitSettings):
        service_name: str = "payouts"
        grpc_port: int = 50054
        payout_retry_seconds: float = 30.0

    assert PayoutsSettings().database_name == "stint_payouts"
    assert PayoutsSettings().grpc_port == 50054
    env.setenv("STINT_PAYOUT_RETRY_SECONDS", "2.5")
    env.setenv("STINT_GRPC_PORT", "0")
    assert PayoutsSettings().payout_retry_seconds == 2.5
    assert PayoutsSettings().grpc_port == 0


def test_settings_are_frozen(env: pytest.MonkeyPatch) -> None:
    s = KitSettings()

    with pytest.raises(ValidationError):
        s.service_name = "other"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_name", "Payouts"),
        ("service_name", "1payouts"),
        ("service_name", "pay-outs"),
        ("service_name", "pay outs"),
        ("service_name", ""),
        ("service_name", "payouts\n"),
        ("kafka_topic_prefix", "ci/42."),
        ("kafka_topic_prefix", "ci 42."),
        ("grpc_port", -1),
        ("grpc_port", 65536),
        ("http_port", 70000),
        ("relay_sweep_seconds", 0),
        ("relay_lease_seconds", -1),
        ("consumer_max_attempts", 0),
        ("consumer_max_attempts", 21),
        ("consumer_backoff_seconds", -0.1),
        ("timer_poll_seconds", 0),
        ("shutdown_grace_seconds", -1),
    ],
)
def test_invalid_values_are_rejected(env: pytest.MonkeyPatch, field: str, value: Any) -> None:
    with pytest.raises(ValidationError, match=field):
        KitSettings(**{field: value})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STINT_SERVICE_NAME", "Bad-Name"),
        ("STINT_GRPC_PORT", "not-a-port"),
        ("STINT_HTTP_PORT", "99999"),
        ("STINT_RELAY_SWEEP_SECONDS", "soon"),
    ],
)
def test_invalid_environment_is_rejected(
    env: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    env.setenv(variable, value)

    with pytest.raises(ValidationError):
        KitSettings()
