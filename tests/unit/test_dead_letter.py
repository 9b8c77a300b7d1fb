from __future__ import annotations

from akhbar.kafka.dead_letter import Origin, dead_letter_headers, decode_headers
from akhbar.records import schema_errors

ORIGIN = Origin(topic="akhbar.raw", partition=2, offset=41, timestamp_ms=1_700_000_000_000,
                group="akhbar-clean", worker="clean@0.1.0", stage="clean")


def test_headers_match_the_dead_letter_schema() -> None:
    headers = dead_letter_headers(ORIGIN, reason="invalid_json", message="bad", exception="E")
    decoded = decode_headers(headers)
    assert schema_errors("dead_letter", decoded) == []
    assert decoded["akhbar.dlq.offset"] == "41"
    assert decoded["akhbar.dlq.partition"] == "2"


def test_original_headers_are_kept_and_old_dlq_headers_replaced() -> None:
    original = [("trace", b"\x00\x01"), ("akhbar.dlq.reason", b"stale")]
    headers = dead_letter_headers(ORIGIN, reason="body_too_large", message="m" * 5000,
                                  exception="RejectedInput", original=original)
    assert headers[0] == ("trace", b"\x00\x01")
    decoded = decode_headers(headers)
    assert decoded["akhbar.dlq.reason"] == "body_too_large"
    assert len(decoded["akhbar.dlq.message"]) == 1000
    assert [k for k, _ in headers].count("akhbar.dlq.reason") == 1
