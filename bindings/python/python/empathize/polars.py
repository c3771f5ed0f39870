"""Score a Polars DataFrame column of agent replies.

Needs Polars and pyarrow (``pip install 'empathize[polars]'``). ``import
empathize`` never imports Polars; importing this module does.

    >>> import polars as pl
    >>> from empathize.polars import score
    >>> df = pl.DataFrame({"text": ["I'm so sorry, I'll fix it today.", None]})
    >>> scores = score(df)
    >>> scores.columns[:2]
    ['score', 'acknowledgment']
    >>> scores["score"].null_count()
    1

The column goes to :meth:`empathize.Analyzer.score_arrow` through the Arrow
PyCapsule interface: Polars hands over its string buffers, which the Rust
core reads in place, and the result comes back as Arrow columns, so no
Python object is made per row. Add the columns to the frame with
``df.hstack(score(df))``.

In a lazy query, :func:`score_struct` scores a column into one struct
column, for ``map_batches``::

    lf.with_columns(
        pl.col("text")
        .map_batches(empathize.polars.score_struct, return_dtype=empathize.polars.STRUCT)
        .alias("empathy")
    ).unnest("empathy")
"""

from __future__ import annotations

from typing import Any

try:
    import polars as pl
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("empathize.polars needs polars: pip install 'empathize[polars]'") from e

import empathize
from empathize._native import Analyzer, arrow_schema

__all__ = ["STRUCT", "score", "score_struct"]


def _strings(series: pl.Series, name: str) -> pl.Series:
    if series.dtype == pl.String or series.dtype == pl.Null:
        return series
    if isinstance(series.dtype, (pl.Categorical, pl.Enum)):
        return series.cast(pl.String)
    raise TypeError(f"{name} must hold strings, not {series.dtype}")


def _from_arrow(result: Any) -> pl.DataFrame:
    frame = pl.from_arrow(result)
    assert isinstance(frame, pl.DataFrame)
    return frame


def score(
    df: pl.DataFrame,
    column: str = "text",
    customer_column: str | None = None,
    *,
    analyzer: Analyzer | None = None,
    threads: int | None = None,
) -> pl.DataFrame:
    """Scores the replies in ``df[column]``; one row per input row.

    Columns, in order: ``score`` (``Float64``), one ``Float64`` per
    dimension, ``flags`` and ``tips`` (``List(String)``), and the EPITOME
    levels ``emotional_reactions``, ``interpretations``, ``explorations``
    (``Int8``) — the columns of :func:`empathize.arrow_schema`. A null reply
    gives a row of nulls. With ``customer_column``, each reply is scored
    against the customer message of its row (null: no context).
    ``analyzer`` defaults to the default English pack; ``threads`` as in
    :meth:`empathize.Analyzer.score_many`.
    """
    if not isinstance(df, pl.DataFrame):
        raise TypeError(f"df must be a polars DataFrame, not {type(df).__name__}")
    for name in (column, customer_column):
        if name is not None and name not in df.columns:
            raise KeyError(f"no column {name!r} in the DataFrame")
    score_arrow = analyzer.score_arrow if analyzer is not None else empathize.score_arrow
    texts = _strings(df.get_column(column), column)
    customers = None if customer_column is None else _strings(df.get_column(customer_column), customer_column)
    return _from_arrow(score_arrow(texts, customers=customers, threads=threads))


def score_struct(texts: pl.Series, *, analyzer: Analyzer | None = None, threads: int | None = None) -> pl.Series:
    """Scores a Series of replies into one ``Struct`` Series (fields: the
    columns of :func:`score`), named like the input; for ``map_batches``."""
    score_arrow = analyzer.score_arrow if analyzer is not None else empathize.score_arrow
    result = score_arrow(_strings(texts, texts.name), threads=threads)
    return _from_arrow(result).to_struct(texts.name)


def _struct_dtype() -> pl.Struct:
    try:
        schema = arrow_schema()
    except ImportError as e:  # pragma: no cover - pyarrow is a dependency of the extra
        raise ImportError("empathize.polars needs pyarrow too: pip install 'empathize[polars]'") from e
    empty = pl.from_arrow(schema.empty_table())
    assert isinstance(empty, pl.DataFrame)
    return pl.Struct(empty.schema)


#: The dtype of :func:`score_struct` results (``return_dtype`` of
#: ``map_batches``).
STRUCT: pl.Struct = _struct_dtype()
