"""Type stubs of the native module ``empathize._native`` (hand-written,
checked against the runtime by ``python -m mypy.stubtest empathize._native``).

Report classes are immutable views of the Rust reports: their fields are
read-only properties converted on access. They cannot be constructed from
Python; they come from ``score``, ``analyze_customer``, ... .
"""

from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol, final

from typing_extensions import TypeAlias

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
    "Match",
    "MessageReport",
    "MissedOpportunity",
    "Repetition",
    "ReplyContext",
    "RuleInfo",
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

__version__: str

#: The thirteen dimensions, in report and column order.
DIMENSIONS: tuple[str, ...]
#: Every flag (anti-pattern) a reply can carry.
FLAGS: tuple[str, ...]
#: The three EPITOME mechanisms, in column order.
MECHANISMS: tuple[str, ...]
#: Every tip code the library can give.
TIP_CODES: tuple[str, ...]

class _ArrowArrayExportable(Protocol):
    """An Arrow array through the PyCapsule interface (``pyarrow.Array``, ...)."""

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]: ...

class _ArrowStreamExportable(Protocol):
    """An Arrow stream through the PyCapsule interface (``pyarrow.ChunkedArray``,
    a polars ``Series``, ...)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...

#: An Arrow string column (``string``, ``large_string`` or ``string_view``).
#: pyarrow ships no type information, so its objects are ``Any`` to a type
#: checker and fit here.
_ArrowStrings: TypeAlias = _ArrowArrayExportable | _ArrowStreamExportable

_Strategy: TypeAlias = Literal[
    "question",
    "restatement",
    "reflection_of_feelings",
    "self_disclosure",
    "affirmation_reassurance",
    "suggestion",
    "information",
    "other",
]
_Mechanism: TypeAlias = Literal["emotional_reactions", "interpretations", "explorations"]
_Polarity: TypeAlias = Literal["positive", "negative", "neutral"]
_TermSource: TypeAlias = Literal["bias", "match", "derived", "context", "rules", "learned"]
_TokenKind: TypeAlias = Literal[
    "word", "number", "punct", "emoji", "emoticon", "url", "email", "mention", "hashtag", "symbol"
]
_Role: TypeAlias = Literal["customer", "agent"]

#: A conversation turn: ``{"role": ..., "text": ..., "agent_id"?: ..., "timestamp"?: ...}``
#: or a ``(role, text)`` pair. Roles also accept aliases (user, bot, assistant, ...).
_TurnInput: TypeAlias = Mapping[str, Any] | tuple[str, str] | list[str]

@final
class Dimensions:
    """A value 0-1 for each positive quality of a reply."""

    @property
    def acknowledgment(self) -> float: ...
    @property
    def apology(self) -> float: ...
    @property
    def understanding(self) -> float: ...
    @property
    def restatement(self) -> float: ...
    @property
    def care(self) -> float: ...
    @property
    def ownership(self) -> float: ...
    @property
    def options(self) -> float: ...
    @property
    def exploration(self) -> float: ...
    @property
    def follow_up(self) -> float: ...
    @property
    def reassurance(self) -> float: ...
    @property
    def appreciation(self) -> float: ...
    @property
    def warmth(self) -> float: ...
    @property
    def personalization(self) -> float: ...
    def to_dict(self) -> dict[str, float]:
        """``{dimension: value}`` for all thirteen dimensions, in report order."""

@final
class Emotions:
    """A value 0-1 for each emotion of a customer message."""

    @property
    def anger(self) -> float: ...
    @property
    def frustration(self) -> float: ...
    @property
    def sadness(self) -> float: ...
    @property
    def anxiety(self) -> float: ...
    @property
    def disappointment(self) -> float: ...
    @property
    def confusion(self) -> float: ...
    @property
    def urgency(self) -> float: ...
    @property
    def gratitude(self) -> float: ...
    def to_dict(self) -> dict[str, float]:
        """``{emotion: value}`` for all eight emotions."""

@final
class Epitome:
    """EPITOME levels of a reply: 0 none, 1 weak, 2 strong."""

    @property
    def emotional_reactions(self) -> int: ...
    @property
    def interpretations(self) -> int: ...
    @property
    def explorations(self) -> int: ...
    def to_dict(self) -> dict[str, int]:
        """``{mechanism: level}``."""

@final
class Match:
    """One rule hit or learned n-gram; ``text[start:end] == match.text`` (code points)."""

    @property
    def rule(self) -> str: ...
    @property
    def source(self) -> Literal["rule", "learned"]: ...
    @property
    def category(self) -> str: ...
    @property
    def polarity(self) -> _Polarity: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def contribution(self) -> float: ...
    @property
    def negated(self) -> bool: ...
    @property
    def suppressed(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]:
        """The match as plain JSON-ready data."""

@final
class Tip:
    """A suggestion for the agent, with a stable code."""

    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    def to_dict(self) -> dict[str, str]:
        """The tip as plain JSON-ready data."""

@final
class SentenceStrategy:
    """The support strategy (ESConv taxonomy) of one sentence."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strategy(self) -> _Strategy: ...
    def to_dict(self) -> dict[str, Any]:
        """The sentence strategy as plain JSON-ready data."""

