"""``Analyzer.score_arrow``: Arrow string columns in, Arrow columns out, row
by row equal to ``Analyzer.score`` / ``score_reply``."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import empathize
import pytest
from conftest import report_row

try:
    import pyarrow as pa
except ImportError:  # pragma: no cover - a dev dependency, not optional
    pytest.fail("pyarrow is needed: pip install -r bindings/python/requirements-dev.txt", pytrace=False)


COLUMNS = ["score", *empathize.DIMENSIONS, "flags", "tips", *empathize.MECHANISMS]
NULL_ROW = dict.fromkeys(COLUMNS)


def rows(result: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = result.to_pylist()
    return out


@pytest.fixture(scope="module")
def texts(real_pairs: list[tuple[str, str]]) -> list[str]:
    return [reply for _, reply in real_pairs]


@pytest.fixture(scope="module")
def customers(real_pairs: list[tuple[str, str]]) -> list[str]:
    return [customer for customer, _ in real_pairs]


@pytest.fixture(scope="module")
def expected(analyzer: Any, texts: list[str]) -> list[dict[str, Any]]:
    return [report_row(analyzer.score(t)) for t in texts]


@pytest.fixture(scope="module")
def expected_replies(analyzer: Any, texts: list[str], customers: list[str]) -> list[dict[str, Any]]:
    return [report_row(analyzer.score_reply(c, t)) for c, t in zip(customers, texts)]


def test_schema_columns_and_types() -> None:
    schema = empathize.arrow_schema()
    assert schema.names == COLUMNS
    assert all(schema.field(name).type == pa.float64() for name in ["score", *empathize.DIMENSIONS])
    assert all(schema.field(name).type == pa.int8() for name in empathize.MECHANISMS)
    for name in ("flags", "tips"):
        assert pa.types.is_list(schema.field(name).type)
        assert schema.field(name).type.value_type == pa.string()
    assert all(field.nullable for field in schema)
    result = empathize.score_arrow(pa.array(["Thanks!"]))
    assert isinstance(result, pa.RecordBatch)
    assert result.schema == schema


def test_rows_equal_score_on_real_texts(analyzer: Any, texts: list[str], expected: list[dict[str, Any]]) -> None:
    assert len(texts) > 2000
    result = analyzer.score_arrow(pa.array(texts))
    assert result.num_rows == len(texts)
    assert rows(result) == expected


def test_rows_equal_score_reply_with_customers(
    analyzer: Any, texts: list[str], customers: list[str], expected_replies: list[dict[str, Any]]
) -> None:
    result = analyzer.score_arrow(pa.array(texts), customers=pa.array(customers))
    assert rows(result) == expected_replies
    # The module function uses the default pack: same rows.
    assert rows(empathize.score_arrow(pa.array(texts[:50]), customers=pa.array(customers[:50]))) == expected_replies[:50]


@pytest.mark.parametrize("arrow_type", ["string", "large_string", "string_view"])
def test_string_types(
    analyzer: Any,
    texts: list[str],
    customers: list[str],
    expected_replies: list[dict[str, Any]],
    arrow_type: str,
) -> None:
    t = getattr(pa, arrow_type)()
    result = analyzer.score_arrow(pa.array(texts[:300], t), customers=pa.array(customers[:300], t))
    assert rows(result) == expected_replies[:300]
    # Text and customer columns of different string types.
    result = analyzer.score_arrow(pa.array(texts[:300], t), customers=pa.array(customers[:300], pa.large_string()))
    assert rows(result) == expected_replies[:300]


def test_null_texts_give_null_rows_and_null_customers_no_context(analyzer: Any) -> None:
    texts = ["I'm so sorry, I'll fix it today.", None, "Per policy, no.", None, "Nope."]
    customers = ["I'm furious, this is the third time!!!", "Help", None, None, "I'm in tears."]
    result = analyzer.score_arrow(pa.array(texts), customers=pa.array(customers))
    assert result.column("score").null_count == 2
    assert rows(result) == [
        report_row(analyzer.score_reply(customers[0], texts[0])),
        NULL_ROW,
        report_row(analyzer.score(texts[2])),
        NULL_ROW,
        report_row(analyzer.score_reply(customers[4], texts[4])),
    ]
    # The `null` type (an all-None column) is a column of null strings.
    assert rows(analyzer.score_arrow(pa.nulls(3))) == [NULL_ROW] * 3
    assert rows(analyzer.score_arrow(pa.array(texts), customers=pa.nulls(5))) == [
        NULL_ROW if t is None else report_row(analyzer.score(t)) for t in texts
    ]


def test_sliced_arrays_honor_their_offset(
    analyzer: Any,
    texts: list[str],
    customers: list[str],
    expected: list[dict[str, Any]],
    expected_replies: list[dict[str, Any]],
) -> None:
    whole = pa.array(texts)
    for start, length in [(0, 10), (7, 50), (1000, 333), (len(texts) - 5, 5)]:
        part = whole.slice(start, length)
        assert part.offset == start
        assert rows(analyzer.score_arrow(part)) == expected[start : start + length]
    # Text and customer slices at different offsets into their buffers.
    shifted = pa.array(["padding"] * 3 + customers).slice(3 + 100, 200)
    assert rows(analyzer.score_arrow(whole.slice(100, 200), customers=shifted)) == expected_replies[100:300]
    # A slice with nulls: the validity bitmap is read at the offset too.
    with_nulls = pa.array([None if i % 7 == 0 else t for i, t in enumerate(texts[:100])]).slice(3, 60)
    assert rows(analyzer.score_arrow(with_nulls)) == [
        NULL_ROW if (i + 3) % 7 == 0 else expected[i + 3] for i in range(60)
    ]


def test_chunked_arrays_give_a_table_with_the_same_chunks(
    analyzer: Any, texts: list[str], customers: list[str], expected_replies: list[dict[str, Any]]
) -> None:
    n = 900
    chunked_texts = pa.chunked_array([texts[:100], texts[100:101], [], texts[101:600], texts[600:n]])
    # Customers chunked differently, one chunk a slice with an offset.
    chunked_customers = pa.chunked_array(
        [customers[:350], pa.array(["x", *customers[350:700]], pa.large_string()).slice(1), customers[700:n]],
        pa.large_string(),
    )
    result = analyzer.score_arrow(chunked_texts, customers=chunked_customers)
    assert isinstance(result, pa.Table)
    assert [len(c) for c in result.column("score").chunks] == [100, 1, 0, 499, 300]
    assert rows(result) == expected_replies[:n]
    # A chunked text column with plain customers, and the reverse.
    assert rows(analyzer.score_arrow(chunked_texts, customers=pa.array(customers[:n]))) == expected_replies[:n]
    plain = analyzer.score_arrow(pa.array(texts[:n]), customers=chunked_customers)
    assert isinstance(plain, pa.RecordBatch)
    assert rows(plain) == expected_replies[:n]


def test_empty_inputs(analyzer: Any) -> None:
    empty = analyzer.score_arrow(pa.array([], pa.string()))
    assert isinstance(empty, pa.RecordBatch)
    assert empty.num_rows == 0 and empty.schema == empathize.arrow_schema()
    no_chunks = analyzer.score_arrow(pa.chunked_array([], pa.string()), customers=pa.chunked_array([], pa.string()))
    assert isinstance(no_chunks, pa.Table)
    assert no_chunks.num_rows == 0 and no_chunks.schema == empathize.arrow_schema()
    # Empty strings are texts (not nulls).
    assert rows(analyzer.score_arrow(pa.array(["", " "]))) == [
        report_row(analyzer.score("")),
        report_row(analyzer.score(" ")),
    ]


def test_any_producer_of_the_pycapsule_interface(analyzer: Any, texts: list[str]) -> None:
    """Not only pyarrow objects: anything with ``__arrow_c_array__`` or
    ``__arrow_c_stream__`` (nanoarrow, polars, DuckDB, ...)."""

    class ArrayOnly:
        def __init__(self, array: Any) -> None:
            self.array = array

        def __arrow_c_array__(self, requested_schema: object | None = None) -> Any:
            return self.array.__arrow_c_array__(requested_schema)

    class StreamOnly:
        def __init__(self, chunked: Any) -> None:
            self.chunked = chunked

        def __arrow_c_stream__(self, requested_schema: object | None = None) -> Any:
            return self.chunked.__arrow_c_stream__(requested_schema)

    expected = rows(analyzer.score_arrow(pa.array(texts[:40])))
    assert rows(analyzer.score_arrow(ArrayOnly(pa.array(texts[:40]).slice(0)))) == expected
    result = analyzer.score_arrow(StreamOnly(pa.chunked_array([texts[:15], texts[15:40]])))
    assert isinstance(result, pa.Table)
    assert rows(result) == expected


def test_wrong_inputs_are_typed_errors(analyzer: Any) -> None:
    texts = pa.array(["a", "b"])
    with pytest.raises(TypeError, match="texts must hold strings"):
        analyzer.score_arrow(pa.array([1, 2]))
    with pytest.raises(TypeError, match="texts must hold strings"):
        analyzer.score_arrow(pa.array([b"bytes"]))
    with pytest.raises(TypeError, match="texts must hold strings"):
        analyzer.score_arrow(pa.array(["a", "a"]).dictionary_encode())
    with pytest.raises(TypeError, match="texts must hold strings"):
        analyzer.score_arrow(pa.record_batch({"text": texts}))
    with pytest.raises(TypeError, match="texts must be an Arrow string array"):
        analyzer.score_arrow(["a", "b"])
    with pytest.raises(TypeError, match="texts must be an Arrow string array"):
        analyzer.score_arrow("a")
    with pytest.raises(TypeError, match="customers must hold strings"):
        analyzer.score_arrow(texts, customers=pa.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="customers must be an Arrow string array"):
        analyzer.score_arrow(texts, customers=["x", "y"])
    with pytest.raises(ValueError, match="customers has 3 items but texts has 2"):
        analyzer.score_arrow(texts, customers=pa.array(["x", "y", "z"]))
    with pytest.raises(ValueError, match="customers has 1 items but texts has 2"):
        analyzer.score_arrow(pa.chunked_array([["a"], ["b"]]), customers=pa.chunked_array([["x"]]))
    with pytest.raises(ValueError, match="threads"):
        analyzer.score_arrow(texts, threads=0)
    with pytest.raises(TypeError, match="threads"):
        analyzer.score_arrow(texts, threads="2")


def test_invalid_utf8_is_refused_before_scoring(analyzer: Any) -> None:
    """An array whose bytes are not UTF-8 (possible through the C interface)
    is a ValueError, never a crash."""
    data = pa.py_buffer(b"ok\xff\xfe")
    offsets = pa.py_buffer(pa.array([0, 2, 4], pa.int32()).buffers()[1])
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, data])
    with pytest.raises(ValueError, match="texts"):
        analyzer.score_arrow(bad)
    with pytest.raises(ValueError, match="customers"):
        analyzer.score_arrow(pa.array(["a", "b"]), customers=bad)


def test_threads_give_identical_results(
    analyzer: Any, texts: list[str], customers: list[str], expected_replies: list[dict[str, Any]]
) -> None:
    t, c = pa.array(texts[:600]), pa.array(customers[:600])
    for threads in (1, 2, 3, None):
        assert rows(analyzer.score_arrow(t, customers=c, threads=threads)) == expected_replies[:600], threads


def test_concurrent_calls_from_python_threads(analyzer: Any, texts: list[str], expected: list[dict[str, Any]]) -> None:
    array = pa.array(texts[:400])

    def work(i: int) -> bool:
        return rows(analyzer.score_arrow(array.slice(i, 200), threads=1 + i % 2)) == expected[i : i + 200]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(work, range(8)))


def test_the_gil_is_released_while_scoring(analyzer: Any, texts: list[str]) -> None:
    """Another Python thread keeps running while a batch is scored."""
    array = pa.array(texts * 2)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = ticks
        analyzer.score_arrow(array, threads=1)
        during = ticks - before
    finally:
        done.set()
        counter.join()
    assert during > 1000


def test_custom_analyzer(texts: list[str]) -> None:
    extra = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.9\npatterns = ["aloha"]\n'
    custom = empathize.Analyzer(extra_rules=extra)
    result = custom.score_arrow(pa.array(["Aloha!", *texts[:20]]))
    assert rows(result) == [report_row(custom.score(t)) for t in ["Aloha!", *texts[:20]]]
    assert result.column("warmth")[0].as_py() > 0


def test_importing_empathize_does_not_import_pyarrow() -> None:
    code = (
        "import sys, empathize\n"
        "empathize.score('hi'); empathize.score_many(['hi'])\n"
        "assert 'pyarrow' not in sys.modules, 'pyarrow imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_without_pyarrow_the_error_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None  # as if it were not installed\n"
        "import empathize\n"
        "try:\n"
        "    empathize.arrow_schema()\n"
        "except ImportError as e:\n"
        "    assert \"pip install 'empathize[arrow]'\" in str(e), e\n"
        "else:\n"
        "    raise AssertionError('no ImportError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
