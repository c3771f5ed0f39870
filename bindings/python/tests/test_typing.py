"""Static typing: ``mypy --strict`` on a usage example, and ``stubtest``
checking the hand-written ``_native.pyi`` against the compiled module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "python" / "empathize"

try:
    import mypy  # noqa: F401
except ImportError:  # pragma: no cover - a dev dependency, not optional
    pytest.fail("mypy is needed: pip install -r bindings/python/requirements-dev.txt", pytrace=False)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=600,
    )


def test_usage_example_runs() -> None:
    subprocess.run([sys.executable, str(HERE / "typing_example.py")], check=True, timeout=120, capture_output=True)


def test_mypy_strict_on_usage_example() -> None:
    result = _run("mypy", "--strict", "--no-incremental", str(HERE / "typing_example.py"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_package() -> None:
    pytest.importorskip("pandas")
    result = _run("mypy", "--strict", "--no-incremental", "-p", "empathize")
    assert result.returncode == 0, result.stdout + result.stderr


def test_stubtest_native_module() -> None:
    result = _run(
        "mypy.stubtest",
        "empathize._native",
        "--allowlist",
        str(HERE / "stubtest_allowlist.txt"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_py_typed_marker_is_shipped() -> None:
    import empathize

    assert (Path(empathize.__file__).parent / "py.typed").exists()
    assert (Path(empathize.__file__).parent / "_native.pyi").exists()
