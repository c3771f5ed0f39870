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

The executors run the Python that ``PYSPARK_PYTHON`` (or
``spark.pyspark.python``) names, not the driver's. The first :func:`score`
of a Spark application checks, with one small job, that this Python imports
empathize at the driver's version; when it cannot, :func:`score` raises
:class:`ExecutorEnvironmentError` saying what to set, instead of a
``ModuleNotFoundError`` inside a Java stack trace when the job runs.
"""

from __future__ import annotations

import functools
import importlib
import pickle
import sys
import threading
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

from empathize._native import Analyzer, __version__, arrow_schema

__all__ = ["ExecutorEnvironmentError", "check_executors", "output_schema", "score"]


class ExecutorEnvironmentError(RuntimeError):
    """The Spark executors' Python cannot import empathize, or imports
    another version than the driver's."""


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
        scores = analyzer.score_arrow(batch.column(job.text), customers=customers, threads=threads)
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


#: Spark applications whose executors passed :func:`check_executors`.
_CHECKED: set[str] = set()
_CHECK_LOCK = threading.Lock()

_HOW_TO_FIX = (
    "The executors run the Python named by PYSPARK_PYTHON (or spark.pyspark.python), "
    "not the driver's ({driver}).\n"
    "  - On one machine (local[*]): export PYSPARK_PYTHON={driver} before starting Spark "
    "(or activate the virtual environment that has empathize).\n"
    "  - On a cluster: ship a packed environment holding empathize with "
    "--archives empathize-env.tar.gz#env (spark.archives) and set PYSPARK_PYTHON=./env/bin/python, "
    "or install the empathize wheel on every node.\n"
    "See docs/spark.md."
)


def _probe_executor(_: Iterator[Any]) -> Iterator[tuple[str, str, str | None, str | None]]:
    # Runs on an executor; must not need empathize to unpickle (see
    # check_executors).
    import sys as executor_sys

    try:
        import empathize as executor_empathize

        yield (executor_sys.executable, executor_sys.version.split()[0], executor_empathize.__version__, None)
    except Exception as e:
        yield (executor_sys.executable, executor_sys.version.split()[0], None, f"{type(e).__name__}: {e}")


def check_executors(spark: Any) -> None:
    """Checks once per Spark application that the executors' Python imports
    empathize at the driver's version (:func:`score` calls it); raises
    :class:`ExecutorEnvironmentError` naming ``PYSPARK_PYTHON`` and
    ``spark.archives`` when it does not. ``spark``: a ``SparkSession``."""
    context = spark.sparkContext
    key = context.applicationId
    with _CHECK_LOCK:
        if key in _CHECKED:
            return
        driver = sys.executable
        slots = max(1, min(int(context.defaultParallelism), 64))
        # The probe travels by value (a copy of its code, as for a function
        # of a script), so that an executor without empathize can run it
        # and say so. PySpark pickles it when the job is submitted.
        cloudpickle: Any = importlib.import_module("pyspark.cloudpickle")
        module = sys.modules[__name__]
        cloudpickle.register_pickle_by_value(module)
        try:
            results = context.parallelize(range(slots), slots).mapPartitions(_probe_executor).collect()
        except Exception as e:
            text = str(e).strip()
            first = text.splitlines()[0][:300] if text else type(e).__name__
            raise ExecutorEnvironmentError(
                f"empathize.spark could not run a Python task on the executors ({first}).\n"
                + _HOW_TO_FIX.format(driver=driver)
            ) from None
        finally:
            cloudpickle.unregister_pickle_by_value(module)
        for executable, version, found, error in sorted(set(results), key=str):
            if error is not None:
                raise ExecutorEnvironmentError(
                    f"the Spark executors' Python ({executable}, Python {version}) cannot import "
                    f"empathize: {error}.\n" + _HOW_TO_FIX.format(driver=driver)
                )
            if found != __version__:
                raise ExecutorEnvironmentError(
                    f"the Spark executors' Python ({executable}) has empathize {found}, the driver "
                    f"{__version__}: install the same version on both.\n" + _HOW_TO_FIX.format(driver=driver)
                )
        _CHECKED.add(key)


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
    check_executors(df.sparkSession)
    job = _Job(
        analyzer=None if analyzer is None else pickle.dumps(analyzer),
        text=column,
        customer=customer_column,
        names=tuple(added.fieldNames()),
        threads=threads,
    )
    schema = StructType([*df.schema.fields, *added.fields])
    return df.mapInArrow(functools.partial(_score_batches, job), schema)
