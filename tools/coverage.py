#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`ninja coverage` in a CONFIG_COVERAGE build directory (docs/build.md): run the conformance
suite and the host unit tests (tests/run --no-build), replay the fuzz corpora and regression
inputs (replay/<target>), merge the profiles with llvm-profdata, write an HTML report with
llvm-cov into coverage/html/, and print the line coverage of core/: one total line, then the files
with the most lines left uncovered."""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRCDIR, "tools"))
import fuzzing  # noqa: E402

PROG = "coverage"


def run(cmd, env=None, quiet=False):
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT)
    return p.returncode


def objects(builddir):
    """Every instrumented program the runs above used."""
    objs = [os.path.join(builddir, f) for f in ("test.elf", "mica.elf")]
    objs += sorted(glob.glob(os.path.join(builddir, "unit", "test_*")))
    objs += [os.path.join(builddir, "replay", t) for t in fuzzing.TARGETS]
    return [o for o in objs if os.path.isfile(o)]


def core_summary(builddir, profdata, objs):
    """Per-file line counts of core/*.c from llvm-cov's JSON summary; llvm-cov merges what the
    programs report for the same file."""
    cmd = ["llvm-cov", "export", "-summary-only", f"-instr-profile={profdata}", objs[0]]
    cmd += [a for o in objs[1:] for a in ("-object", o)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{PROG}: llvm-cov export failed: {out.stderr.strip()}")
    core = os.path.join(SRCDIR, "core") + os.sep
    files = {}
    for f in json.loads(out.stdout)["data"][0]["files"]:
        path = os.path.realpath(f["filename"])
        if path.startswith(core) and path.endswith(".c"):
            lines = f["summary"]["lines"]
            files[os.path.relpath(path, SRCDIR)] = (lines["covered"], lines["count"])
    return files


def uncovered(profdata, objs):
    """{core file: [(line number, text)]} of lines llvm-cov counts as executable and not run."""
    cmd = ["llvm-cov", "show", f"-instr-profile={profdata}", objs[0]]
    cmd += [a for o in objs[1:] for a in ("-object", o)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    core = os.path.join(SRCDIR, "core") + os.sep
    lines, current = {}, None
    for line in out.splitlines():
        if line.startswith("/") and line.endswith(":"):
            path = os.path.realpath(line[:-1])
            current = os.path.relpath(path, SRCDIR) if path.startswith(core) else None
            continue
        parts = line.split("|", 2)
        if current and len(parts) == 3 and parts[1].strip() == "0":
            lines.setdefault(current, []).append((int(parts[0]), parts[2].rstrip()))
    return lines


def sub_build(builddir, sub):
    """`ninja coverage` in a hosted build directory without CONFIG_COVERAGE: the same
    configuration plus CONFIG_COVERAGE in sub/ (configured once), and `ninja coverage` there."""
    config = os.path.join(sub, ".config")
    if not os.path.isfile(config):
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(builddir, ".config")) as f:
            lines = [line for line in f
                     if not re.match(r"^(# )?CONFIG_(FUZZ|COVERAGE)[ =]", line)]
        with open(config, "w") as f:
            f.writelines(lines + ["CONFIG_COVERAGE=y\n"])
        if run([sys.executable, os.path.join(SRCDIR, "configure.py"), "--build-dir", sub,
                "--reconfigure"]) != 0:
            os.remove(config)
            return 1
    return run(["ninja", "-C", sub, "coverage"])


def main():
    p = argparse.ArgumentParser(prog="tools/coverage.py", description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", required=True)
    p.add_argument("--sub-build", metavar="DIR",
                   help="measure this build directory's configuration in DIR (configured once "
                        "from its .config plus CONFIG_COVERAGE)")
    p.add_argument("--corpus", action="append", default=[], metavar="TARGET=DIR",
                   help="also replay DIR with TARGET (e.g. a campaign's corpus)")
    p.add_argument("--uncovered", action="store_true",
                   help="list every uncovered line of core/ (from the last run's profiles)")
    args = p.parse_args()
    builddir = os.path.abspath(args.build_dir)
    if args.sub_build:
        return sub_build(builddir, os.path.join(builddir, args.sub_build))
    out = os.path.join(builddir, "coverage")
    if args.uncovered:
        for f, lines in sorted(uncovered(os.path.join(out, "mica.profdata"),
                                         objects(builddir)).items()):
            for n, text in lines:
                print(f"{f}:{n}: {text}")
        return 0
    profiles = os.path.join(out, "profiles")
    os.makedirs(profiles, exist_ok=True)
    for old in glob.glob(os.path.join(profiles, "*.profraw")):
        os.remove(old)
    env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(profiles, "%p-%m.profraw"))

    print(f"{PROG}: the conformance suite and the unit tests (tests/run)", flush=True)
    tests_rc = run([sys.executable, os.path.join(SRCDIR, "tests", "run"), "--build-dir", builddir,
                    "--no-build"], env, quiet=True)
    extra = {}
    for c in args.corpus:
        target, _, directory = c.partition("=")
        extra.setdefault(target, []).append(os.path.abspath(directory))
    replay_env = dict(env, MICA_FUZZ_KNOWN=fuzzing.KNOWN_PANICS)
    for target in fuzzing.TARGETS:
        dirs = [fuzzing.seeds(target), fuzzing.regressions(target)] + extra.get(target, [])
        dirs = [d for d in dirs if os.path.isdir(d)]
        n = sum(len(fuzzing.files(d)) for d in dirs)
        print(f"{PROG}: replaying {n} {target} inputs", flush=True)
        rc = run([os.path.join(builddir, "replay", target)] + dirs, replay_env, quiet=True)
        if rc != 0:
            print(f"{PROG}: replay/{target} exited with status {rc}")
            tests_rc = tests_rc or rc

    profdata = os.path.join(out, "mica.profdata")
    raws = glob.glob(os.path.join(profiles, "*.profraw"))
    if not raws or run(["llvm-profdata", "merge", "-sparse", "-o", profdata] + raws) != 0:
        sys.exit(f"{PROG}: no profiles to merge")
    objs = objects(builddir)
    html = os.path.join(out, "html")
    cmd = ["llvm-cov", "show", "-format=html", f"-output-dir={html}",
           f"-instr-profile={profdata}", "-ignore-filename-regex=/\\.cache/", objs[0]]
    cmd += [a for o in objs[1:] for a in ("-object", o)]
    if run(cmd, quiet=True) != 0:
        print(f"{PROG}: llvm-cov show failed")

    files = core_summary(builddir, profdata, objs)
    covered = sum(c for c, _ in files.values())
    total = sum(n for _, n in files.values())
    missing = sorted(os.path.relpath(f, SRCDIR) for f in glob.glob(os.path.join(SRCDIR, "core",
                                                                                   "*.c"))
                     if os.path.relpath(f, SRCDIR) not in files)
    print(f"{PROG}: gaps (lines not covered): " + ", ".join(
        f"{f} {n - c}" for f, (c, n) in sorted(files.items(), key=lambda i: i[1][0] - i[1][1])[:8]))
    if missing:
        print(f"{PROG}: not built on hosted, so not measured: {', '.join(missing)}")
    print(f"{PROG}: HTML report: {os.path.join(html, 'index.html')}")
    print(f"core/ line coverage: {100.0 * covered / max(total, 1):.1f}% "
          f"({covered} of {total} lines, {len(files)} files)")
    if tests_rc:
        print(f"{PROG}: note: some tests failed (tests/run or a replay), the figures include "
              "their runs")
    return 1 if tests_rc else 0


if __name__ == "__main__":
    sys.exit(main())
