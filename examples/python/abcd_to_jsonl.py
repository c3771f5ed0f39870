"""Convert ABCD dialogues (Action-Based Conversations Dataset, Chen et al.,
NAACL 2021) to the conversation JSON Lines that ``empathize score`` reads:
one ``{"id", "turns": [{"role", "text"}]}`` per line.

Reads the released file (``abcd_v1.1.json``: ``{"train": [...], "dev": [...],
"test": [...]}``) or a plain list of dialogues. Each dialogue's ``original``
turns are ``[speaker, text]`` pairs; ``action`` turns (system events such as
"Account has been pulled up") are not messages and are left out unless
``--keep-actions`` is given (the CLI skips them too). Standard library only::

    python examples/python/abcd_to_jsonl.py abcd_v1.1.json > abcd.jsonl
    empathize score abcd.jsonl

    # or straight into the CLI
    python examples/python/abcd_to_jsonl.py abcd_v1.1.json --split dev | empathize score -
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

ROLES = {"agent": "agent", "customer": "customer"}


def dialogues(data: Any, split: str | None = None) -> Iterator[dict[str, Any]]:
    """The dialogues of a loaded ABCD file, in file order (all splits, or one)."""
    if isinstance(data, list):
        if split is not None:
            raise ValueError("this file is a plain list of dialogues: it has no splits")
        yield from data
        return
    if not isinstance(data, dict):
        raise TypeError("expected a list of dialogues or {split: [dialogues]}")
    if "original" in data:  # a single dialogue
        yield data
        return
    names = [split] if split is not None else list(data)
    for name in names:
        if name not in data:
            raise ValueError(f"no split {name!r} (splits: {', '.join(data)})")
        yield from data[name]


def conversation(
    dialogue: dict[str, Any], keep_actions: bool = False
) -> dict[str, Any]:
    """One dialogue as ``{"id", "turns"}``; raises ``ValueError`` on a bad turn."""
    turns = []
    for i, turn in enumerate(dialogue.get("original") or []):
        if not (isinstance(turn, (list, tuple)) and len(turn) == 2):
            raise ValueError(
                f"dialogue {dialogue.get('convo_id')}: turn {i} is not [speaker, text]"
            )
        speaker, text = turn
        role = ROLES.get(str(speaker).lower())
        if role is None:
            if not keep_actions:
                continue
            role = str(speaker).lower()
        turns.append({"role": role, "text": str(text)})
    out: dict[str, Any] = {"id": str(dialogue.get("convo_id", "")), "turns": turns}
    scenario = dialogue.get("scenario") or {}
    if scenario.get("flow"):
        out["flow"] = scenario["flow"]
    return out


def convert(
    data: Any, out: TextIO, split: str | None = None, keep_actions: bool = False
) -> int:
    """Writes one JSON line per dialogue; returns how many were written."""
    n = 0
    for dialogue in dialogues(data, split):
        out.write(json.dumps(conversation(dialogue, keep_actions), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="ABCD JSON file (- for stdin)")
    parser.add_argument("-o", "--output", help="JSONL file to write (default: stdout)")
    parser.add_argument("--split", help="only this split (train, dev, test)")
    parser.add_argument(
        "--keep-actions", action="store_true", help="keep action turns (role 'action')"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.input == "-":
            data = json.load(sys.stdin)
        else:
            with open(args.input, encoding="utf-8") as f:
                data = json.load(f)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                n = convert(data, out, args.split, args.keep_actions)
        else:
            n = convert(data, sys.stdout, args.split, args.keep_actions)
    except (
        OSError,
        TypeError,
        ValueError,
    ) as e:  # json.JSONDecodeError is a ValueError
        print(f"abcd_to_jsonl: {e}", file=sys.stderr)
        return 1
    print(f"abcd_to_jsonl: {n} conversations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
