"""Score a Spark DataFrame column of agent replies, on the executors.

Needs pyspark (``pip install 'empathize[spark]'``) on the driver, and
empathize with pyarrow on every executor: install the wheel on the nodes, or
ship a packed virtual environment with ``spark-submit --archives`` (a
compiled extension cannot travel in a ``--py-files`` zip). ``import
empathize`` never imports pyspark; importing this module does.

    from empathize.spark import score

    scored = score(df, "reply", customer_column="customer")
    scored.groupBy("agent_id").avg("score").show()

:func:`score` adds the columns of :func:`empathize.arrow_schema` to the
DataFrame through ``mapInArrow``: Spark hands each task its rows as Arrow
record batches, :meth:`empathize.Analyzer.score_arrow` reads the text column
in place and returns Arrow columns, which are appended to the batch. No
pandas, no Python object per row. Each executor's Python worker builds its
analyzer once (then reuses it for every batch and task it runs), and each
task scores on ``spark.task.cpus`` threads, so Spark's own task slots set
the parallelism.
"""

from __future__ import annotations

import functools
import importlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

try:
    from pyspark import TaskContext
    from pyspark.sql import DataFrame
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import StringType, StructType
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("empathize.spark needs pyspark: pip install 'empathize[spark]'") from e

from empathize._native import Analyzer, arrow_schema

__all__ = ["output_schema", "score"]


@dataclass(frozen=True)
class _Job:
    """What an executor needs to score a partition (pickled to it)."""

    #: The analyzer's configuration, pickled; ``None`` for the default pack.
    analyzer: bytes | None
    text: str
    customer: str | None
    #: Names of the added columns (prefixed), in ``arrow_schema`` order.
    names: tuple[str, ...]
    threads: int | None


#: Analyzers of this Python process, by pickled configuration: an executor's
#: Python worker builds each analyzer once and keeps it for every batch and
#: task it runs.
_ANALYZERS: dict[bytes | None, Analyzer] = {}


def _executor_analyzer(config: bytes | None) -> Analyzer:
    analyzer = _ANALYZERS.get(config)
    if analyzer is None:
        analyzer = Analyzer() if config is None else pickle.loads(config)
        assert isinstance(analyzer, Analyzer)
        _ANALYZERS[config] = analyzer
    return analyzer


def _task_threads() -> int | None:
    """``spark.task.cpus`` inside a task (Spark runs one task per slot), else
    all cores."""
    context = TaskContext.get()
    return None if context is None else max(1, context.cpus())


def _score_batches(job: _Job, batches: Iterator[Any]) -> Iterator[Any]:
    """The ``mapInArrow`` function: appends the score columns to each batch."""
    pa = importlib.import_module("pyarrow")
    analyzer = _executor_analyzer(job.analyzer)
    threads = job.threads if job.threads is not None else _task_threads()
    for batch in batches:
        customers = None if job.customer is None else batch.column(job.customer)
        scores = analyzer.score_arrow(batch.column(job.text), customers, threads)
        yield pa.RecordBatch.from_arrays(
            [*batch.columns, *scores.columns],
            names=[*batch.schema.names, *job.names],
        )


def output_schema(prefix: str = "") -> StructType:
    """The Spark schema of the columns :func:`score` adds: ``score`` and the
    thirteen dimensions (``double``), ``flags`` and ``tips``
    (``array<string>``), the three EPITOME levels (``tinyint``), each name
    prefixed with ``prefix``."""
    pa = importlib.import_module("pyarrow")
    renamed = pa.schema([field.with_name(prefix + field.name) for field in arrow_schema()])
    spark_schema: StructType = from_arrow_schema(renamed)
    return spark_schema


def _require_string(df: DataFrame, column: str) -> None:
    if column not in df.columns:
        raise KeyError(f"no column {column!r} in the DataFrame")
    data_type = df.schema[column].dataType
    if not isinstance(data_type, StringType):
        raise TypeError(f"column {column!r} must be a string column, not {data_type.simpleString()}")


def score(
    df: DataFrame,
    column: str = "text",
    customer_column: str | None = None,
    *,
    analyzer: Analyzer | None = None,
    prefix: str = "",
    threads: int | None = None,
) -> DataFrame:
    """Returns ``df`` with the score columns added (lazily, like any Spark
    transformation).

    The added columns are those of :func:`empathize.arrow_schema`, in its
    order (see :func:`output_schema`), named ``prefix + name``: ``score``,
    the thirteen dimensions, ``flags``, ``tips``, ``emotional_reactions``,
    ``interpretations``, ``explorations``. With ``customer_column``, each
    reply is scored against the customer message of its row (null: no
    context). A null reply gives nulls. A name already in ``df`` is a
    ``ValueError``: pass a ``prefix``.

    ``analyzer`` (default: the English pack) travels to the executors as its
    configuration and is built once per executor Python process.
    ``threads``: threads per task; ``None`` uses ``spark.task.cpus``.
    """
    if not isinstance(df, DataFrame):
        raise TypeError(f"df must be a pyspark DataFrame, not {type(df).__name__}")
    _require_string(df, column)
    if customer_column is not None:
        _require_string(df, customer_column)
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive int or None, got {threads!r}")
    added = output_schema(prefix)
    taken = sorted(set(added.fieldNames()) & set(df.columns))
    if taken:
        raise ValueError(f"the DataFrame already has columns {taken}; pass a prefix, e.g. prefix='empathy_'")
    job = _Job(
        analyzer=None if analyzer is None else pickle.dumps(analyzer),
        text=column,
        customer=customer_column,
        names=tuple(added.fieldNames()),
        threads=threads,
    )
    schema = StructType([*df.schema.fields, *added.fields])
    return df.mapInArrow(functools.partial(_score_batches, job), schema)
