"""The example scripts that need no build: the ABCD converter."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, SHARED_DATA

CONVERTER = ROOT / "examples" / "python" / "abcd_to_jsonl.py"


def _converter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("abcd_to_jsonl", CONVERTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DIALOGUE = {
    "convo_id": 7,
    "scenario": {"flow": "refund"},
    "original": [
        ["agent", "Hi! How can I help?"],
        ["customer", "I was charged twice 😡"],
        ["action", "Account has been pulled up for Ann Lee."],
        ["agent", "I'm sorry about that, I've refunded it."],
    ],
}


def test_splits_actions_and_ids() -> None:
    abcd = _converter()
    out = io.StringIO()
    n = abcd.convert({"train": [DIALOGUE], "dev": [dict(DIALOGUE, convo_id=8)]}, out)
    assert n == 2
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "id": "7",
        "turns": [
            {"role": "agent", "text": "Hi! How can I help?"},
            {"role": "customer", "text": "I was charged twice 😡"},
            {"role": "agent", "text": "I'm sorry about that, I've refunded it."},
        ],
        "flow": "refund",
    }
    assert second["id"] == "8"
    out = io.StringIO()
    assert abcd.convert({"train": [DIALOGUE], "dev": [DIALOGUE]}, out, split="dev") == 1
    out = io.StringIO()
    abcd.convert([DIALOGUE], out, keep_actions=True)
    assert [t["role"] for t in json.loads(out.getvalue())["turns"]][2] == "action"
    with pytest.raises(ValueError, match="no split 'test'"):
        abcd.convert({"train": []}, io.StringIO(), split="test")
    with pytest.raises(ValueError, match="turn 0"):
        abcd.convert([{"convo_id": 1, "original": [["agent"]]}], io.StringIO())


def test_command_line_and_the_analyzer_read_the_output(tmp_path: Path) -> None:
    import empathize

    src = tmp_path / "abcd.json"
    src.write_text(json.dumps([DIALOGUE]), encoding="utf-8")
    dst = tmp_path / "abcd.jsonl"
    done = subprocess.run([sys.executable, str(CONVERTER), str(src), "-o", str(dst)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 conversations" in done.stderr
    convo = json.loads(dst.read_text(encoding="utf-8"))
    report = empathize.analyze_conversation(convo["turns"])
    assert [t.role for t in report.turns] == ["agent", "customer", "agent"]

    bad = subprocess.run([sys.executable, str(CONVERTER), str(tmp_path / "none.json")], capture_output=True, text=True)
    assert bad.returncode == 1 and "abcd_to_jsonl:" in bad.stderr


def test_the_shared_abcd_sample_converts() -> None:
    path = SHARED_DATA / "abcd" / "abcd_sample.json"
    if not path.is_file():
        pytest.skip(f"no ABCD sample at {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    out = io.StringIO()
    n = _converter().convert(data, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == len(lines) == len(data)
    for convo, dialogue in zip(lines, data):
        assert convo["id"] == str(dialogue["convo_id"])
        assert len(convo["turns"]) == sum(1 for s, _ in dialogue["original"] if s != "action")
        assert {t["role"] for t in convo["turns"]} == {"customer", "agent"}
