# SPDX-License-Identifier: MIT
"""The symbols libmica.a keeps global (the partial link in build.ninja.in localises the rest):
the functions the embedding API declares (include/mica/kernel.h, run through the C preprocessor
for the board's target first: Armv8-M's exception handlers are declared for M-profile only), plus
the patterns an arch's own programs need (hosted: hosted_*, which its user runtime and host
programs call). One name or llvm-objcopy wildcard per line, for `llvm-objcopy --wildcard
--keep-global-symbols`. The list is read from the header, not kept by hand, and tests/run checks
the library against it.

  exports.py --out exports.txt HEADER [--pattern GLOB ...]"""

import argparse
import re

# A function declared at file scope: `... mica_name(`, not in a comment.
DECL = re.compile(r"^[^/*#\s].*?\b(mica_\w+)\s*\(", re.M)


def declared(header):
    text = open(header).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return sorted(set(DECL.findall(text)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--pattern", action="append", default=[])
    p.add_argument("header")
    a = p.parse_args()
    names = declared(a.header) + a.pattern
    if not names:
        raise SystemExit(f"exports.py: error: {a.header} declares no mica_ function")
    with open(a.out, "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
