# SPDX-License-Identifier: MIT
"""The kernel's call graph, checked at build time (`ninja stack.txt`, part of every image build):
no recursion anywhere, no call through a function pointer the check cannot follow, and the
deepest chain of stack frames from any entry point within CONFIG_KERNEL_STACK_SIZE.

Calls come from the objects' disassembly and relocations (llvm-objdump -d -r): a call or tail
call relocation, or a branch to another function's symbol. Frame sizes come from clang's
-fstack-usage (.su files beside the objects); assembly has none, so each .S file declares the
stack its functions use in a comment `stack-usage: NAME BYTES` (0 if absent), and where a trap
vector runs C on the stack below a function's frame, says so: `stack-calls: NAME CALLEE...`
(hal_user_run returns into the vector's C code on its own frame). The deepest chain
starts at a function nothing calls (the arch's entry and trap code) and is written to stack.txt
with the frames along it.

  stackcheck.py --arch A --stack-size N --out stack.txt [--sources build.ninja] [--image ELF]
                [--external FUNC=BYTES ...] OBJ_DIR...

--external FUNC=BYTES: FUNC calls code outside the kernel through a pointer (the firmware's
callbacks, core/platform.c), which may use BYTES of the stack below FUNC's frame; its calls
through pointers are allowed and BYTES count as part of its frame.

With --image, only the functions the linked kernel kept count (libfdt has functions the kernel
never calls, --gc-sections drops them).

Exit status 1, with one line saying why, on recursion, an unknown indirect call or a chain
deeper than the stack; hosted (a Linux process, host libc beneath) is checked for recursion
only."""

import argparse
import os
import re
import subprocess
import sys

# Relocations that a call or a tail call leaves, per arch.
CALL_RELOCS = {
    "riscv64": {"R_RISCV_CALL", "R_RISCV_CALL_PLT", "R_RISCV_JAL"},
    "aarch64": {"R_AARCH64_CALL26", "R_AARCH64_JUMP26"},
    "armv8m": {"R_ARM_THM_CALL", "R_ARM_THM_JUMP24", "R_ARM_THM_JUMP19", "R_ARM_CALL",
               "R_ARM_JUMP24"},
    "hosted": {"R_X86_64_PLT32"},
}
# Instructions that call or jump to a target objdump names (<sym> or <sym+0x..>).
DIRECT = re.compile(r"^\s*[0-9a-f]+:\s+(jal|j|call|tail|bl|b|b\.w|blx|jmp|callq|jmpq)\s.*<([^>+]+)")
# Calls through a register: AArch64 blr, Armv8-M blx rN, x86 call *; riscv jalr is handled apart.
INDIRECT = re.compile(r"^\s*[0-9a-f]+:\s+(blr|blx\s+r\d|callq?\s+\*)")
# riscv: `auipc ra, IMM` then `jalr OFF(ra)` is a call the assembler resolved (a callee in the
# same section: BOOT_CODE functions share .boot.text); `jalr REG` with another base is a call
# through a pointer.
AUIPC_RA = re.compile(r"^\s*([0-9a-f]+):\s+auipc\s+ra, (-?\d+)$")
JALR = re.compile(r"^\s*([0-9a-f]+):\s+jalr\s+(?:(-?\d+)\()?(\w+)\)?$")
SECTION = re.compile(r"^Disassembly of section (\S+):$")
FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
RELOC = re.compile(r"^\s+[0-9a-f]+:\s+(R_\w+)\s+(\S+?)(?:[+-]0x[0-9a-f]+)?$")
ASM_USAGE = re.compile(r"stack-usage:\s*(\w+)\s+(\d+)")
ASM_CALLS = re.compile(r"stack-calls:\s*(\w+)((?:\s+\w+)+)")
SECTION_PREFIXES = (".text.", ".boot.text.")
# Armv8-M at -Oz calls a function it calls three or more times through a register: `ldr rN,
# [pc, #imm]` from the function's literal pool (an R_ARM_ABS32 to the callee), then `blx rN`.
# That is a direct call too; the register is followed from the load to the blx.
THUMB_LDR_LIT = re.compile(
    r"^\s*[0-9a-f]+:\s+ldr(?:\.w)?\s+(r\d+|lr|ip), \[pc, #-?\d+\]\s+@ 0x([0-9a-f]+)")
THUMB_BLX_REG = re.compile(r"^\s*[0-9a-f]+:\s+blx\s+(r\d+|lr|ip)$")
THUMB_INSN = re.compile(r"^\s*[0-9a-f]+:\s+(\S+)\s+([^,\s]+)")
THUMB_NO_DEST = re.compile(r"^(str|cmp|cmn|tst|teq|push|stm|b|bl|blx|bx|it|cb|tb|svc|udf|nop)")
ABS32 = re.compile(r"^\s+([0-9a-f]+):\s+R_ARM_ABS32\s+(\S+?)(?:[+-]0x[0-9a-f]+)?$")


