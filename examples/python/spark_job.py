"""Score every agent turn of a conversation archive on Spark.

Reads conversations — JSON Lines in the format of
``examples/data/conversations.jsonl`` (``{"id", "turns": [{"role", "text",
"agent_id"?}, ...]}``), or Parquet with the same columns — scores each agent
turn against the customer message it answers (the last customer turn before
it; none for an opening agent turn), writes one Parquet row per agent turn
(conversation id, turn index, agent id, text, customer context and the score
columns of ``empathize.spark``), and prints per-agent means.

Run locally (after ``pip install './bindings/python[spark]'``)::

    python examples/python/spark_job.py examples/data/conversations.jsonl /tmp/scored

Spark's Python workers run the interpreter named by ``PYSPARK_PYTHON``
(by default ``python3`` on the PATH, which lacks empathize when the virtual
environment is not activated); when it is unset, this job sets it to the
interpreter running the job, so ``.venv/bin/python spark_job.py …`` works
as is on one machine.

On a cluster, ship a packed environment holding empathize to the executors
(a compiled extension cannot travel in a ``--py-files`` zip; see
``docs/spark.md``)::

    spark-submit --master yarn --archives empathize-env.tar.gz#env \\
        --conf spark.pyspark.python=./env/bin/python \\
        examples/python/spark_job.py s3://bucket/conversations/ s3://bucket/scored/
"""

from __future__ import annotations

import argparse
import os
import sys

from empathize.spark import score
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

#: The JSON Lines layout (the CLI's); Parquet files carry their own schema.
CONVERSATIONS = "id string, turns array<struct<role: string, text: string, agent_id: string>>"


def read_conversations(spark: SparkSession, source: str, fmt: str | None = None) -> DataFrame:
    """``fmt``: ``jsonl`` or ``parquet``; by default, Parquet when the path
    ends in ``.parquet``."""
    fmt = fmt or ("parquet" if source.rstrip("/").endswith(".parquet") else "jsonl")
    if fmt == "parquet":
        return spark.read.parquet(source)
    return spark.read.schema(CONVERSATIONS).json(source)


def agent_turns(conversations: DataFrame) -> DataFrame:
    """One row per agent turn: ``conversation_id``, ``turn`` (index in the
    conversation), ``agent_id``, ``text`` and ``customer`` (the last customer
    message before it, or null)."""
    turns = conversations.select(
        F.col("id").alias("conversation_id"),
        F.posexplode("turns").alias("turn", "t"),
    ).select(
        "conversation_id",
        "turn",
        F.lower("t.role").alias("role"),
        F.col("t.text").alias("text"),
        F.col("t.agent_id").alias("agent_id"),
    )
    earlier = Window.partitionBy("conversation_id").orderBy("turn").rowsBetween(Window.unboundedPreceding, -1)
    customer_text = F.when(F.col("role") == "customer", F.col("text"))
    return (
        turns.withColumn("customer", F.last(customer_text, ignorenulls=True).over(earlier))
        .where(F.col("role") == "agent")
        .select("conversation_id", "turn", "agent_id", "text", "customer")
    )


def per_agent(scored: DataFrame) -> DataFrame:
    """Per agent: replies, mean score, mean acknowledgment and the share of
    replies with at least one flag, best first."""
    return (
        scored.groupBy("agent_id")
        .agg(
            F.count("*").alias("replies"),
            F.round(F.avg("score"), 1).alias("mean_score"),
            F.round(F.avg("acknowledgment"), 3).alias("mean_acknowledgment"),
            F.round(F.avg((F.size("flags") > 0).cast("double")), 3).alias("flagged_share"),
        )
        .orderBy(F.desc("mean_score"), "agent_id")
    )


def run(spark: SparkSession, source: str, destination: str, fmt: str | None = None) -> DataFrame:
    """Scores ``source`` into Parquet at ``destination``; returns the
    per-agent means (read back from the Parquet files)."""
    conversations = read_conversations(spark, source, fmt)
    scored = score(agent_turns(conversations), "text", customer_column="customer")
    scored.write.mode("overwrite").parquet(destination)
    return per_agent(spark.read.parquet(destination))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="conversations: JSON Lines, or a .parquet file or directory")
    parser.add_argument("destination", help="where to write the scored agent turns (Parquet)")
    parser.add_argument("--format", choices=["jsonl", "parquet"], help="format of the source (default: by extension)")
    args = parser.parse_args()
    # Before the session starts: executors take their Python from here.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.appName("empathize-spark-job").getOrCreate()
    try:
        run(spark, args.source, args.destination, args.format).show(truncate=False)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
