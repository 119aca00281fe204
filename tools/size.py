# SPDX-License-Identifier: MIT
"""`ninja size`: the kernel image's sections (mica.ld's .mica.*), with the kernel proper apart
from code and data only boot uses (.mica.boot.*, see core/compiler.h), from the entry code that
runs before the MMU (.mica.entry), from the embedded root task (.root_elf) and from the board's
firmware (.board.*, board.c). The last line is the resident kernel's .text: what a release
build's limits are stated in (docs/build.md). Run from the build directory: size.py IMAGE."""

import subprocess
import sys

# output section -> (row, column)
LAYOUT = {
    ".mica.text": ("kernel", "text"), ".mica.rodata": ("kernel", "rodata"),
    ".mica.data": ("kernel", "data"), ".mica.bss": ("kernel", "bss"),
    ".mica.kstack": ("kernel", "bss"), ".mica.ARM.exidx": ("kernel", "rodata"),
    ".mica.boot.text": ("boot only", "text"), ".mica.boot.rodata": ("boot only", "rodata"),
    ".mica.boot.data": ("boot only", "data"), ".mica.boot.bss": ("boot only", "bss"),
    ".mica.entry": ("boot only", "text"),
    ".root_elf": ("root task (embedded ELF)", "rodata"),
    ".board.text": ("board firmware (board.c)", "text"),
    ".board.rodata": ("board firmware (board.c)", "rodata"),
    ".board.data": ("board firmware (board.c)", "data"),
    ".board.bss": ("board firmware (board.c)", "bss"),
    ".vectors": ("board firmware (board.c)", "rodata"),
}
ROWS = ["kernel", "boot only", "root task (embedded ELF)", "board firmware (board.c)"]
COLS = ["text", "rodata", "data", "bss"]


def sections(image):
    out = subprocess.run(["llvm-size", "-A", "-d", image], capture_output=True, text=True,
                         check=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def main():
    image = sys.argv[1] if len(sys.argv) > 1 else "mica.elf"
    sizes = sections(image)
    table = {r: dict.fromkeys(COLS, 0) for r in ROWS}
    other = {}
    for name, size in sizes.items():
        if name in LAYOUT:
            row, col = LAYOUT[name]
            table[row][col] += size
        elif name.startswith((".text", ".rodata", ".data", ".bss", ".sdata", ".sbss", ".mica",
                              ".board")) or name == ".ARM.exidx":
            other[name] = size
    print(f"{image}:")
    print(f"  {'':<26}" + "".join(f"{c:>10}" for c in COLS) + f"{'total':>10}")
    for r in ROWS:
        print(f"  {r:<26}" + "".join(f"{table[r][c]:>10}" for c in COLS) +
              f"{sum(table[r].values()):>10}")
    for name, size in sorted(other.items()):
        print(f"  (section {name}: {size} bytes, not classified)")
    print(f"resident kernel .text (without boot code): {table['kernel']['text']} bytes")


if __name__ == "__main__":
    main()
