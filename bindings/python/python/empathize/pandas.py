"""Score a pandas DataFrame column of agent replies.

Needs pandas (``pip install empathize[pandas]``). ``import empathize`` never
imports pandas; importing this module does.

    >>> import pandas as pd
    >>> from empathize.pandas import score_frame
    >>> df = pd.DataFrame({"text": ["I'm so sorry, I'll fix it today.", "Per policy, no."]})
    >>> scores = score_frame(df)
    >>> list(scores.columns)[:2]
    ['score', 'acknowledgment']

With pyarrow installed (``pip install 'empathize[arrow]'``), ``score_frame``
hands the column to :meth:`empathize.Analyzer.score_arrow`: an Arrow-backed
string column (pandas 3's default ``str``, ``string[pyarrow]``,
``ArrowDtype``) is read in place, and the result holds no Python object per
row (``flags`` and ``tips`` stay Arrow lists). Without pyarrow it copies the
texts through Python lists; the values are the same.

In a notebook, ``styled(score_frame(df))`` shows the scores as a table with
each score coloured like the HTML reports' badges (green ≥ 65, amber ≥ 40,
red below) and the flags in red (needs jinja2, as pandas' ``Styler`` does).
A single report (``empathize.score(...)``) renders as highlighted HTML by
itself.
"""

from __future__ import annotations

import importlib
from typing import Any

try:
    import pandas as pd
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("empathize.pandas needs pandas: pip install 'empathize[pandas]'") from e

from empathize._native import DIMENSIONS, MECHANISMS, Analyzer, _score_style

__all__ = ["COLUMNS", "DIMENSIONS", "MECHANISMS", "score_frame", "styled"]

#: The columns of :func:`score_frame`, in order (the order of
#: :func:`empathize.arrow_schema`). ``DIMENSIONS`` and ``MECHANISMS`` come
#: from the core.
COLUMNS: tuple[str, ...] = ("score", *DIMENSIONS, "flags", "tips", *MECHANISMS)

_default: Analyzer | None = None


