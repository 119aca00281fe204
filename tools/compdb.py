# SPDX-License-Identifier: MIT
"""Write the build directory's compilation databases (`ninja compile_commands.json`):
compile_commands.json for every C and assembly file the board's target compiles (kernel, libfdt,
user runtime, root tasks, conformance suite, benchmarks, HAL self-test), once per file, and
unit/compile_commands.json for the host unit tests, which compile some core files a second time
with the host compiler. Run from the build directory."""

import json
import os
import subprocess
import sys

BOARD_RULES = ["cc", "cc_cold", "cc_boot", "cc_libfdt", "ucc"]  # in order of precedence for a file built twice


def entries(rules):
    """`ninja -t compdb` for these rules, one entry per source file (the first rule wins)."""
    out = subprocess.run(["ninja", "-t", "compdb"] + rules, capture_output=True, text=True,
                         check=True).stdout
    seen, result = set(), []
    for e in json.loads(out):
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if path in seen:
            continue
        seen.add(path)
        e["file"] = path
        # The compile alone: steps chained after it (cc_boot's objcopy) are not for tools.
        e["command"] = e["command"].split(" && ")[0]
        result.append(e)
    return result


def host_rules():
    out = subprocess.run(["ninja", "-t", "rules"], capture_output=True, text=True,
                         check=True).stdout
    return [r for r in out.split() if r.startswith("host_cc")]


def write(path, items):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(items, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "compile_commands.json"
    board = []
    # ninja -t compdb keeps manifest order within one call; call once per rule so that the
    # kernel's command wins for files the user runtime compiles again (core/lib/string.c).
    seen = set()
    for rule in BOARD_RULES:
        for e in entries([rule]):
            if e["file"] not in seen:
                seen.add(e["file"])
                board.append(e)
    write(out, board)
    rules = host_rules()
    write(os.path.join(os.path.dirname(out) or ".", "unit", "compile_commands.json"),
          entries(rules) if rules else [])


if __name__ == "__main__":
    main()
