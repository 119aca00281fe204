#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check that the conformance suite tests every error docs/abi.md lists for each invocation and
syscall. docs/abi.md has one section per operation, headed by its enum name (`### MICA_CNODE_COPY`,
`### MICA_SYS_SEND`, `### SYS_UNKNOWN`), with a table whose rows start with the error's enum
name. The suite's evidence is either its sources (the INV()/SYS() pairs each test registers) or,
with --tap, the `# covers OP ERR` lines a run prints after each passing test; pairs of skipped
tests (`# skip-covers`) are reported but do not fail the check. Exit status 1 names each gap."""

import argparse
import os
import re
import sys

SRCDIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROG = "check_abi_coverage"

OP = r"(?:MICA_[A-Z0-9_]+|SYS_UNKNOWN)"
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
OP_IN_HEADING = re.compile(r"`?(" + OP + r")`?")
ERR_CELL = re.compile(r"^\|\s*`?(MICA_ERR_[A-Z_]+)`?\s*\|")
# Any identifiers, so that a pair registered through an alias is reported, not silently ignored.
PAIR_SRC = re.compile(r"\b(INV|SYS)\(\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*\)")
COVERS = re.compile(r"^#\s*(covers|skip-covers)\s+(\S+)\s+(\S+)\s*$")


def enum_names(path, enum):
    """The member names of `enum <enum> { ... }` in a header."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"enum\s+" + enum + r"\s*\{(.*?)\};", text, re.S)
    if not m:
        sys.exit(f"{PROG}: error: enum {enum} not found in {path}")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    return [n for n in re.findall(r"^\s*([A-Z][A-Z0-9_]*)", body, re.M)]


def parse_abi(path, known_ops, known_errs):
    """{op: {err: line}} from the doc, plus a list of problems (unknown names)."""
    table, problems, op = {}, [], None
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            h = HEADING.match(line)
            if h:
                m = OP_IN_HEADING.search(h.group(2))
                op = m.group(1) if m and not m.group(1).startswith("MICA_ERR_") else None
                if op is not None:
                    if op not in known_ops:
                        problems.append(f"{path}:{lineno}: heading names unknown operation {op}")
                    table.setdefault(op, {})
                continue
            e = ERR_CELL.match(line)
            if e and op is not None:
                err = e.group(1)
                if err not in known_errs:
                    problems.append(f"{path}:{lineno}: unknown error {err} under {op}")
                elif err != "MICA_OK":
                    table[op].setdefault(err, lineno)
    return table, problems


def pairs_from_sources(srcdir):
    pairs = {}
    for name in sorted(os.listdir(srcdir)):
        if not name.endswith(".c"):
            continue
        path = os.path.join(srcdir, name)
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                for _, op, err in PAIR_SRC.findall(line):
                    pairs.setdefault((op, err), f"{name}:{lineno}")
    return pairs, {}


def pairs_from_tap(path):
    covered, skipped = {}, {}
    with open(path, errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            m = COVERS.match(line.strip())
            if m:
                (covered if m.group(1) == "covers" else skipped).setdefault(
                    (m.group(2), m.group(3)), f"{os.path.basename(path)}:{lineno}")
    return covered, skipped


def main():
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    p.add_argument("--abi", default=os.path.join(SRCDIR, "docs", "abi.md"))
    p.add_argument("--sources", default=os.path.join(SRCDIR, "tests", "conformance"))
    p.add_argument("--tap", metavar="FILE", help="use a suite run's TAP output as evidence")
    p.add_argument("--strict", action="store_true",
                   help="also fail on errors the suite expects that docs/abi.md does not list, "
                        "and on labels/syscalls without a section")
    args = p.parse_args()

    inc = os.path.join(SRCDIR, "include", "mica")
    labels = [n for n in enum_names(os.path.join(inc, "objects.h"), "mica_label")
              if n != "MICA_LABEL_NONE"]
    syscalls = enum_names(os.path.join(inc, "abi.h"), "mica_syscall")
    errors = enum_names(os.path.join(inc, "abi.h"), "mica_error")
    known_ops = set(labels) | set(syscalls) | {"SYS_UNKNOWN"}
    known_errs = set(errors) - {"MICA_ERR_COUNT"}

    if not os.path.isfile(args.abi):
        sys.exit(f"{PROG}: error: {args.abi} does not exist")
    doc, problems = parse_abi(args.abi, known_ops, known_errs)
    if args.tap:
        covered, skipped = pairs_from_tap(args.tap)
    else:
        covered, skipped = pairs_from_sources(args.sources)

    # A pair naming no real operation or error (say, a macro alias) could never match the doc.
    for (op, err), src in sorted({**skipped, **covered}.items()):
        if op not in known_ops or (err not in known_errs and err != "MICA_OK"):
            problems.append(f"{src}: registered pair {op} {err} names no operation or error")

    gaps, skipped_gaps = [], []
    for op in sorted(doc):
        for err, lineno in sorted(doc[op].items(), key=lambda kv: kv[1]):
            if (op, err) in covered:
                continue
            where = f"{os.path.relpath(args.abi, SRCDIR)}:{lineno}"
            if (op, err) in skipped:
                skipped_gaps.append(f"{op} {err} ({where}): only in skipped tests")
            else:
                gaps.append(f"{op} {err} ({where}): listed but not tested")

    undocumented = sorted(f"{op} {err} ({src}): tested but not listed in docs/abi.md"
                          for (op, err), src in covered.items()
                          if err != "MICA_OK" and err not in doc.get(op, {}))
    missing_sections = [op for op in labels if op not in doc]

    for line in problems:
        print(f"{PROG}: {line}")
    for line in skipped_gaps:
        print(f"{PROG}: note: {line}")
    for line in undocumented:
        print(f"{PROG}: {'error' if args.strict else 'warning'}: {line}")
    for op in missing_sections:
        print(f"{PROG}: {'error' if args.strict else 'warning'}: {op} has no section in "
              f"{os.path.relpath(args.abi, SRCDIR)}")
    for line in gaps:
        print(f"{PROG}: error: {line}")
    total = sum(len(v) for v in doc.values())
    failed = bool(gaps or problems or (args.strict and (undocumented or missing_sections)))
    print(f"{PROG}: {len(doc)} operations, {total} listed errors, {len(gaps)} untested"
          + (f", {len(skipped_gaps)} only in skipped tests" if skipped_gaps else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
