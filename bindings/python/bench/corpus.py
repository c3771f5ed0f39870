"""The benchmark corpus: every distinct ``response_post`` of the three EPITOME
dev splits, then the ``text`` column of the TWCS sample (``../shared/data``
next to the repo, or ``--data``), in that order, empty texts dropped.

Standard library only, so that any Python can run it. As a script it writes
the corpus once to a JSONL file that every timer of ``scripts/bench-all.sh``
reads (Rust, Python, Node and the peers time exactly the same bytes):

    python bench/corpus.py --out corpus.jsonl [--data DIR]

One line per text: ``{"text": ..., "customer": ...}``, where ``customer`` is
the EPITOME ``seeker_post`` the response first answered ("" for a tweet; the
Rust ``score_reply`` row uses it). Prints (and writes beside it as
``<out>.meta.json``) the number of texts and their UTF-8 bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def collect(data: Path) -> tuple[list[tuple[str, str]], int]:
    """(customer, text) pairs, texts distinct and non-empty: the EPITOME
    responses first, then the tweets; and how many are EPITOME responses."""
    csv.field_size_limit(sys.maxsize)
    seen: dict[str, str] = {}
    splits = sorted((data / "epitome").glob("*.dev.csv"))
    if not splits:
        raise FileNotFoundError(f"no EPITOME splits under {data / 'epitome'}")
    for split in splits:
        with open(split, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                seen.setdefault(row["response_post"], row["seeker_post"])
    epitome = len(seen) - ("" in seen)
    with open(data / "twcs" / "sample.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            seen.setdefault(row["text"], "")
    return [(customer, text) for text, customer in seen.items() if text], epitome


def load_texts(data: Path) -> list[str]:
    return [text for _, text in collect(data)[0]]


def read_jsonl(path: Path) -> list[str]:
    """The texts of a corpus file written by this script."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description="Writes the benchmark corpus as JSONL.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    pairs, epitome = collect(args.data)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for customer, text in pairs:
            f.write(json.dumps({"text": text, "customer": customer}, ensure_ascii=False) + "\n")
    meta = {
        "texts": len(pairs),
        "bytes": sum(len(text.encode("utf-8")) for _, text in pairs),
        "epitome_texts": epitome,
        "twcs_texts": len(pairs) - epitome,
        "source": "EPITOME dev response_post (distinct) + TWCS sample text",
    }
    Path(f"{args.out}.meta.json").write_text(json.dumps(meta, indent=1))
    print(f"corpus: {meta['texts']} texts, {meta['bytes']} bytes -> {args.out}")


if __name__ == "__main__":
    main()
