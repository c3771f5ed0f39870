"""Score a pandas DataFrame column of agent replies.

Needs pandas (``pip install empathize[pandas]``). ``import empathize`` never
imports pandas; importing this module does.

    >>> import pandas as pd
    >>> from empathize.pandas import score_frame
    >>> df = pd.DataFrame({"text": ["I'm so sorry, I'll fix it today.", "Per policy, no."]})
    >>> scores = score_frame(df)
    >>> list(scores.columns)[:2]
    ['score', 'acknowledgment']
"""

from __future__ import annotations

from typing import Any

try:
    import pandas as pd
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("empathize.pandas needs pandas: pip install 'empathize[pandas]'") from e

from empathize._native import Analyzer

__all__ = ["DIMENSIONS", "MECHANISMS", "score_frame"]

#: The dimension columns, in report order.
DIMENSIONS = (
    "acknowledgment",
    "apology",
    "understanding",
    "restatement",
    "care",
    "ownership",
    "options",
    "exploration",
    "follow_up",
    "reassurance",
    "appreciation",
    "warmth",
    "personalization",
)

#: The EPITOME level columns.
MECHANISMS = ("emotional_reactions", "interpretations", "explorations")

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
    missing reply (``None``/``NaN``) gives a row of missing values. Scoring
    runs in parallel with the GIL released (``threads`` as in
    :meth:`empathize.Analyzer.score_many`); ``analyzer`` defaults to the
    default English pack.

    Join the result back with ``df.join(score_frame(df))``.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, not {type(df).__name__}")
    if column not in df.columns:
        raise KeyError(f"no column {column!r} in the DataFrame")
    if customer_column is not None and customer_column not in df.columns:
        raise KeyError(f"no column {customer_column!r} in the DataFrame")
    analyzer = analyzer if analyzer is not None else _default_analyzer()

    texts = df[column].tolist()
    present = [i for i, t in enumerate(texts) if _is_text(t)]
    customers: list[str | None] | None = None
    if customer_column is not None:
        raw = df[customer_column].tolist()
        customers = [raw[i] if _is_text(raw[i]) else None for i in present]
    for i, t in enumerate(texts):
        if not _is_text(t) and not _is_missing(t):
            raise TypeError(f"{column}[{df.index[i]!r}] must be str or missing, not {type(t).__name__}")

    columns = analyzer._score_columns([texts[i] for i in present], customers, threads)
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


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
