# SPDX-License-Identifier: MIT
"""`ninja size`: the kernel image's sections, with the kernel proper apart from code and data
only boot uses (.boot.*, see core/compiler.h) and from the embedded root task (.root_elf).
The last line is the resident kernel's .text: what a release build's limits are stated in
(docs/build.md). Run from the build directory: size.py IMAGE."""

import subprocess
import sys

# output section -> (row, column)
LAYOUT = {
    ".text": ("kernel", "text"), ".rodata": ("kernel", "rodata"),
    ".data": ("kernel", "data"), ".bss": ("kernel", "bss"),
    ".boot.text": ("boot only", "text"), ".boot.rodata": ("boot only", "rodata"),
    ".boot.data": ("boot only", "data"), ".boot.bss": ("boot only", "bss"),
    ".root_elf": ("root task (embedded ELF)", "rodata"),
}
ROWS = ["kernel", "boot only", "root task (embedded ELF)"]
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
        elif name.startswith((".text", ".rodata", ".data", ".bss", ".sdata", ".sbss")) or \
                name in (".vectors", ".ARM.exidx"):
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
