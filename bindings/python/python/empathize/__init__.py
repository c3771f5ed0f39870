"""Measure empathy in customer-service text.

``empathize`` scores agent replies 0-100 and explains every point: the
dimensions of empathy present (acknowledgment, apology, ownership, ...), the
anti-patterns found (policy walls, blame, hollow scripted phrases,
non-apologies, curt refusals), EPITOME levels, a support strategy per
sentence, each rule match with its span, and tips that say what is missing.
It also reads customer messages (distress, emotions, escalation) and whole
conversations (late empathy, missed opportunities, scripted repetition).

    >>> import empathize
    >>> r = empathize.score_reply(
    ...     "My package arrived crushed and I needed it today!",
    ...     "I'm so sorry, that's really frustrating. I'll send a new one today.",
    ... )
    >>> 0 <= r.score <= 100
    True
    >>> [t.code for t in r.tips]  # doctest: +SKIP
    ['confirm_resolution']

Offsets are code points: ``text[m.start:m.end] == m.text`` for every match.

Module-level functions use a default :class:`Analyzer` (the embedded English
pack), created on first use. ``Analyzer.score_many`` scores batches on all
cores with the GIL released; see :class:`Analyzer` for how threads are used
and why a forked child process is safe.

Columnar data: ``Analyzer.score_arrow`` scores an Arrow string column in
place (no Python object per row) and returns Arrow columns (needs
``pip install 'empathize[arrow]'``); ``empathize.pandas.score_frame``,
``empathize.polars.score`` and ``empathize.spark.score`` build on it for
pandas, Polars and Spark DataFrames. ``DIMENSIONS``, ``FLAGS``,
``MECHANISMS`` and ``TIP_CODES`` name what reports and columns can hold.
"""

from empathize._errors import InternalError, RulePackError
from empathize._native import (
    DIMENSIONS,
    FLAGS,
    MECHANISMS,
    TIP_CODES,
    AgentSummary,
    Analyzer,
    ConversationReport,
    CustomerReport,
    Dimensions,
    Emotions,
    Epitome,
    Evidence,
    Match,
    MessageReport,
    MissedOpportunity,
    Repetition,
    ReplyContext,
    RuleInfo,
    ScoreTerm,
    SentenceStrategy,
    Tip,
    Token,
    TurnReport,
    __version__,
    analyze_conversation,
    analyze_customer,
    arrow_schema,
    pack,
    score,
    score_arrow,
    score_many,
    score_reply,
    tokenize,
)

__all__ = [
    "DIMENSIONS",
    "FLAGS",
    "MECHANISMS",
    "TIP_CODES",
    "AgentSummary",
    "Analyzer",
    "ConversationReport",
    "CustomerReport",
    "Dimensions",
    "Emotions",
    "Epitome",
    "Evidence",
    "InternalError",
    "Match",
    "MessageReport",
    "MissedOpportunity",
    "Repetition",
    "ReplyContext",
    "RuleInfo",
    "RulePackError",
    "ScoreTerm",
    "SentenceStrategy",
    "Tip",
    "Token",
    "TurnReport",
    "__version__",
    "analyze_conversation",
    "analyze_customer",
    "arrow_schema",
    "pack",
    "score",
    "score_arrow",
    "score_many",
    "score_reply",
    "tokenize",
]
