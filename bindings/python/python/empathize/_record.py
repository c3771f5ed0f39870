"""The base of every report class, and the methods a few reports add.

The report classes themselves are generated from the core (``_reports.py``);
this module holds what no schema can say: how a report object stores its
fields, converts them lazily, compares, prints and renders.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeVar

from empathize._native import _Native

_R = TypeVar("_R", bound="Record")


class Record(_Native, Mapping[str, Any]):
    """A read-only report: fields as attributes (``r.score``), as a mapping
    (``r["score"]``, ``dict(r)``), and as plain data with :meth:`to_dict`.

    A report a call returns converts each field from Rust the first time it
    is read; reports inside it are converted whole. The Rust report lives in
    the native base ``_Native``: the native module makes a report with
    ``_Native.__new__(cls)`` and sets it in place (one C call per report, no
    Python frame; ``record.rs``); a report converted whole holds none.
    """

    __slots__ = ("__dict__",)
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(f"{type(self).__name__} objects come from Analyzer calls; they cannot be built")

    def __getattr__(self, name: str) -> Any:
        # Called only for a field not read yet (or a name that is no field).
        if name.startswith("_") or name not in type(self)._fields or not self._lazy():
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self._field(name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __getitem__(self, key: str) -> Any:
        if key not in type(self)._fields:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(type(self)._fields)

    def __len__(self) -> int:
        return len(type(self)._fields)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain dicts, lists and scalars (JSON-ready), in the
        field order of the Rust structs."""
        if self._lazy():
            data: dict[str, Any] = self._to_dict()
            return data
        return {name: _plain(value) for name, value in self.__dict__.items()}

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        assert isinstance(other, Record)
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"{name}={_short(value)}" for name, value in self.to_dict().items()]
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_build, (type(self), {name: self[name] for name in self}))


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _short(value: Any) -> str:
    """A field as ``repr`` shows it: numbers rounded, long lists counted."""
    if isinstance(value, float):
        return repr(round(value, 3))
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return repr(value)
        return f"[{len(value)} items]"
    if isinstance(value, dict):
        shown = {k: round(v, 3) if isinstance(v, float) else v for k, v in value.items() if v}
        return repr(shown) if all(not isinstance(v, (dict, list)) for v in shown.values()) else "{...}"
    return repr(value)


def _build(cls: type[_R], fields: dict[str, Any]) -> _R:
    """A report of class ``cls`` holding ``fields`` (all converted)."""
    record = _Native.__new__(cls)
    object.__setattr__(record, "__dict__", fields)
    return record


class HtmlMethods:
    """Rendering in notebooks (Jupyter calls ``_repr_html_``)."""

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        """The report with its text and highlighted matches, as HTML; None
        for a report read from inside another one (render that one)."""
        record: Any = self  # a Record: the report classes put this mixin first
        return str(record._html()) if record._lazy() else None


class ReplySummaryMethods:
    """Questions a reply report or summary answers."""

    __slots__ = ()

    def has_flag(self, name: str) -> bool:
        """Whether the reply raised the anti-pattern ``name`` (one of ``FLAGS``)."""
        return name in self.flags  # type: ignore[attr-defined]

    def has_tip(self, code: str) -> bool:
        """Whether the report carries the tip ``code`` (one of ``TIP_CODES``)."""
        return any(t.code == code for t in self.tips)  # type: ignore[attr-defined]


class MessageReportMethods(ReplySummaryMethods, HtmlMethods):
    """Questions a reply report answers, and its rendering (a summary has no
    matches to render)."""

    __slots__ = ()
