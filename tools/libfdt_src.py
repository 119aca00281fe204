# SPDX-License-Identifier: MIT
"""Extract libfdt's sources from Debian's linux-source-6.1 tarball into .cache/libfdt/ (outside
git) once, so that every board can compile libfdt with its own flags."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import debdeps  # noqa: E402

MEMBER = "linux-source-6.1/scripts/dtc/libfdt"


def ensure(srcdir):
    """Return the directory holding libfdt's sources, extracting them if needed."""
    dest = os.path.join(srcdir, ".cache", "libfdt")
    if os.path.exists(os.path.join(dest, "libfdt.h")):
        return dest
    if not os.path.exists(debdeps.LIBFDT_TARBALL):
        raise debdeps.MissingDependency(
            f"{debdeps.LIBFDT_TARBALL} not found (Debian package linux-source-6.1; "
            "--install-deps installs it)")
    debdeps.require_tool("xz")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    # Extract next to the destination and rename, so that parallel configures never see a
    # half-extracted tree.
    tmp = tempfile.mkdtemp(prefix="libfdt.", dir=os.path.dirname(dest))
    try:
        r = subprocess.run(["tar", "-xJf", debdeps.LIBFDT_TARBALL, "-C", tmp, "--wildcards",
                            MEMBER + "/*"], capture_output=True, text=True)
        if r.returncode != 0:
            raise debdeps.MissingDependency(
                f"extracting libfdt from {debdeps.LIBFDT_TARBALL} failed: "
                + (r.stderr.strip().splitlines() or ["?"])[-1])
        try:
            os.rename(os.path.join(tmp, MEMBER), dest)
        except OSError:
            if not os.path.exists(os.path.join(dest, "libfdt.h")):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


if __name__ == "__main__":
    print(ensure(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
