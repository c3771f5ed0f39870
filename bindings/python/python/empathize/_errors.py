"""Exceptions raised by empathize (defined in Python, raised from Rust)."""

from __future__ import annotations

from typing import Any

__all__ = ["InternalError", "RulePackError"]


class RulePackError(ValueError):
    """A rule pack could not be parsed or compiled.

    ``str(error)`` names the location and the problem, e.g.
    ``"pack `custom`, rule `x`, field `patterns`, line 5: unclosed group"``.
    The parts are also attributes, each ``None`` when unknown:

    - ``rule``: the id of the offending rule (or lexicon name);
    - ``field``: the offending field (``patterns``, ``category``, ...);
    - ``line``: the 1-based line in the TOML source;
    - ``pack``: the pack (``custom``, ``extra pack #1``, ...);
    - ``message``: the full message, as ``str(error)``;
    - ``detail``: the description of the problem without its location.
    """

    rule: str | None
    field: str | None
    line: int | None
    pack: str | None
    message: str
    detail: str

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        field: str | None = None,
        line: int | None = None,
        pack: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field
        self.line = line
        self.pack = pack
        self.detail = message if detail is None else detail

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the attributes across pickling (multiprocessing, Spark).
        return (_rebuild_rule_pack_error, (self.message, self.rule, self.field, self.line, self.pack, self.detail))

    def __repr__(self) -> str:
        return f"RulePackError({self.message!r}, rule={self.rule!r}, field={self.field!r}, line={self.line!r})"


def _rebuild_rule_pack_error(
    message: str,
    rule: str | None,
    field: str | None,
    line: int | None,
    pack: str | None,
    detail: str | None,
) -> RulePackError:
    return RulePackError(message, rule=rule, field=field, line=line, pack=pack, detail=detail)


class InternalError(RuntimeError):
    """A bug in empathize: a Rust panic caught at the boundary.

    empathize never lets a panic cross into Python as pyo3's
    ``PanicException`` (a ``BaseException`` that ``except Exception`` would
    miss); it raises this instead. Please report it with the input.
    """