def _default_analyzer() -> Analyzer:
    global _default
    if _default is None:
        _default = Analyzer()
    return _default


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def score_frame(
    df: pd.DataFrame,
    column: str = "text",
    customer_column: str | None = None,
    *,
    analyzer: Analyzer | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """Scores the replies in ``df[column]`` and returns one row per input row.

    The result has the index of ``df`` and these columns:

    - ``score`` (float, 0-100);
    - one float column per dimension (``acknowledgment``, ``apology``, ...,
      see :data:`DIMENSIONS`);
    - ``flags``: the list of flags of each reply;
    - ``tips``: the list of tip codes of each reply;
    - ``emotional_reactions``, ``interpretations``, ``explorations``: the
      EPITOME levels 0-2 (nullable ``Int8``).

    With ``customer_column``, each reply is scored against the customer
    message of its row (a missing customer message means no context). A
    missing reply (``None``/``NaN``) gives a row of missing values (``NaN``
    scores, missing lists and levels). Scoring runs in parallel with the GIL
    released (``threads`` as in :meth:`empathize.Analyzer.score_many`);
    ``analyzer`` defaults to the default English pack.

    With pyarrow installed the Arrow path is used and ``flags``/``tips`` are
    ``pd.ArrowDtype(list<string>)`` columns (``.tolist()`` gives lists, a
    missing row is ``pd.NA``); without it they are object columns of lists
    (``None`` for a missing row).

    Join the result back with ``df.join(score_frame(df))``.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, not {type(df).__name__}")
    if column not in df.columns:
        raise KeyError(f"no column {column!r} in the DataFrame")
    if customer_column is not None and customer_column not in df.columns:
        raise KeyError(f"no column {customer_column!r} in the DataFrame")
    analyzer = analyzer if analyzer is not None else _default_analyzer()
    pa = _pyarrow()
    if pa is not None:
        return _score_frame_arrow(pa, df, column, customer_column, analyzer, threads)

    texts = df[column].tolist()
    present = [i for i, t in enumerate(texts) if _is_text(t)]
    customers: list[str | None] | None = None
    if customer_column is not None:
        raw = df[customer_column].tolist()
        _check_texts(raw, customer_column, df.index)
        customers = [raw[i] if _is_text(raw[i]) else None for i in present]
    _check_texts(texts, column, df.index)

    columns = analyzer._score_columns([texts[i] for i in present], customers=customers, threads=threads)
    n = len(texts)
    if len(present) == n:
        data: dict[str, Any] = {name: columns[name] for name in ("score", *DIMENSIONS, "flags", "tips")}
        for name in MECHANISMS:
            data[name] = pd.array(columns[name], dtype="Int8")
        return pd.DataFrame(data, index=df.index)

    # Some rows have no reply: scatter the scored rows, NA elsewhere.
    def scatter(values: list[Any], missing: Any) -> list[Any]:
        out = [missing] * n
        for j, i in enumerate(present):
            out[i] = values[j]
        return out

    data = {name: scatter(columns[name], float("nan")) for name in ("score", *DIMENSIONS)}
    data["flags"] = scatter(columns["flags"], None)
    data["tips"] = scatter(columns["tips"], None)
    for name in MECHANISMS:
        data[name] = pd.array(scatter(columns[name], None), dtype="Int8")
    return pd.DataFrame(data, index=df.index)


def styled(scores: pd.DataFrame, *, precision: int = 1) -> Any:
    """A ``pandas.io.formats.style.Styler`` of a :func:`score_frame` result
    (or any frame with a ``score`` column, such as ``df.join(scores)``) for
    notebooks: scores coloured like the HTML reports' score badges, flags in
    red, numbers rounded to ``precision`` decimals. Missing rows stay blank.

    >>> styled(score_frame(df))                      # doctest: +SKIP
    >>> styled(df.join(score_frame(df)))             # doctest: +SKIP
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores must be a pandas DataFrame, not {type(scores).__name__}")
    if "score" not in scores.columns:
        raise KeyError("no column 'score': pass the result of score_frame (or a frame joined with it)")

    def score_cell(value: Any) -> str:
        return "" if _is_missing(value) else _score_style(float(value))

    def flags_cell(value: Any) -> str:
        if value is None or (not hasattr(value, "__len__") and _is_missing(value)):
            return ""
        return "color: #cf222e; font-weight: 600" if len(value) else ""

    def as_list(value: Any) -> str:
        if value is None or (not hasattr(value, "__len__") and _is_missing(value)):
            return ""
        return ", ".join(str(v) for v in value)

    def cellwise(styler: Any, func: Any, column: str) -> Any:
        # Styler.map is pandas >= 2.1; older releases call it applymap.
        method = getattr(styler, "map", None) or styler.applymap
        return method(func, subset=[column])

    styler = cellwise(scores.style, score_cell, "score")
    lists = [c for c in ("flags", "tips") if c in scores.columns]
    if "flags" in scores.columns:
        styler = cellwise(styler, flags_cell, "flags")
    floats = [c for c in scores.columns if c not in lists and pd.api.types.is_float_dtype(scores[c])]
    styler = styler.format(precision=precision, subset=floats, na_rep="")
    if lists:
        styler = styler.format(as_list, subset=lists)
    return styler


def _check_texts(values: list[Any], name: str, index: pd.Index) -> None:
    for i, t in enumerate(values):
        if not _is_text(t) and not _is_missing(t):
            raise TypeError(f"{name}[{index[i]!r}] must be str or missing, not {type(t).__name__}")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pyarrow() -> Any:
    """pyarrow if it can be imported, else ``None``."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        return None


def _arrow_strings(pa: Any, series: pd.Series[Any], name: str) -> Any:
    """The column as an Arrow string array: in place for an Arrow-backed
    column, converted once for an object column."""
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise TypeError(f"{name} must hold str or missing values: {e}") from e
    if pa.types.is_dictionary(array.type) and _is_arrow_string(pa, array.type.value_type):
        array = array.cast(array.type.value_type)  # a categorical column
    if not (_is_arrow_string(pa, array.type) or pa.types.is_null(array.type)):
        raise TypeError(f"{name} must hold str or missing values, not {array.type}")
    return array


def _is_arrow_string(pa: Any, t: Any) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _score_frame_arrow(
    pa: Any,
    df: pd.DataFrame,
    column: str,
    customer_column: str | None,
    analyzer: Analyzer,
    threads: int | None,
) -> pd.DataFrame:
    texts = _arrow_strings(pa, df[column], column)
    customers = None if customer_column is None else _arrow_strings(pa, df[customer_column], customer_column)
    result = analyzer.score_arrow(texts, customers=customers, threads=threads)

    def dtype(t: Any) -> Any:
        if t == pa.int8():
            return pd.Int8Dtype()
        if pa.types.is_list(t):
            return pd.ArrowDtype(t)
        return None  # float64: NumPy, NaN for a missing reply

    out: pd.DataFrame = result.to_pandas(types_mapper=dtype)
    out.index = df.index
    return out
