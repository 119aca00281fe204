# SPDX-License-Identifier: MIT
"""Debian packages Mica needs: find the missing ones, install them when root, and name the
package behind a missing tool in error messages."""

import os
import shutil
import subprocess
import sys

# Debian package -> a file it installs (checked when dpkg-query is unavailable).
PACKAGES = {
    "clang": "/usr/bin/clang",
    "lld": "/usr/bin/ld.lld",
    "llvm": "/usr/bin/llvm-objcopy",
    "ninja-build": "/usr/bin/ninja",
    "xz-utils": "/usr/bin/xz",
    "python3-kconfiglib": "/usr/lib/python3/dist-packages/kconfiglib.py",
    "qemu-system-misc": "/usr/bin/qemu-system-riscv64",
    "qemu-system-arm": "/usr/bin/qemu-system-aarch64",
    "libfdt-dev": "/usr/include/libfdt.h",
    "linux-source-6.1": "/usr/src/linux-source-6.1.tar.xz",
    "libcmocka-dev": "/usr/include/cmocka.h",
    "gdb-multiarch": "/usr/bin/gdb-multiarch",
    # clang's sanitizer, libFuzzer and profile runtimes (hosted -fsanitize=address,undefined, unit
    # tests, CONFIG_FUZZ, CONFIG_COVERAGE)
    "libclang-rt-14-dev": "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a",
    "clang-format": "/usr/bin/clang-format",  # tests/run's source check
    "clangd": "/usr/bin/clangd",  # tests/run checks compile_commands.json with clangd --check
    # tests/run builds the vendor examples from the SDK as a vendor would: make and pkg-config,
    # and CMake with the SDK's package config
    "make": "/usr/bin/make",
    "pkgconf": "/usr/bin/pkg-config",
    "cmake": "/usr/bin/cmake",
}

# Program -> the Debian package that provides it.
TOOL_PACKAGE = {
    "clang": "clang",
    "ld.lld": "lld",
    "llvm-ar": "llvm",
    "llvm-objcopy": "llvm",
    "llvm-size": "llvm",
    "llvm-cov": "llvm",
    "llvm-profdata": "llvm",
    "llvm-objdump": "llvm",
    "ninja": "ninja-build",
    "xz": "xz-utils",
    "qemu-system-riscv64": "qemu-system-misc",
    "qemu-system-aarch64": "qemu-system-arm",
    "qemu-system-arm": "qemu-system-arm",
    "gdb-multiarch": "gdb-multiarch",
    "clang-format": "clang-format",
    "clangd": "clangd",
    "make": "make",
    "pkg-config": "pkgconf",
    "cmake": "cmake",
}

LIBFDT_TARBALL = "/usr/src/linux-source-6.1.tar.xz"


class MissingDependency(Exception):
    pass


def missing_packages(packages=None):
    """The packages of `packages` (default: all) that are not installed."""
    packages = list(packages or PACKAGES)
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n"] + packages,
            capture_output=True, text=True).stdout
        installed = {l.split()[0].split(":")[0] for l in out.splitlines()
                     if len(l.split()) > 1 and l.split()[1] == "ii"}
        return [p for p in packages if p not in installed]
    except FileNotFoundError:
        return [p for p in packages if not os.path.exists(PACKAGES[p])]


def install_missing(prog, packages=None):
    """Install what is missing with apt-get when root; otherwise print the command and exit 1."""
    missing = missing_packages(packages)
    if not missing:
        print(f"{prog}: all Debian packages present")
        return
    cmd = "apt-get update && apt-get install -y --no-install-recommends " + " ".join(missing)
    if os.geteuid() != 0:
        sys.exit(f"{prog}: error: missing Debian packages: {' '.join(missing)}; "
                 f"as root run: {cmd}")
    print(f"{prog}: installing {' '.join(missing)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for args in (["apt-get", "-q", "update"],
                 ["apt-get", "-q", "install", "-y", "--no-install-recommends"] + missing):
        if subprocess.run(args, env=env).returncode != 0:
            sys.exit(f"{prog}: error: '{' '.join(args)}' failed")


def require_file(path, package):
    """Raise MissingDependency naming the Debian package when `path` does not exist."""
    if not os.path.exists(path):
        raise MissingDependency(f"{path} not found (Debian package {package}; "
                                f"--install-deps installs it)")


def require_tool(tool):
    """Raise MissingDependency naming the Debian package when `tool` is not on PATH."""
    if shutil.which(tool) is None:
        pkg = TOOL_PACKAGE.get(tool, "?")
        raise MissingDependency(f"{tool} not found (Debian package {pkg}; "
                                f"--install-deps installs it)")
