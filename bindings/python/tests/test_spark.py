"""``empathize.spark`` on a local Spark session (``local[2]``, UI off): the
scores Spark computes on its executors equal the single-machine ones.

Needs pyspark (a dev dependency) and Java; skipped only when there is no
``java`` on the PATH."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import empathize
import pytest
from conftest import ROOT

try:
    import pyarrow as pa
except ImportError:  # pragma: no cover - a dev dependency, not optional
    pytest.fail("pyarrow is needed: pip install -r bindings/python/requirements-dev.txt", pytrace=False)
try:
    import pyspark  # noqa: F401
except ImportError:  # pragma: no cover - a dev dependency, not optional
    pytest.fail("pyspark is needed: pip install -r bindings/python/requirements-dev.txt", pytrace=False)


if shutil.which("java") is None:
    pytest.skip(
        "Java is not installed: the Spark tests need a JVM (e.g. apt-get install openjdk-17-jre-headless)",
        allow_module_level=True,
    )

import empathize.spark
from empathize.spark import output_schema, score
from pyspark.sql import SparkSession

COLUMNS = ["score", *empathize.DIMENSIONS, "flags", "tips", *empathize.MECHANISMS]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    # Executors run this interpreter, where empathize is installed.
    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("empathize-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        # Several Arrow batches per partition.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "400")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def single_machine(analyzer: Any, replies: list[str | None], customers: list[str | None]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = analyzer.score_arrow(
        pa.array(replies, pa.string()), customers=pa.array(customers, pa.string())
    ).to_pylist()
    return rows


def test_spark_scores_equal_single_machine(
    spark: SparkSession, analyzer: Any, real_pairs: list[tuple[str, str]]
) -> None:
    customers: list[str | None] = [None if i % 11 == 0 else c for i, (c, _) in enumerate(real_pairs)]
    replies: list[str | None] = [None if i % 13 == 0 else r for i, (_, r) in enumerate(real_pairs)]
    rows = list(zip(range(len(replies)), customers, replies))
    df = spark.createDataFrame(rows, "id long, customer string, reply string").repartition(3)
    scored = score(df, "reply", customer_column="customer")
    assert scored.columns == ["id", "customer", "reply", *COLUMNS]
    by_id = {r["id"]: r.asDict() for r in scored.collect()}
    assert len(by_id) == len(rows) > 2000
    expected = single_machine(analyzer, replies, customers)
    for i, want in enumerate(expected):
        got = by_id[i]
        assert (got["customer"], got["reply"]) == (customers[i], replies[i])
        assert {name: got[name] for name in COLUMNS} == want, i


def test_custom_analyzer_prefix_and_no_customers(spark: SparkSession, real_pairs: list[tuple[str, str]]) -> None:
    extra = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.9\npatterns = ["aloha"]\n'
    custom = empathize.Analyzer(extra_rules=extra)
    replies = ["Aloha! I'll sort it out.", *[r for _, r in real_pairs[:300]]]
    df = spark.createDataFrame(list(enumerate(replies)), "id long, text string").repartition(2)
    scored = score(df, analyzer=custom, prefix="empathy_", threads=2)
    assert scored.columns == ["id", "text", *("empathy_" + c for c in COLUMNS)]
    by_id = {r["id"]: r for r in scored.collect()}
    expected = custom.score_arrow(pa.array(replies)).to_pylist()
    for i, want in enumerate(expected):
        assert {c: by_id[i]["empathy_" + c] for c in COLUMNS} == want
    assert by_id[0]["empathy_warmth"] > 0


def test_one_analyzer_per_executor_process(spark: SparkSession) -> None:
    config = pickle.dumps(empathize.Analyzer(disable=["warmth.greeting"]))

    # Defined here so that Spark pickles it by value (the test module is
    # not importable on the executors).
    def analyzer_identities(batches: Iterator[Any]) -> Iterator[Any]:
        """The process id and the identity of the analyzer empathize.spark
        uses, for each batch."""
        for batch in batches:
            analyzer = empathize.spark._executor_analyzer(config)
            n = batch.num_rows
            yield pa.record_batch({"pid": [os.getpid()] * n, "analyzer": [id(analyzer)] * n})

    df = spark.range(0, 20_000, numPartitions=8)
    rows = df.mapInArrow(analyzer_identities, "pid long, analyzer long").distinct().collect()
    by_pid: dict[int, set[int]] = {}
    for r in rows:
        by_pid.setdefault(r["pid"], set()).add(r["analyzer"])
    # 8 partitions of several batches each, on at most a few worker processes.
    assert by_pid and all(len(ids) == 1 for ids in by_pid.values()), by_pid


def test_driver_side_errors(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "Thanks!", "hi")], "id long, text string, score string")
    with pytest.raises(KeyError):
        score(df, "nope")
    with pytest.raises(KeyError):
        score(df, customer_column="nope")
    with pytest.raises(TypeError, match="string column"):
        score(df, "id")
    with pytest.raises(ValueError, match="prefix"):
        score(df)  # `score` is taken
    with pytest.raises(ValueError, match="threads"):
        score(df, prefix="e_", threads=0)
    assert score(df, prefix="e_").columns[-len(COLUMNS) :] == ["e_" + c for c in COLUMNS]
    assert output_schema().fieldNames() == COLUMNS


def test_spark_job_example(spark: SparkSession, analyzer: Any, tmp_path: Path) -> None:
    path = ROOT / "examples" / "python" / "spark_job.py"
    spec = importlib.util.spec_from_file_location("spark_job", path)
    assert spec is not None and spec.loader is not None
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)

    source = ROOT / "examples" / "data" / "conversations.jsonl"
    means = job.run(spark, str(source), str(tmp_path / "scored")).collect()
    written = spark.read.parquet(str(tmp_path / "scored")).collect()

    # The same turns scored on one machine, with the same context rule.
    expected: dict[tuple[str, int], tuple[str | None, dict[str, Any]]] = {}
    with open(source, encoding="utf-8") as f:
        for line in f:
            conversation = json.loads(line)
            customer = None
            for i, turn in enumerate(conversation["turns"]):
                if turn["role"] == "customer":
                    customer = turn["text"]
                    continue
                report = analyzer.score(turn["text"], customer=customer)
                expected[(conversation["id"], i)] = (turn.get("agent_id"), report)
    assert len(written) == len(expected)
    for r in written:
        agent_id, report = expected[(r["conversation_id"], r["turn"])]
        assert r["agent_id"] == agent_id
        assert r["score"] == report.score and r["flags"] == report.flags

    scores_by_agent: dict[str | None, list[float]] = {}
    for agent_id, report in expected.values():
        scores_by_agent.setdefault(agent_id, []).append(report.score)
    assert {m["agent_id"]: m["replies"] for m in means} == {a: len(s) for a, s in scores_by_agent.items()}
    for m in means:
        values = scores_by_agent[m["agent_id"]]
        assert m["mean_score"] == round(sum(values) / len(values), 1)

    # The same conversations from Parquet give the same means.
    parquet = str(tmp_path / "conversations.parquet")
    job.read_conversations(spark, str(source)).write.parquet(parquet)
    assert job.run(spark, parquet, str(tmp_path / "scored-from-parquet")).collect() == means


def _python_without_empathize() -> str | None:
    """An interpreter of the same version as this one that cannot import
    empathize: the base interpreter of this virtual environment."""
    import subprocess

    base = getattr(sys, "_base_executable", None)
    if not base or (os.path.realpath(base) == os.path.realpath(sys.executable) and sys.prefix == sys.base_prefix):
        return None
    done = subprocess.run([base, "-c", "import empathize"], capture_output=True)
    return None if done.returncode == 0 else base


def _without_venv(env: dict[str, str]) -> dict[str, str]:
    """The environment of a shell where the virtual environment is not
    activated: no VIRTUAL_ENV, its bin directory off the PATH, no
    PYSPARK_PYTHON."""
    bindir = str(Path(sys.executable).parent)
    env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != bindir)
    return env


def test_spark_job_runs_from_a_venv_that_is_not_activated(tmp_path: Path) -> None:
    import subprocess

    if _python_without_empathize() is None:
        pytest.skip("this interpreter is not a virtual environment over a Python without empathize")
    env = _without_venv(dict(os.environ))
    # The PATH's python3 is the bare one: executors started from it would fail.
    which = shutil.which("python3", path=env["PATH"])
    assert which is None or subprocess.run([which, "-c", "import empathize"], capture_output=True).returncode != 0
    source = ROOT / "examples" / "data" / "conversations.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python" / "spark_job.py"), str(source), str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "mean_score" in done.stdout and "ana" in done.stdout
    assert len(spark_rows(tmp_path / "out")) > 100


def spark_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(str(path)).to_pylist()  # type: ignore[no-any-return]


CHECK_SCRIPT = """
import sys
from pyspark.sql import SparkSession
from empathize.spark import ExecutorEnvironmentError, score

spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
spark.sparkContext.setLogLevel("OFF")
df = spark.createDataFrame([("Thanks!",)], "text string")
try:
    score(df)
except ExecutorEnvironmentError as e:
    print("ERROR:", e)
    sys.exit(7)
finally:
    spark.stop()
"""


def test_executors_without_empathize_fail_with_one_clear_error() -> None:
    import subprocess
    import time

    bare = _python_without_empathize()
    if bare is None:
        pytest.skip("no Python without empathize to start the executors with")
    env = dict(os.environ, PYSPARK_PYTHON=bare)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHECK_SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 7, (done.stdout, done.stderr[-3000:])
    message = done.stdout
    assert "cannot import empathize" in message and "No module named 'empathize'" in message
    assert "PYSPARK_PYTHON" in message and "spark.archives" in message
    assert sys.executable in message  # what to set it to
    assert "Traceback" not in done.stderr and "Py4J" not in message
    assert time.monotonic() - started < 120


def test_check_executors_passes_once_per_application(spark: SparkSession) -> None:
    empathize.spark.check_executors(spark)
    assert spark.sparkContext.applicationId in empathize.spark._CHECKED
    empathize.spark.check_executors(spark)  # cached: no second job