@final
class Evidence:
    """A piece of EPITOME evidence: a sentence and what it adds to a mechanism."""

    @property
    def mechanism(self) -> _Mechanism: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def source(self) -> str: ...
    def to_dict(self) -> dict[str, Any]:
        """The evidence as plain JSON-ready data."""

@final
class ScoreTerm:
    """One additive term of a logit (a reply's score, a customer's distress)."""

    @property
    def source(self) -> _TermSource: ...
    @property
    def label(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def match_index(self) -> int | None: ...
    def to_dict(self) -> dict[str, Any]:
        """The term as plain JSON-ready data."""

@final
class ReplyContext:
    """What the score of a reply knew about the customer message."""

    @property
    def distress(self) -> float: ...
    @property
    def distress_level(self) -> int: ...
    @property
    def complaint(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]:
        """The context as plain JSON-ready data."""

@final
class MessageReport:
    """The report on one agent reply."""

    @property
    def score(self) -> float: ...
    @property
    def logit(self) -> float: ...
    @property
    def dimensions(self) -> Dimensions: ...
    @property
    def flags(self) -> list[str]: ...
    @property
    def epitome(self) -> Epitome: ...
    @property
    def evidence(self) -> list[Evidence]: ...
    @property
    def strategies(self) -> list[SentenceStrategy]: ...
    @property
    def matches(self) -> list[Match]: ...
    @property
    def breakdown(self) -> list[ScoreTerm]: ...
    @property
    def tips(self) -> list[Tip]: ...
    @property
    def context(self) -> ReplyContext | None: ...
    def has_flag(self, name: str) -> bool:
        """Whether the report carries the flag ``name``."""
    def has_tip(self, code: str) -> bool:
        """Whether the report carries the tip with this ``code``."""
    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with the Rust serde field names."""
    def _repr_html_(self) -> str:
        """The reply as HTML (highlighted matches, score, flags, tips), for notebooks."""

@final
class CustomerReport:
    """The report on one customer message."""

    @property
    def distress(self) -> float: ...
    @property
    def distress_level(self) -> int: ...
    @property
    def emotions(self) -> Emotions: ...
    @property
    def escalation(self) -> bool: ...
    @property
    def repetition(self) -> bool: ...
    @property
    def emphasis(self) -> bool: ...
    @property
    def complaint(self) -> bool: ...
    @property
    def matches(self) -> list[Match]: ...
    @property
    def breakdown(self) -> list[ScoreTerm]: ...
    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with the Rust serde field names."""
    def _repr_html_(self) -> str:
        """The message as HTML (highlighted cues, distress, emotions), for notebooks."""

@final
class Token:
    """A token of the input, with code-point offsets."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> _TokenKind: ...
    @property
    def norm(self) -> str: ...
    @property
    def sentence(self) -> int: ...
    @property
    def caps(self) -> bool: ...
    @property
    def elongated(self) -> bool: ...
    @property
    def emphatic(self) -> bool: ...
    @property
    def negated(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]:
        """The token as plain JSON-ready data."""

@final
class RuleInfo:
    """A rule of the active packs."""

    @property
    def id(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def patterns(self) -> list[str]: ...
    @property
    def epitome(self) -> tuple[_Mechanism, int] | None: ...
    @property
    def strategy(self) -> _Strategy | None: ...
    @property
    def description(self) -> str: ...
    @property
    def pack(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    def to_dict(self) -> dict[str, Any]:
        """The rule as plain JSON-ready data."""

@final
class MissedOpportunity:
    """A distressed customer turn the next agent turn did not acknowledge."""

    @property
    def customer_turn(self) -> int: ...
    @property
    def agent_turn(self) -> int: ...
    @property
    def distress_level(self) -> int: ...
    def to_dict(self) -> dict[str, int]:
        """As plain JSON-ready data."""

@final
class Repetition:
    """An agent phrase reused across turns."""

    @property
    def phrase(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def turns(self) -> list[int]: ...
    def to_dict(self) -> dict[str, Any]:
        """As plain JSON-ready data."""

@final
class AgentSummary:
    """One agent's summary across a conversation."""

    @property
    def agent_id(self) -> str: ...
    @property
    def turns(self) -> int: ...
    @property
    def mean_score(self) -> float: ...
    @property
    def empathic_turns(self) -> int: ...
    @property
    def missed_opportunities(self) -> int: ...
    @property
    def flags(self) -> dict[str, int]: ...
    def to_dict(self) -> dict[str, Any]:
        """As plain JSON-ready data."""

@final
class TurnReport:
    """The report on one turn of a conversation."""

    @property
    def index(self) -> int: ...
    @property
    def role(self) -> _Role: ...
    @property
    def agent_id(self) -> str | None: ...
    @property
    def customer(self) -> CustomerReport | None: ...
    @property
    def reply(self) -> MessageReport | None: ...
    def to_dict(self) -> dict[str, Any]:
        """The turn report as plain JSON-ready data."""

@final
class ConversationReport:
    """The report on a whole conversation."""

    @property
    def score(self) -> float: ...
    @property
    def breakdown(self) -> list[ScoreTerm]: ...
    @property
    def turns(self) -> list[TurnReport]: ...
    @property
    def first_distress_turn(self) -> int | None: ...
    @property
    def peak_distress_turn(self) -> int | None: ...
    @property
    def first_empathy_turn(self) -> int | None: ...
    @property
    def empathy_latency(self) -> int | None: ...
    @property
    def late_empathy(self) -> bool: ...
    @property
    def missed_opportunities(self) -> list[MissedOpportunity]: ...
    @property
    def scripted_repetition(self) -> list[Repetition]: ...
    @property
    def question_streak(self) -> int: ...
    @property
    def resolution_confirmed(self) -> bool: ...
    @property
    def tips(self) -> list[Tip]: ...
    @property
    def agents(self) -> list[AgentSummary]: ...
    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with the Rust serde field names."""
    def _repr_html_(self) -> str:
        """The conversation as HTML (every turn highlighted, with its report), for notebooks."""

@final
class Analyzer:
    """Compiled rule packs; see the runtime docstring for threads and fork safety."""

    def __new__(
        cls,
        rules: str | None = None,
        extra_rules: str | Iterable[str] | None = None,
        disable: str | Iterable[str] | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> Analyzer: ...
    @property
    def pack(self) -> str: ...
    def score(self, text: str, customer: str | None = None) -> MessageReport:
        """Scores an agent reply, with the customer message as context when given."""
    def score_reply(self, customer: str, reply: str) -> MessageReport:
        """Scores an agent ``reply`` to a ``customer`` message."""
    def score_many(
        self,
        texts: Iterable[str],
        customers: Iterable[str | None] | None = None,
        threads: int | None = None,
    ) -> list[MessageReport]:
        """Scores many replies in parallel, GIL released, in input order."""
    def _score_columns(
        self,
        texts: Iterable[str],
        customers: Iterable[str | None] | None = None,
        threads: int | None = None,
    ) -> dict[str, list[Any]]: ...
    def score_arrow(
        self,
        texts: _ArrowStrings,
        customers: _ArrowStrings | None = None,
        threads: int | None = None,
    ) -> Any:
        """Scores an Arrow string column in place (GIL released, all cores);
        returns a ``pyarrow.RecordBatch`` for an array, a ``pyarrow.Table``
        for a chunked array or stream, with the columns of :func:`arrow_schema`."""
    def analyze_customer(self, text: str) -> CustomerReport:
        """Reads a customer message: distress, emotions, escalation, repetition."""
    def analyze_conversation(self, turns: Iterable[_TurnInput]) -> ConversationReport:
        """Analyzes a conversation."""
    def tokenize(self, text: str) -> list[Token]:
        """Splits text into tokens with code-point offsets."""
    def rules(self) -> list[RuleInfo]:
        """The rules of the active packs."""
    def __reduce__(self) -> tuple[type[Analyzer], tuple[Any, ...]]: ...

def score(text: str, customer: str | None = None) -> MessageReport:
    """Scores an agent reply with the default analyzer."""

def score_reply(customer: str, reply: str) -> MessageReport:
    """Scores an agent ``reply`` to a ``customer`` message with the default analyzer."""

def score_many(
    texts: Iterable[str],
    customers: Iterable[str | None] | None = None,
    threads: int | None = None,
) -> list[MessageReport]:
    """Scores many replies in parallel with the default analyzer."""

def score_arrow(
    texts: _ArrowStrings,
    customers: _ArrowStrings | None = None,
    threads: int | None = None,
) -> Any:
    """Scores an Arrow string column with the default analyzer; see ``Analyzer.score_arrow``."""

def arrow_schema() -> Any:
    """The ``pyarrow.Schema`` of ``score_arrow`` results."""

def analyze_customer(text: str) -> CustomerReport:
    """Reads a customer message with the default analyzer."""

def analyze_conversation(turns: Iterable[_TurnInput]) -> ConversationReport:
    """Analyzes a conversation with the default analyzer."""

def pack(name: str) -> str:
    """The TOML text of a bundled opt-in pack (``esconv-strategies``: non-commercial)."""

def tokenize(text: str) -> list[Token]:
    """Splits text into tokens (code-point offsets) with the default analyzer."""

def _bench_native(texts: Iterable[str], iterations: int = 1, threads: int | None = None) -> float:
    """Bench helper: seconds for ``iterations`` native ``score_batch`` runs."""

def _score_style(score: float) -> str:
    """Inline CSS colouring a score cell like the HTML reports' score badge."""

def _test_panic(in_pool: bool = False) -> None:
    """Test helper: panics in Rust (raises ``empathize.InternalError``)."""
