"""The sdist's PEP 517 backend (``build-backend/empathize_build.py``): with no
``cargo`` on PATH every hook stops at once with a message that names this
platform, the prebuilt wheel and the Rust version needed, instead of letting
maturin download a toolchain; with ``cargo`` it is maturin. The same check
through a real ``pip install`` of the sdist runs in scripts/test-package.sh."""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import stat
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import BINDING

pytest.importorskip("maturin", reason="the backend delegates to maturin (requirements-dev.txt)")
tomllib = pytest.importorskip("tomllib", reason="Python >= 3.11 reads pyproject.toml")


def load_backend() -> ModuleType:
    spec = importlib.util.spec_from_file_location("empathize_build", BINDING / "build-backend" / "empathize_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.delenv("MATURIN_NO_INSTALL_RUST", raising=False)
    return load_backend()


@pytest.fixture
def path_without_cargo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_pyproject_names_this_backend() -> None:
    with open(BINDING / "pyproject.toml", "rb") as f:
        build_system = tomllib.load(f)["build-system"]
    assert build_system["build-backend"] == "empathize_build"
    assert build_system["backend-path"] == ["build-backend"]


def test_rust_version_is_the_binding_crates() -> None:
    with open(BINDING / "Cargo.toml", "rb") as f:
        rust_version = tomllib.load(f)["package"]["rust-version"]
    assert load_backend().RUST_VERSION == rust_version


HOOKS: list[tuple[str, tuple[Any, ...]]] = [
    ("get_requires_for_build_wheel", ()),
    ("prepare_metadata_for_build_wheel", ("metadata",)),
    ("build_wheel", ("wheels",)),
    ("get_requires_for_build_editable", ()),
    ("prepare_metadata_for_build_editable", ("metadata",)),
    ("build_editable", ("wheels",)),
    ("get_requires_for_build_sdist", ()),
    ("build_sdist", ("sdists",)),
]


@pytest.mark.parametrize(("hook", "args"), HOOKS, ids=[h for h, _ in HOOKS])
def test_without_cargo_every_hook_fails_fast_with_the_platform_and_what_to_do(
    backend: ModuleType, path_without_cargo: Path, hook: str, args: tuple[Any, ...]
) -> None:
    with pytest.raises(backend.RustToolchainNotFound) as info:
        getattr(backend, hook)(*args)
    message = str(info.value)
    assert "no Rust toolchain found (`cargo` is not on PATH)" in message
    assert f"{sys.platform} {platform.machine()}" in message, "names this platform"
    assert "manylinux2014" in message and "Linux x86_64" in message, "names the prebuilt wheel"
    assert re.search(r"install Rust >= 1\.\d+", message)
    assert "never downloads a toolchain" in message
    assert os.environ["MATURIN_NO_INSTALL_RUST"] == "1", "maturin must not fetch rustup either"


def test_with_cargo_the_hooks_are_maturins(
    backend: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cargo = tmp_path / "cargo"
    fake_cargo.write_text("#!/bin/sh\necho 'cargo 1.95.0'\n")
    fake_cargo.chmod(fake_cargo.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(BINDING)  # a build frontend runs the backend in the project directory
    requires = backend.get_requires_for_build_wheel()
    assert not any("puccinialin" in r for r in requires), "no toolchain installer is requested"
    assert os.environ["MATURIN_NO_INSTALL_RUST"] == "1"
