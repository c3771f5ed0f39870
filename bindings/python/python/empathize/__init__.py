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
pack), created on first use. Optional context is keyword-only:
``score(text, customer=...)``; ``summary=True`` returns a
:class:`ReplySummary` (the report without matches, evidence and breakdown,
which are then never built). ``Analyzer.score_many`` scores batches on all
cores with the GIL released; see :class:`Analyzer` for how threads are used
and why a forked child process is safe.

Columnar data: ``Analyzer.score_arrow`` scores an Arrow string column in
place (no Python object per row) and returns Arrow columns (needs
``pip install 'empathize[arrow]'``); ``empathize.pandas.score_frame``,
``empathize.polars.score`` and ``empathize.spark.score`` build on it for
pandas, Polars and Spark DataFrames. ``DIMENSIONS``, ``FLAGS``,
``MECHANISMS`` and ``TIP_CODES`` name what reports and columns can hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, overload

from empathize._errors import InternalError, RulePackError
from empathize._native import (
    DIMENSIONS,
    FLAGS,
    MECHANISMS,
    TIP_CODES,
    Analyzer,
    __version__,
    arrow_schema,
    pack,
)
from empathize._reports import (
    AgentSummary,
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
    ReplySummary,
    RuleInfo,
    ScoreTerm,
    SentenceStrategy,
    Tip,
    Token,
    TurnReport,
)

if TYPE_CHECKING:
    from empathize._native import _ArrowStrings, _TurnInput

_default: Analyzer | None = None


def _analyzer() -> Analyzer:
    """The analyzer of the module-level functions (the default pack; cheap:
    the pack is compiled once per process)."""
    global _default
    if _default is None:
        _default = Analyzer()
    return _default


@overload
def score(text: str, *args: object, customer: str | None = None, summary: Literal[False] = False) -> MessageReport: ...
@overload
def score(text: str, *args: object, customer: str | None = None, summary: Literal[True]) -> ReplySummary: ...
@overload
def score(
    text: str, *args: object, customer: str | None = None, summary: bool = False
) -> MessageReport | ReplySummary: ...
def score(text: str, *args: object, customer: str | None = None, summary: bool = False) -> MessageReport | ReplySummary:
    """Scores an agent reply; ``customer=`` is the message it answers,
    ``summary=True`` gives a :class:`ReplySummary`. See :meth:`Analyzer.score`."""
    analyzer = _default or _analyzer()
    if args or customer is not None or summary is not False:
        return analyzer.score(text, *args, customer=customer, summary=summary)
    # The common call passes no keywords on: the native method (abi3, so no
    # vectorcall) then gets no keyword dict to build and parse (~0.2 us a call).
    return analyzer.score(text)


@overload
def score_reply(customer: str, reply: str, *, summary: Literal[False] = False) -> MessageReport: ...
@overload
def score_reply(customer: str, reply: str, *, summary: Literal[True]) -> ReplySummary: ...
@overload
def score_reply(customer: str, reply: str, *, summary: bool = False) -> MessageReport | ReplySummary: ...
def score_reply(customer: str, reply: str, *, summary: bool = False) -> MessageReport | ReplySummary:
    """Scores an agent ``reply`` to a ``customer`` message. See :meth:`Analyzer.score_reply`."""
    analyzer = _default or _analyzer()
    if summary is not False:
        return analyzer.score_reply(customer, reply, summary=summary)
    return analyzer.score_reply(customer, reply)


@overload
def score_many(
    texts: Iterable[str],
    *args: object,
    customers: Iterable[str | None] | None = None,
    threads: int | None = None,
    summary: Literal[False] = False,
) -> list[MessageReport]: ...
@overload
def score_many(
    texts: Iterable[str],
    *args: object,
    customers: Iterable[str | None] | None = None,
    threads: int | None = None,
    summary: Literal[True],
) -> list[ReplySummary]: ...
@overload
def score_many(
    texts: Iterable[str],
    *args: object,
    customers: Iterable[str | None] | None = None,
    threads: int | None = None,
    summary: bool = False,
) -> list[MessageReport] | list[ReplySummary]: ...
def score_many(
    texts: Iterable[str],
    *args: object,
    customers: Iterable[str | None] | None = None,
    threads: int | None = None,
    summary: bool = False,
) -> list[MessageReport] | list[ReplySummary]:
    """Scores many replies in parallel. See :meth:`Analyzer.score_many`."""
    return _analyzer().score_many(texts, *args, customers=customers, threads=threads, summary=summary)


def score_arrow(
    texts: _ArrowStrings,
    *args: object,
    customers: _ArrowStrings | None = None,
    threads: int | None = None,
) -> Any:
    """Scores an Arrow string column. See :meth:`Analyzer.score_arrow`."""
    return _analyzer().score_arrow(texts, *args, customers=customers, threads=threads)


def analyze_customer(text: str) -> CustomerReport:
    """Reads a customer message. See :meth:`Analyzer.analyze_customer`."""
    return (_default or _analyzer()).analyze_customer(text)


def analyze_conversation(turns: Iterable[_TurnInput]) -> ConversationReport:
    """Analyzes a conversation. See :meth:`Analyzer.analyze_conversation`."""
    return (_default or _analyzer()).analyze_conversation(turns)


def tokenize(text: str) -> list[Token]:
    """Splits text into tokens with code-point offsets. See :meth:`Analyzer.tokenize`."""
    return (_default or _analyzer()).tokenize(text)


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
    "ReplySummary",
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
