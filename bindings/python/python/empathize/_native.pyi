"""Type stubs of the native module ``empathize._native`` (hand-written,
checked against the runtime by ``python -m mypy.stubtest empathize._native``).

The report types come from ``empathize._reports``, generated from the core.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol, final, overload

from typing_extensions import Self, TypeAlias, disjoint_base

from empathize._reports import ConversationReport, CustomerReport, MessageReport, ReplySummary, RuleInfo, Token

__all__ = ["DIMENSIONS", "FLAGS", "MECHANISMS", "TIP_CODES", "Analyzer", "__version__", "arrow_schema", "pack"]

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

#: A conversation turn: ``{"role": ..., "text": ..., "agent_id"?: ..., "timestamp"?: ...}``
#: or a ``(role, text)`` pair. Roles also accept aliases (user, bot, assistant, ...).
_TurnInput: TypeAlias = Mapping[str, Any] | tuple[str, str] | list[str]

@disjoint_base
class _Native:
    """The base of every report class: the Rust report of a lazy one (private)."""

    def __new__(cls, *_args: object, **_kwargs: object) -> Self: ...
    def _lazy(self) -> bool: ...
    def _field(self, name: str) -> Any: ...
    def _to_dict(self) -> dict[str, Any]: ...
    def _html(self) -> str: ...

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
    @overload
    def score(
        self, text: str, *args: object, customer: str | None = None, summary: Literal[False] | None = None
    ) -> MessageReport:
        """Scores an agent reply, with the customer message as context when given;
        ``summary=True`` gives a :class:`ReplySummary` (no matches, evidence, breakdown)."""
    @overload
    def score(self, text: str, *args: object, customer: str | None = None, summary: Literal[True]) -> ReplySummary: ...
    @overload
    def score(
        self, text: str, *args: object, customer: str | None = None, summary: bool | None = None
    ) -> MessageReport | ReplySummary: ...
    @overload
    def score_reply(self, customer: str, reply: str, *, summary: Literal[False] | None = None) -> MessageReport:
        """Scores an agent ``reply`` to a ``customer`` message (``summary=True``: a :class:`ReplySummary`)."""
    @overload
    def score_reply(self, customer: str, reply: str, *, summary: Literal[True]) -> ReplySummary: ...
    @overload
    def score_reply(
        self, customer: str, reply: str, *, summary: bool | None = None
    ) -> MessageReport | ReplySummary: ...
    @overload
    def score_many(
        self,
        texts: Iterable[str],
        *args: object,
        customers: Iterable[str | None] | None = None,
        threads: int | None = None,
        summary: Literal[False] | None = None,
    ) -> list[MessageReport]:
        """Scores many replies in parallel, GIL released, in input order
        (``summary=True``: :class:`ReplySummary` reports)."""
    @overload
    def score_many(
        self,
        texts: Iterable[str],
        *args: object,
        customers: Iterable[str | None] | None = None,
        threads: int | None = None,
        summary: Literal[True],
    ) -> list[ReplySummary]: ...
    @overload
    def score_many(
        self,
        texts: Iterable[str],
        *args: object,
        customers: Iterable[str | None] | None = None,
        threads: int | None = None,
        summary: bool | None = None,
    ) -> list[MessageReport] | list[ReplySummary]: ...
    def _score_columns(
        self,
        texts: Iterable[str],
        *,
        customers: Iterable[str | None] | None = None,
        threads: int | None = None,
    ) -> dict[str, list[Any]]: ...
    def score_arrow(
        self,
        texts: _ArrowStrings,
        *args: object,
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

def arrow_schema() -> Any:
    """The ``pyarrow.Schema`` of ``score_arrow`` results."""

def pack(name: str) -> str:
    """The TOML text of a bundled opt-in pack (``esconv-strategies``: non-commercial)."""

def _score_style(score: float) -> str:
    """Inline CSS colouring a score cell like the HTML reports' score badge."""

# Only in builds with the `testing` feature (the test suite's and benchmarks').
def _bench_native(
    texts: Iterable[str], iterations: int = 1, threads: int | None = None, summary: bool = False
) -> float:
    """Bench helper: seconds for ``iterations`` native scoring runs."""

def _test_panic(in_pool: bool = False) -> None:
    """Test helper: panics in Rust (raises ``empathize.InternalError``)."""
