"""Score the bundled sample conversations and print per-agent means.

Run after installing the package (``pip install ./bindings/python``)::

    python examples/python/score_conversations.py examples/data/conversations.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import empathize


def main(path: str) -> None:
    analyzer = empathize.Analyzer()
    by_agent: dict[str, list[float]] = defaultdict(list)
    late = 0
    total = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            convo = json.loads(line)
            report = analyzer.analyze_conversation(convo["turns"])
            total += 1
            late += report.late_empathy
            for turn in report.turns:
                if turn.reply is not None and turn.agent_id:
                    by_agent[turn.agent_id].append(turn.reply.score)
    print(f"{total} conversations, late empathy in {late}")
    for agent, scores in sorted(by_agent.items(), key=lambda kv: -sum(kv[1]) / len(kv[1])):
        print(f"  {agent:<10} {len(scores):>4} replies  mean {sum(scores) / len(scores):5.1f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "examples/data/conversations.jsonl")
