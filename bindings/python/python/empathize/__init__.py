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
and why a forked child process is safe. ``empathize.pandas.score_frame``
scores a DataFrame column (needs ``pip install empathize[pandas]``).
"""

from empathize._errors import InternalError, RulePackError
from empathize._native import (
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
    score,
    score_many,
    score_reply,
    tokenize,
)

__all__ = [
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
    "score",
    "score_many",
    "score_reply",
    "tokenize",
]
