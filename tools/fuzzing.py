# SPDX-License-Identifier: MIT
"""The fuzz targets of a fuzz build (CONFIG_FUZZ, docs/fuzzing.md) and how to run them: fuzzing
from the checked-in seed corpus, minimising a crash, replaying saved inputs. Used by
tests/fuzz/run (`ninja fuzz`) and by tests/run (the smoke run and the regression replay)."""

import os
import re
import shutil
import subprocess
import tempfile

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ_DIR = os.path.join(SRCDIR, "tests", "fuzz")

# Target -> libFuzzer options. Syscall inputs are operation streams (up to 4 KiB, a few hundred
# operations); ELF and devicetree inputs are files, up to the size of the seeds.
TARGETS = {
    "syscall": ["-max_len=4096", "-timeout=20"],
    "elf": ["-max_len=16384", "-timeout=10"],
    "fdt": ["-max_len=16384", "-timeout=10"],
}
# Seconds per target for tests/run's smoke run: about a minute in all.
SMOKE_SECONDS = {"syscall": 40, "elf": 10, "fdt": 10}
COMMON = ["-rss_limit_mb=2048", "-print_final_stats=1"]


def binary(builddir, target):
    return os.path.join(builddir, "fuzz", target)


def seeds(target):
    return os.path.join(FUZZ_DIR, "corpus", target)


def regressions(target):
    return os.path.join(FUZZ_DIR, "regressions", target)


# Panics of open findings (tests/fuzz/pending/): fuzzing goes on past them, replays do not.
KNOWN_PANICS = os.path.join(FUZZ_DIR, "pending", "known-panics")


def fuzz_env():
    return dict(os.environ, MICA_FUZZ_KNOWN=KNOWN_PANICS)


def files(directory):
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if not f.startswith(".") and os.path.isfile(os.path.join(directory, f)))


def run(cmd, timeout, env=None):
    """(exit status or None on timeout, output lines); stdin closed, output merged."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, env=env)
        return p.returncode, p.stdout.decode("utf-8", "replace").splitlines()
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace").splitlines()
        return None, out


def stats(lines):
    """libFuzzer's final stats (-print_final_stats) and the syscall target's own count."""
    s = {}
    for line in lines:
        m = re.match(r"^stat::(\w+):\s+(\d+)", line)
        if m:
            s[m.group(1)] = int(m.group(2))
        # The last status line: DONE, or the last one before a crash.
        m = re.match(r"^#\d+\s+[A-Z]+\s+cov: (\d+) ft: (\d+) corp: (\d+)/", line)
        if m:
            s["cov"], s["features"], s["corpus"] = (int(g) for g in m.groups())
        m = re.match(r"^fuzz_syscall: (\d+) inputs, (\d+) syscalls, (\d+) operations", line)
        if m:
            s["inputs"], s["syscalls"], s["operations"] = (int(g) for g in m.groups())
        m = re.match(r"^fuzz_syscall: (\d+) inputs stopped at the known panic", line)
        if m:
            s["known"] = s.get("known", 0) + int(m.group(1))
    return s


def fuzz(builddir, target, seconds, corpus, crashes, extra=()):
    """Fuzz target for `seconds` from `corpus` (a directory it grows), crashes into `crashes`/.
    Returns (exit status, output lines, [crash files])."""
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    before = set(files(crashes))
    cmd = [binary(builddir, target), f"-max_total_time={seconds}",
           f"-artifact_prefix={crashes}/"] + TARGETS[target] + COMMON + list(extra) + \
        [corpus, seeds(target)]
    rc, out = run(cmd, seconds + 600, fuzz_env())
    return rc, out, sorted(set(files(crashes)) - before)


def smoke(builddir, target, seconds=None):
    """The CI run: `seconds` of fuzzing from a scratch copy of the seed corpus (so the checked-in
    one never grows), no crash allowed. Returns (ok, summary, output lines)."""
    seconds = seconds or SMOKE_SECONDS[target]
    with tempfile.TemporaryDirectory(prefix=f"mica-fuzz-{target}-") as tmp:
        corpus = os.path.join(tmp, "corpus")
        rc, out, crashed = fuzz(builddir, target, seconds, corpus, os.path.join(tmp, "crashes"))
    s = stats(out)
    runs = s.get("number_of_executed_units", 0)
    summary = f"{runs} inputs in {seconds} s, coverage {s.get('cov', '?')} edges"
    if "syscalls" in s:
        summary += f", {s['syscalls']} syscalls"
    if s.get("known"):
        summary += f", {s['known']} stopped at known open findings (tests/fuzz/pending)"
    if rc != 0 or crashed:
        return False, f"exit status {rc}: " + (crashed[0] if crashed else "no crash file"), out
    if runs == 0:
        return False, "no input was run", out
    return True, summary, out


def replay(builddir, target, paths):
    """Run target once on each of paths (libFuzzer's file mode): (exit status, output lines)."""
    return run([binary(builddir, target)] + TARGETS[target] + list(paths), 600)


def minimize(builddir, target, crash, out_dir, runs=20000):
    """libFuzzer's -minimize_crash on crash; returns the minimised file (or None)."""
    os.makedirs(out_dir, exist_ok=True)
    dest = os.path.join(out_dir, "minimized-" + os.path.basename(crash))
    cmd = [binary(builddir, target), "-minimize_crash=1", f"-runs={runs}",
           f"-exact_artifact_path={dest}"] + TARGETS[target] + [crash]
    run(cmd, 3600)
    if not os.path.exists(dest):
        shutil.copy(crash, dest)
    return dest