def objects(dirs, build_ninja):
    """The .o files under dirs; with build.ninja, only those the kernel is made of (obj/kernel.a,
    which the partial link turns into libmica.a: an object left over from an earlier
    configuration or branch is not the kernel's)."""
    archived = None
    if build_ninja and os.path.exists(build_ninja):
        m = re.search(r"^build obj/kernel\.a: ar ((?:[^\n]|\$\n)*)$", open(build_ninja).read(),
                      re.M)
        if m:
            archived = {os.path.normpath(o) for o in m.group(1).replace("$\n", " ").split()}
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                path = os.path.join(root, f)
                if f.endswith(".o") and (archived is None or os.path.normpath(path) in archived):
                    yield path


def asm_sources(build_ninja):
    """object path -> source path, for the assembly files of the kernel (from build.ninja)."""
    out = {}
    if not build_ninja or not os.path.exists(build_ninja):
        return out
    text = open(build_ninja).read()
    srcdir = re.search(r"^srcdir = (.*)$", text, re.M).group(1)
    for obj, src in re.findall(r"^build (\S+\.o): cc\w* (\S+\.S)$", text, re.M):
        out[os.path.normpath(obj)] = src.replace("$srcdir", srcdir)
    return out


class Graph:
    def __init__(self, arch):
        self.arch = arch
        self.frame = {}     # (object, function) -> bytes
        self.calls = {}     # (object, function) -> set of callee names (resolved later)
        self.indirect = {}  # (object, function) -> instruction text
        self.globals = {}   # name -> (object, name) of its global definition
        self.locals = {}    # object -> set of names defined there

    def read(self, obj, asm_src):
        dump = subprocess.run(["llvm-objdump", "-d", "-r", "--no-show-raw-insn", obj],
                              capture_output=True, text=True, check=True).stdout
        syms = subprocess.run(["llvm-nm", "--defined-only", obj], capture_output=True,
                              text=True, check=True).stdout
        defined = set()
        for line in syms.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TtWw":
                defined.add(parts[2])
                if parts[1] in "TW":
                    self.globals.setdefault(parts[2], (obj, parts[2]))
        self.locals[obj] = defined
        cur = None
        section, at, auipc = None, {}, None
        lit_reg, abs32, via_reg = {}, {}, []  # Armv8-M calls through a literal (THUMB_LDR_LIT)
        lines = dump.splitlines()
        for line in lines:  # first pass: where each function starts in its section
            m = SECTION.match(line)
            if m:
                section = m.group(1)
                continue
            m = FUNC.match(line)
            if m and not m.group(1).startswith((".L", "$")):
                at[(section, int(line.split()[0], 16))] = m.group(1)
        for line in lines:
            m = SECTION.match(line)
            if m:
                section = m.group(1)
                continue
            m = FUNC.match(line)
            if m:
                if m.group(1).startswith((".L", "$")):
                    continue  # a label or an Arm mapping symbol inside the current function
                cur = (obj, m.group(1))
                self.calls.setdefault(cur, set())
                lit_reg = {}
                continue
            if cur is None:
                continue
            if self.arch == "armv8m":
                m = ABS32.match(line)
                if m:
                    abs32[(section, int(m.group(1), 16))] = m.group(2)
                    continue
                m = THUMB_LDR_LIT.match(line)
                if m:
                    lit_reg[m.group(1)] = int(m.group(2), 16)
                    continue
                m = THUMB_BLX_REG.match(line)
                if m and m.group(1) in lit_reg:
                    via_reg.append((cur, section, lit_reg[m.group(1)], line.strip()))
                    continue
                m = THUMB_INSN.match(line)
                if m and not THUMB_NO_DEST.match(m.group(1)):
                    lit_reg.pop(m.group(2), None)  # the register is written: no longer the literal
            m = RELOC.match(line)
            if m:
                if m.group(1) in CALL_RELOCS.get(self.arch, ()):
                    target = m.group(2)
                    if target.startswith(".L"):
                        continue  # a branch inside the function (relocated: -mno-relax)
                    for p in SECTION_PREFIXES:
                        if target.startswith(p):
                            target = target[len(p):]
                    self.calls[cur].add(target)
                    auipc = None  # the jalr after this auipc is the call just recorded
                continue
            m = AUIPC_RA.match(line)
            if m:
                auipc = (int(m.group(1), 16), int(m.group(2)))
                continue
            m = JALR.match(line)
            if m:
                base, off = m.group(3), int(m.group(2) or 0)
                if base == "ra" and auipc:
                    target = at.get((section, auipc[0] + (auipc[1] << 12) + off))
                    if target:
                        self.calls[cur].add(target)
                    else:
                        self.indirect.setdefault(cur, line.strip())
                elif base != "ra":
                    self.indirect.setdefault(cur, line.strip())
                auipc = None
                continue
            m = DIRECT.match(line)
            if m and m.group(2) != cur[1] and not m.group(2).startswith(".L"):
                self.calls[cur].add(m.group(2))
            elif INDIRECT.match(line):
                self.indirect.setdefault(cur, line.strip())
        for f, sec, addr, insn in via_reg:
            target = abs32.get((sec, addr))
            if target and not target.startswith("."):
                self.calls[f].add(target)
            else:
                self.indirect.setdefault(f, insn)
        su = obj[:-2] + ".su"
        if os.path.exists(su):
            for line in open(su):
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3:
                    name = parts[0].rsplit(":", 1)[-1]
                    if "dynamic" in parts[2] and "bounded" not in parts[2]:
                        self.frame[(obj, name)] = None  # a variable-length frame
                    else:
                        self.frame[(obj, name)] = int(parts[1])
        if asm_src and os.path.exists(asm_src):
            text = open(asm_src).read()
            for name, size in ASM_USAGE.findall(text):
                self.frame[(obj, name)] = int(size)
            for name, callees in ASM_CALLS.findall(text):
                self.calls.setdefault((obj, name), set()).update(callees.split())

    def resolve(self, caller, name):
        obj = caller[0]
        if name in self.locals.get(obj, ()):
            return (obj, name)
        return self.globals.get(name)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", required=True)
    p.add_argument("--stack-size", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--sources")
    p.add_argument("--image")
    p.add_argument("--external", action="append", default=[], metavar="FUNC=BYTES")
    p.add_argument("dirs", nargs="+")
    a = p.parse_args()
    external = {}
    for item in a.external:
        name, _, size = item.partition("=")
        if not size.isdigit():
            sys.exit(f"stackcheck: error: --external {item}: expected FUNC=BYTES")
        external[name] = int(size)

    g = Graph(a.arch)
    asm = asm_sources(a.sources)
    for obj in objects(a.dirs, a.sources):
        g.read(obj, asm.get(os.path.normpath(obj)))

    if a.image:
        kept = set()
        for line in subprocess.run(["llvm-nm", "--defined-only", a.image], capture_output=True,
                                   text=True, check=True).stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TtWw":
                kept.add(parts[2])
        g.calls = {f: c for f, c in g.calls.items() if f[1] in kept}
    for f in list(g.frame):
        if f[1] in external and g.frame[f] is not None:
            g.frame[f] += external[f[1]]
            g.indirect.pop(f, None)
    edges = {f: sorted({r for r in (g.resolve(f, n) for n in callees) if r and r != f})
             for f, callees in g.calls.items()}
    # Calls to oneself (recursion of length 1) were dropped above: find them separately.
    for f, callees in g.calls.items():
        if f[1] in callees and g.resolve(f, f[1]) == f:
            sys.exit(f"stackcheck: error: recursion: {f[1]} calls itself ({f[0]})")

    # Iterative depth-first search: cycles, then the deepest chain (memoised).
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(edges, WHITE)
    depth, via = {}, {}
    check_depth = a.arch != "hosted"
    for root in sorted(edges):
        if colour[root] != WHITE:
            continue
        stack = [(root, iter(edges[root]))]
        colour[root] = GREY
        while stack:
            f, it = stack[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in colour:
                    colour[nxt] = BLACK  # an object-less symbol: nothing below it
                    depth[nxt] = 0
                    continue
                if colour[nxt] == GREY:
                    cycle = [x[1] for x, _ in stack[[x for x, _ in stack].index(nxt):]]
                    sys.exit("stackcheck: error: recursion: " + " -> ".join(cycle + [nxt[1]]))
                if colour[nxt] == WHITE:
                    colour[nxt] = GREY
                    stack.append((nxt, iter(edges[nxt])))
                continue
            stack.pop()
            colour[f] = BLACK
            frame = g.frame.get(f, 0)
            if frame is None:
                if check_depth:
                    sys.exit(f"stackcheck: error: {f[1]} ({f[0]}) has a variable-sized frame")
                frame = 0
            best = max(edges[f], key=lambda c: depth.get(c, 0), default=None)
            depth[f] = frame + (depth.get(best, 0) if best else 0)
            via[f] = best

    if check_depth:
        bad = sorted(f"{f[1]} ({f[0]}): {line}" for f, line in g.indirect.items())
        if bad:
            sys.exit("stackcheck: error: a call through a pointer, which this check cannot "
                     f"follow: {bad[0]}")

    called = {c for cs in edges.values() for c in cs}
    roots = [f for f in edges if f not in called]
    top = max(roots, key=lambda f: depth.get(f, 0), default=None)
    chain = []
    while top:
        chain.append(top)
        top = via.get(top)
    worst = depth.get(chain[0], 0) if chain else 0
    with open(a.out, "w") as out:
        out.write(f"worst-case kernel stack: {worst} of {a.stack_size} bytes "
                  f"({len(edges)} functions, no recursion)\n")
        for f in chain:
            out.write(f"  {g.frame.get(f, 0) or 0:6} {f[1]}  ({os.path.relpath(f[0])})\n")
    if not check_depth:
        print(f"stackcheck: {len(edges)} functions, no recursion (hosted: depth not checked)")
        return
    print(f"stackcheck: worst-case kernel stack {worst} of {a.stack_size} bytes "
          f"({' > '.join(f[1] for f in chain[:6])}{' > ...' if len(chain) > 6 else ''})")
    if worst > a.stack_size:
        os.remove(a.out)
        sys.exit(f"stackcheck: error: the deepest kernel call chain needs {worst} bytes, "
                 f"CONFIG_KERNEL_STACK_SIZE is {a.stack_size}")


if __name__ == "__main__":
    main()
