"""A small usage example, type-checked with ``mypy --strict`` by
``test_typing.py`` (it is also run, so it must work)."""

from __future__ import annotations

import importlib.util

import empathize
from empathize import Analyzer, ConversationReport, MessageReport, ReplySummary, RulePackError


def summarize(report: MessageReport) -> dict[str, object]:
    acknowledgment: float = report.dimensions.acknowledgment
    flags: list[str] = [str(f) for f in report.flags]
    codes: list[str] = [t.code for t in report.tips]
    spans: list[tuple[int, int, str]] = [(m.start, m.end, m.text) for m in report.matches]
    level: int = report.epitome.emotional_reactions
    context: float | None = report.context.distress if report.context is not None else None
    return {
        "score": report.score,
        "acknowledgment": acknowledgment,
        "flags": flags,
        "tips": codes,
        "spans": spans,
        "level": level,
        "context": context,
        "dict": report.to_dict(),
    }


def main() -> None:
    reply = "I’m so sorry 😭 — I understand how frustrating that is."
    report = empathize.score(reply, customer="My order is late and I'm upset!")
    summary = summarize(report)
    assert isinstance(summary["score"], float)
    for m in report.matches:
        assert reply[m.start : m.end] == m.text

    analyzer = Analyzer(disable=None, extra_rules=[], weights={})
    many: list[MessageReport] = analyzer.score_many(iter([reply, "Nope."]), threads=2)
    scores: list[float] = [r.score for r in many]
    assert len(scores) == 2

    # Summaries: the same fields without matches, evidence and breakdown.
    brief: ReplySummary = empathize.score(reply, customer="My order is late!", summary=True)
    briefs: list[ReplySummary] = analyzer.score_many([reply, "Nope."], threads=1, summary=True)
    answered: ReplySummary = analyzer.score_reply("Where is it?", reply, summary=True)
    full: MessageReport = analyzer.score(reply, summary=False)
    either: MessageReport | ReplySummary = analyzer.score(reply, summary=len(reply) > 10)
    assert all(brief.has_tip(t.code) for t in brief.tips) and brief.context is not None
    assert [b.score for b in briefs] == [r.score for r in many]
    assert answered.context is not None and full.matches and either.score == full.score

    customer = empathize.analyze_customer("I'm furious!!!")
    anger: float = customer.emotions.anger
    assert 0.0 <= anger <= 1.0
    learned: list[str] = [m.rule for m in customer.matches if m.source == "learned"]
    logit: float = sum(t.value for t in customer.breakdown)
    pointed: list[int] = [t.match_index for t in customer.breakdown if t.match_index is not None]
    print(learned, logit, pointed)
    strategies: str = empathize.pack("esconv-strategies")
    assert Analyzer(extra_rules=[strategies]).score("I hope you have a great day.").strategies

    conversation: ConversationReport = empathize.analyze_conversation(
        [
            {"role": "customer", "text": "My order is late again."},
            ("agent", "Please send your order number."),
        ]
    )
    missed: list[int] = [m.customer_turn for m in conversation.missed_opportunities]
    for turn in conversation.turns:
        if turn.reply is not None:
            print(turn.index, turn.role, turn.reply.score, missed)

    tokens = empathize.tokenize(reply)
    kinds: list[str] = [t.kind for t in tokens]
    assert kinds

    try:
        Analyzer(rules="[[rules]]\nid = 1\n")
    except RulePackError as e:
        where: tuple[str | None, str | None, int | None] = (e.rule, e.field, e.line)
        print(where, e.message)


def columns() -> None:
    """The columnar API, through Polars (typed, unlike pyarrow)."""
    import polars as pl
    from empathize.polars import score

    names: tuple[str, ...] = ("score", *empathize.DIMENSIONS, "flags", "tips", *empathize.MECHANISMS)
    texts = pl.Series("text", ["I'm so sorry, I'll fix it today.", None])
    result = Analyzer().score_arrow(texts, customers=pl.Series(["My order is late!", None]), threads=1)
    assert list(result.column_names) == list(names) == empathize.arrow_schema().names
    frame: pl.DataFrame = score(pl.DataFrame({"text": texts}))
    assert frame.columns == list(names)
    assert set(empathize.FLAGS) >= set(frame["flags"].explode().drop_nulls())
    assert set(empathize.TIP_CODES) >= set(frame["tips"].explode().drop_nulls())


if __name__ == "__main__":
    main()
    if importlib.util.find_spec("polars") and importlib.util.find_spec("pyarrow"):
        columns()
