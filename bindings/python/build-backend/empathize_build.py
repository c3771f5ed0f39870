"""The PEP 517 build backend of the sdist: maturin, once a Rust toolchain is found.

By default maturin answers a missing ``cargo`` by downloading and installing a
Rust toolchain (through ``puccinialin``/rustup) in the middle of ``pip
install``. This backend fails fast instead, with a message that says what this
platform is, which platforms have a prebuilt wheel, and what building from
source needs. With ``cargo`` on PATH every hook is maturin's own.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from typing import Any

import maturin

# What building from source needs: the `rust-version` of
# bindings/python/Cargo.toml (pyo3 0.29, arrow-rs 60); tests check they agree.
RUST_VERSION = "1.88"
PREBUILT = "Linux x86_64 with glibc >= 2.17 (manylinux2014), CPython >= 3.9 (one abi3 wheel)"


class RustToolchainNotFound(RuntimeError):
    """Building the native module needs cargo, and PATH has none."""


def _platform() -> str:
    libc, libc_version = platform.libc_ver()
    libc_text = f", {libc} {libc_version}" if libc else ""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{sys.platform} {platform.machine()}{libc_text}, {python}"


def _require_cargo() -> None:
    # Whatever happens next, never let maturin fetch a toolchain on its own.
    os.environ["MATURIN_NO_INSTALL_RUST"] = "1"
    if shutil.which("cargo") is None:
        raise RustToolchainNotFound(
            f"empathize: no Rust toolchain found (`cargo` is not on PATH) on this platform ({_platform()}).\n"
            f"A prebuilt wheel exists for: {PREBUILT}; install it with "
            "`pip install empathize-<version>-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl` "
            "(scripts/package.sh builds it into dist/).\n"
            f"Anywhere else empathize builds from source: install Rust >= {RUST_VERSION} "
            "(your OS packages or https://rustup.rs) so that `cargo` is on PATH, then run pip again. "
            "This build never downloads a toolchain by itself."
        )


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    _require_cargo()
    return maturin.get_requires_for_build_wheel(config_settings)


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    _require_cargo()
    return maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    _require_cargo()
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    _require_cargo()
    # maturin has no hook of its own for this one: the same needs as a wheel.
    return maturin.get_requires_for_build_wheel(config_settings)


def build_editable(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    _require_cargo()
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


def prepare_metadata_for_build_editable(metadata_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    _require_cargo()
    return maturin.prepare_metadata_for_build_editable(metadata_directory, config_settings)


def get_requires_for_build_sdist(config_settings: dict[str, Any] | None = None) -> list[str]:
    _require_cargo()
    return maturin.get_requires_for_build_sdist(config_settings)


def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    _require_cargo()
    return maturin.build_sdist(sdist_directory, config_settings)
