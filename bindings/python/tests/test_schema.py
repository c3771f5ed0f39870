"""Every report carries exactly the fields of the core's structs.

``tests/schema/reports.json`` is written by ``crates/empathize-schema`` from
the core's report structs (the Rust test suite fails when it is stale, and
checks Rust's own serialized reports against it); the Node suite checks the
same file in camelCase. Here: the generated classes declare those fields,
and the reports Python gets hold them, at every level of nesting.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import empathize
from empathize._record import Record
from empathize._reports import CLASSES

SCHEMA: dict[str, list[str]] = json.loads(
    (Path(__file__).resolve().parents[3] / "tests" / "schema" / "reports.json").read_text()
)


def test_generated_classes_declare_the_schema_fields() -> None:
    assert set(CLASSES) == set(SCHEMA)
    for name, fields in SCHEMA.items():
        assert set(CLASSES[name]._fields) == set(fields), name
        assert all(f in CLASSES[name].__annotations__ for f in fields), name


def _walk(value: Any, seen: dict[str, int]) -> None:
    if isinstance(value, Record):
        name = type(value).__name__
        fields = SCHEMA[name]
        assert set(value.to_dict()) == set(fields), name
        assert set(value) == set(fields), name
        seen[name] = seen.get(name, 0) + 1
        for field in fields:
            _walk(getattr(value, field), seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _walk(item, seen)


def test_reports_hold_exactly_the_schema_fields() -> None:
    customer = "This is the THIRD time I'm asking!!! My order never arrived and I'm furious."
    reply = "I'm so sorry, that must be frustrating. I'll send a new one today. Did it arrive?"
    policy = "Per our policy, refunds take 10 business days."
    seen: dict[str, int] = {}
    _walk(empathize.score(reply, customer=customer), seen)
    _walk(empathize.score(reply, customer=customer, summary=True), seen)
    _walk(empathize.analyze_customer(customer), seen)
    turns = [
        {"role": "customer", "text": customer},
        {"role": "agent", "text": policy, "agent_id": "a1"},
        {"role": "customer", "text": "Unacceptable. I want a manager."},
        {"role": "agent", "text": reply, "agent_id": "a2"},
        {"role": "agent", "text": policy, "agent_id": "a1"},
    ]
    _walk(empathize.analyze_conversation(turns), seen)
    _walk(empathize.tokenize(customer), seen)
    _walk(empathize.Analyzer().rules()[:5], seen)
    assert set(seen) == set(SCHEMA), f"no report of these types was checked: {set(SCHEMA) - set(seen)}"
