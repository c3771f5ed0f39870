"""Batches, threads and fork safety."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import empathize
import pytest

TEXTS = [
    "I’m so sorry about the double charge — I understand how frustrating that is.",
    "Per our policy, refunds take 10 business days.",
    "Nope.",
    "Thanks for reaching out! I'll take care of this today and check back tomorrow 🙏",
    "As I said, calm down. That's not my department.",
    "😭",
    "",
] * 30


def test_score_many_keeps_order_and_equals_single_calls() -> None:
    expected = [empathize.score(t) for t in TEXTS]
    for threads in (None, 1, 2, 3):
        assert empathize.score_many(TEXTS, threads=threads) == expected


def test_score_many_accepts_any_iterable_of_str() -> None:
    expected = [empathize.score(t) for t in TEXTS[:7]]

    def gen() -> Iterator[str]:
        yield from TEXTS[:7]

    class StrSub(str):
        pass

    a = empathize.Analyzer()
    assert a.score_many(tuple(TEXTS[:7])) == expected
    assert a.score_many(gen()) == expected
    assert a.score_many(iter(TEXTS[:7])) == expected
    assert a.score_many(StrSub(t) for t in TEXTS[:7]) == expected
    assert a.score_many({t: None for t in TEXTS[:7]}.keys()) == [empathize.score(t) for t in dict.fromkeys(TEXTS[:7])]
    assert a.score_many(TEXTS[:7], customers=(None for _ in range(7))) == expected


def test_score_many_accepts_a_pandas_series() -> None:
    pd = pytest.importorskip("pandas")
    s = pd.Series(TEXTS[:7], index=range(100, 107))
    assert empathize.score_many(s) == [empathize.score(t) for t in TEXTS[:7]]


def test_analyzer_shared_across_python_threads() -> None:
    analyzer = empathize.Analyzer()
    expected = [analyzer.score(t) for t in TEXTS]
    long_text = " ".join(TEXTS) * 10  # long enough to release the GIL

    def work(i: int) -> bool:
        if i % 3 == 0:
            return analyzer.score_many(TEXTS, threads=2) == expected
        if i % 3 == 1:
            return [analyzer.score(t) for t in TEXTS] == expected
        return analyzer.score(long_text) == analyzer.score(long_text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(48)))
    assert all(results)


def test_module_functions_from_many_threads_at_first_use() -> None:
    # The default analyzer is created lazily; racing threads must all get it.
    code = (
        "import empathize\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "with ThreadPoolExecutor(8) as p:\n"
        "    rs = list(p.map(lambda _: empathize.score('I am so sorry').score, range(16)))\n"
        "assert len(set(rs)) == 1, rs\n"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_score_many_releases_the_gil() -> None:
    # While one thread runs a big batch, another Python thread keeps running.
    import threading

    big = TEXTS * 200
    ticks = 0
    done = threading.Event()

    def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        start = time.perf_counter()
        empathize.score_many(big, threads=1)
        elapsed = time.perf_counter() - start
    finally:
        done.set()
        t.join()
    if elapsed > 0.05:  # only meaningful if the batch took a while
        assert ticks >= 5, f"only {ticks} ticks in {elapsed:.3f}s: the GIL was held"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_does_not_deadlock_on_the_pool() -> None:
    # Start the parent's pool, then fork: the child must build its own.
    assert len(empathize.score_many(TEXTS, threads=2)) == len(TEXTS)
    assert len(empathize.score_many(TEXTS)) == len(TEXTS)
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            ok = empathize.score_many(TEXTS, threads=2) == empathize.score_many(TEXTS)
            ok = ok and len(empathize.Analyzer().score_many(TEXTS)) == len(TEXTS)
            code = 0 if ok else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child deadlocked in score_many")
        time.sleep(0.02)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    # The parent's pools still work.
    assert len(empathize.score_many(TEXTS, threads=2)) == len(TEXTS)


def test_multiprocessing_pool_with_fork_and_pickled_analyzer() -> None:
    import multiprocessing as mp
    import pickle

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork start method")
    analyzer = empathize.Analyzer(disable=[])
    analyzer.score_many(TEXTS)  # the parent's pool exists before the fork
    pickle.dumps(analyzer)
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        # A deadlocked child would hang `map` forever: bound the wait.
        scores = pool.map_async(_score_chunk, [TEXTS[:50], TEXTS[50:100]], chunksize=1).get(timeout=120)
    assert scores == [
        [r.score for r in empathize.score_many(TEXTS[:50])],
        [r.score for r in empathize.score_many(TEXTS[50:100])],
    ]


def _score_chunk(texts: list[str]) -> list[float]:
    return [r.score for r in empathize.score_many(texts)]
