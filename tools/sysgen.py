#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Mica system descriptions: read a system file (TOML, docs/systems.md), check it against the
configured board, and turn it into the table the system loader reads (user/include/mica/system.h).

  sysgen.py check --config BUILD/.config SYSTEM.toml
  sysgen.py blob  --config BUILD/.config --elf-dir DIR --out system.bin SYSTEM.toml

configure.py --system uses it as a module (load(), ninja_text()). Every problem is one line,
FILE:LINE: ENTITY: what is wrong; all problems are reported, and the exit status is 1."""

import argparse
import math
import os
import re
import struct
import sys
import tomllib

PAGE = 4096
MAGIC = 0x5359534D
VERSION = 1
NONE = 0xFFFFFFFF

# enum mica_cap_type, MICA_RIGHT_*, MICA_VM_* (include/mica/objects.h, abi.h).
CAP_ENDPOINT, CAP_NOTIFICATION, CAP_IRQ_HANDLER, CAP_UNTYPED = 3, 4, 12, 1
R_READ, R_WRITE, R_GRANT, R_GRANT_REPLY = 1, 2, 4, 8
R_ALL = 15
VM_READ, VM_WRITE = 1, 2
ATTR_CACHED, ATTR_DEVICE = 0, 1
# enum mica_sys_obj_kind, enum mica_sys_pd_flag (user/include/mica/system.h).
K_ENDPOINT, K_NOTIFICATION, K_MEMORY, K_DEVICE, K_IRQ, K_BLOB = 1, 2, 3, 4, 5, 6
F_AUTOSTART, F_SCHED_CONTROL, F_HANDLER = 1, 2, 4

# A process's address space (user/include/mica/process.h).
PROC_IMAGE_LO, PROC_IMAGE_HI = 0x10000, 0x40000000
PROC_MAPS_LO, PROC_MAPS_HI = 0x40000000, 0x80000000
PROC_FIRST_FREE = 4
SPAWN_SLOT_MARGIN = 64  # user/lib/process.c SLOT_MARGIN
NAME_LEN = 20  # MICA_PROC_NAME_LEN, with its NUL
MIN_BUDGET_US = 10  # the kernel's SC_MIN_BUDGET_US
MAX_CAPS, MAX_MAPS, MAX_WORDS = 64, 16, 24  # user/lib/system.c
MAX_PDS, MAX_OBJS, MAX_BUNDLE = 32, 128, 256  # user/sysloader/main.c
FAULT_BIT = 0x80000000  # MICA_SYS_FAULT_BIT: badges of faults and exits; clients' are below
# Interrupt lines a board's interrupt controller has (the kernel checks again: IRQControl_Get).
IRQ_LINES = {"riscv64": 255, "aarch64": 1019, "armv8m": 479}
BLOCK_TILES = 24  # user/lib/process.c: the most frames an MPU process's block is cut into
DEFAULT_MPU_REGIONS = 8  # PMSAv8 on Cortex-M33 silicon (docs/abi.md); CONFIG_MPU_REGIONS if set

KEYS = {
    "system": {"name", "boards", "include", "lib"},
    "pd": {"name", "program", "priority", "mcp", "budget_us", "period_us", "stack", "heap",
           "memory", "memory_mpu", "supervisor", "fault_handler", "autostart", "sched_control",
           "cnode_bits", "faults_on"},
    "channel": {"name", "type", "server", "clients", "waiter", "signallers", "grant"},
    "memory": {"name", "size", "map"},
    "device": {"name", "board", "paddr", "size", "pd", "rights", "vaddr"},
    "irq": {"name", "board", "irq", "pd"},
}
REQUIRED = {
    "system": ("name",), "pd": ("name", "program"), "channel": ("name", "type"),
    "memory": ("name", "size", "map"), "device": ("name", "paddr", "size", "pd"),
    "irq": ("name", "irq", "pd"),
}


class SystemError_(Exception):
    """Problems found in a system file: a list of one-line messages."""

    def __init__(self, lines):
        super().__init__("\n".join(lines))
        self.lines = lines


class Lines:
    """Where things are in the file: tomllib gives no positions, so the text is scanned for
    table headers and keys. Good enough to point at the line of an entity or of one key."""

    HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]|^\s*\[\s*([A-Za-z0-9_-]+)\s*\]")
    KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text):
        self.lines = text.splitlines()
        self.spans = {}  # (section, index) -> (first line, end line), 1-based, end exclusive
        counts, cur = {}, None
        for n, line in enumerate(self.lines, 1):
            m = self.HEADER.match(line)
            if not m:
                continue
            if cur:
                self.spans[cur] = (self.spans[cur][0], n)
            name = m.group(1) or m.group(2)
            idx = counts.get(name, 0)
            counts[name] = idx + 1
            cur = (name, idx)
            self.spans[cur] = (n, len(self.lines) + 1)

    def find(self, section, index, key=None, needle=None):
        first, end = self.spans.get((section, index), (1, len(self.lines) + 1))
        line = first
        if key:
            for n in range(first, end):
                m = self.KEY.match(self.lines[n - 1])
                if m and m.group(1) == key:
                    line = n
                    break
        if needle is not None:
            for n in range(line, end):
                if needle in self.lines[n - 1]:
                    return n
        return line


class Facts:
    """What the configured board offers, from its .config."""

    def __init__(self, values):
        self.board = values.get("CONFIG_BOARD", "")
        self.arch = values.get("CONFIG_ARCH", "")
        self.has_hal = values.get("CONFIG_ARCH_HAS_HAL") == "y"
        self.mmu = values.get("CONFIG_MMU") == "y"
        self.mpu = values.get("CONFIG_MPU") == "y"
        self.mpu_regions = int(values.get("CONFIG_MPU_REGIONS") or DEFAULT_MPU_REGIONS)
        self.irq_lines = IRQ_LINES.get(self.arch, 63)


def read_config(path):
    values = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^(CONFIG_\w+)=(.*)$", line.strip())
            if m:
                v = m.group(2)
                values[m.group(1)] = v[1:-1] if v.startswith('"') and v.endswith('"') else v
    return values


class Checker:
    def __init__(self, path, text):
        self.path = path
        self.where = Lines(text)
        self.errors = []

    def error(self, section, index, entity, msg, key=None, needle=None):
        line = self.where.find(section, index, key, needle)
        self.errors.append(f"{self.path}:{line}: {entity}: {msg}")


def entity(section, table, index):
    name = table.get("name") if isinstance(table, dict) else None
    return f"{section} '{name}'" if isinstance(name, str) else f"{section} #{index + 1}"


def as_list(v):
    return v if isinstance(v, list) else [v]


def ceil_log2(n):
    return max(0, math.ceil(math.log2(n))) if n > 1 else 0


class PD:
    def __init__(self, index, t):
        self.index = index
        self.t = t
        self.name = t["name"]
        self.program = t["program"]
        self.priority = t.get("priority", 100)
        self.mcp = t.get("mcp", self.priority)
        self.budget = t.get("budget_us", 1000)
        self.period = t.get("period_us", self.budget)
        self.stack = t.get("stack", 16384)
        self.heap = t.get("heap", 0)
        self.memory = t.get("memory", 0)
        self.supervisor = t.get("supervisor")
        self.fault_handler = t.get("fault_handler")
        self.autostart = t.get("autostart", True)
        self.sched_control = t.get("sched_control", False)
        self.cnode_bits = t.get("cnode_bits", 0)
        self.faults_on = t.get("faults_on")
        self.words = []  # (name, value, extra): a server's clients, by badge
        self.caps = []  # (name, obj, rights, badge, type, extra) in slot order from 4
        self.maps = []  # (name, obj, vaddr, rights, attr, size)
        self.children = []


class System:
    """A checked system description for one board."""

    def __init__(self, path, facts, image=True):
        self.image = image
        self.path = path
        self.dir = os.path.dirname(os.path.abspath(path))
        self.facts = facts
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8", "replace")
        self.c = Checker(path, text)
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
            line = m.group(1) if m else "1"
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
            raise SystemError_([f"{path}:{line}: TOML syntax: {msg}"])
        self.objs = []  # [kind, name, size, paddr, ntfn, badge]
        self.check()
        if self.c.errors:
            raise SystemError_(self.c.errors)

    # ---- checking ----

    def tables(self, section):
        v = self.data.get(section, [] if section != "system" else {})
        if section == "system":
            return [v] if isinstance(v, dict) else []
        return v if isinstance(v, list) else []

    def check_keys(self):
        for section in self.data:
            if section not in KEYS:
                self.c.error(section, 0, f"[{section}]", f"unknown section (known: "
                             f"{', '.join(sorted(KEYS))})")
        for section, keys in KEYS.items():
            for i, t in enumerate(self.tables(section)):
                if not isinstance(t, dict):
                    self.c.error(section, i, f"{section} #{i + 1}", "must be a table")
                    continue
                for k in t:
                    if k not in keys:
                        self.c.error(section, i, entity(section, t, i), f"unknown key '{k}'",
                                     key=k)
                for k in REQUIRED[section]:
                    if k not in t:
                        self.c.error(section, i, entity(section, t, i), f"missing key '{k}'")

    def typed(self, section, i, t, key, kind, lo=None, hi=None):
        """t[key] is of type kind (and in range); else an error, and False."""
        if key not in t:
            return True
        v = t[key]
        ok = isinstance(v, kind) and not (kind is int and isinstance(v, bool))
        if not ok:
            self.c.error(section, i, entity(section, t, i),
                         f"'{key}' must be {'an integer' if kind is int else kind.__name__}",
                         key=key)
            return False
        if kind is int and ((lo is not None and v < lo) or (hi is not None and v > hi)):
            self.c.error(section, i, entity(section, t, i),
                         f"'{key}' = {v} is outside {lo}..{hi}", key=key)
            return False
        return True

    def check(self):
        self.check_keys()
        if self.c.errors:
            return
        sysname = self.tables("system")[0]["name"] if self.tables("system") else None
        if not self.tables("system"):
            self.c.error("system", 0, "[system]", "missing section (it names the system)")
            return
        self.name = sysname
        self.check_board()
        self.check_pds()
        if self.c.errors:
            return
        self.check_channels()
        self.check_memory()
        self.check_devices()
        self.check_irqs()
        if not self.c.errors:
            self.layout()

    def check_board(self):
        s = self.tables("system")[0]
        f = self.facts
        boards = s.get("boards")
        if boards is not None and f.board not in as_list(boards):
            self.c.error("system", 0, f"system '{self.name}'",
                         f"does not run on board {f.board} (boards = {as_list(boards)})",
                         key="boards")
        if not self.image:
            pass  # only checking the description against the board's facts
        elif f.arch == "hosted":
            self.c.error("system", 0, f"system '{self.name}'",
                         "hosted runs user code inside the kernel's process; a system needs "
                         "separate program images (an MMU or MPU board)")
        elif not f.has_hal:
            self.c.error("system", 0, f"system '{self.name}'",
                         f"board {f.board} has no whole kernel yet (CONFIG_ARCH_HAS_HAL is not "
                         "set)")
        for key in ("include", "lib"):
            for d in as_list(s.get(key, [])):
                if not isinstance(d, str) or not os.path.isdir(os.path.join(self.dir, d)):
                    self.c.error("system", 0, f"system '{self.name}'",
                                 f"{key} directory '{d}' does not exist", key=key)

    def check_pds(self):
        self.pds, self.by_name = [], {}
        for i, t in enumerate(self.tables("pd")):
            e = entity("pd", t, i)
            ok = all([
                self.typed("pd", i, t, "name", str), self.typed("pd", i, t, "program", str),
                self.typed("pd", i, t, "priority", int, 0, 255),
                self.typed("pd", i, t, "mcp", int, 0, 255),
                self.typed("pd", i, t, "budget_us", int, MIN_BUDGET_US, 2**32 - 1),
                self.typed("pd", i, t, "period_us", int, MIN_BUDGET_US, 2**32 - 1),
                self.typed("pd", i, t, "stack", int, PAGE, 1 << 24),
                self.typed("pd", i, t, "heap", int, 0, 1 << 28),
                self.typed("pd", i, t, "memory", int, 0, 1 << 28),
                self.typed("pd", i, t, "memory_mpu", int, 0, 1 << 28),
                self.typed("pd", i, t, "supervisor", str),
                self.typed("pd", i, t, "fault_handler", str),
                self.typed("pd", i, t, "autostart", bool),
                self.typed("pd", i, t, "sched_control", bool),
                self.typed("pd", i, t, "cnode_bits", int, 4, 16),
                self.typed("pd", i, t, "faults_on", str),
            ])
            if not ok:
                continue
            if len(t["name"]) >= NAME_LEN or not re.match(r"^[a-z][a-z0-9_]*$", t["name"]):
                self.c.error("pd", i, e, f"a name is 1..{NAME_LEN - 1} of [a-z0-9_], "
                             "starting with a letter", key="name")
                continue
            if t["name"] in self.by_name:
                self.c.error("pd", i, e, "a second PD of that name", key="name")
                continue
            pd = PD(i, t)
            if self.facts.mpu and "memory_mpu" in t:
                pd.memory = t["memory_mpu"]
            prog = os.path.join(self.dir, pd.program)
            if not os.path.isdir(prog) or not any(n.endswith(".c") for n in os.listdir(prog)):
                self.c.error("pd", i, e, f"program directory '{pd.program}' has no .c files",
                             key="program")
            if pd.period < pd.budget:
                self.c.error("pd", i, e, f"period_us {pd.period} is below budget_us "
                             f"{pd.budget}", key="period_us")
            if pd.mcp > pd.priority and "mcp" in t:
                pass  # a PD may hand out priorities up to its MCP; checked against its spawner
            self.pds.append(pd)
            self.by_name[pd.name] = pd
        for pd in self.pds:
            for key in ("supervisor", "fault_handler"):
                other = getattr(pd, key)
                if other is not None and other not in self.by_name:
                    self.c.error("pd", pd.index, f"pd '{pd.name}'", f"{key} '{other}' is not a "
                                 "PD", key=key)
                    setattr(pd, key, None)
                elif other == pd.name:
                    self.c.error("pd", pd.index, f"pd '{pd.name}'", f"is its own {key}",
                                 key=key)
                    setattr(pd, key, None)
        for pd in self.pds:
            sup = self.by_name.get(pd.supervisor) if pd.supervisor else None
            if sup is None:
                continue
            if "fault_handler" not in pd.t:
                pd.fault_handler = sup.name
            sup.children.append(pd)
            if sup.supervisor:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"supervisor '{sup.name}' is "
                             f"itself supervised (by '{sup.supervisor}'): one level only",
                             key="supervisor")
            if pd.priority > sup.priority:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"priority {pd.priority} is "
                             f"above its supervisor '{sup.name}' ({sup.priority})",
                             key="priority")
            if "mcp" in pd.t and pd.mcp > sup.mcp:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"mcp {pd.mcp} is above its "
                             f"supervisor '{sup.name}''s mcp ({sup.mcp})", key="mcp")
            if pd.fault_handler != sup.name:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", "a supervised PD's faults go "
                             f"to its supervisor '{sup.name}', not '{pd.fault_handler}'",
                             key="fault_handler")
        for pd in self.pds:
            if not pd.supervisor and not pd.autostart:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", "autostart = false needs a "
                             "supervisor to start it", key="autostart")

    def pd_ref(self, section, i, t, e, name, what, key):
        if not isinstance(name, str) or name not in self.by_name:
            self.c.error(section, i, e, f"{what} '{name}' is not a PD", key=key,
                         needle=f'"{name}"' if isinstance(name, str) else None)
            return None
        return self.by_name[name]

    def new_obj(self, kind, name, size=0, paddr=0, ntfn=NONE, badge=0):
        self.objs.append([kind, name, size, paddr, ntfn, badge])
        return len(self.objs) - 1

    def add_cap(self, pd, section, i, e, name, obj, rights, badge, ctype, extra=0, key=None):
        if any(c[0] == name for c in pd.caps):
            self.c.error(section, i, e, f"pd '{pd.name}' already has a cap called '{name}'",
                         key=key)
            return
        pd.caps.append((name, obj, rights, badge, ctype, extra))

    def members(self, section, i, t, e, key, default_badge):
        """A list of PD names or {pd, badge} tables; returns [(pd, badge)]."""
        out, badges = [], set()
        v = t.get(key)
        if not isinstance(v, list) or not v:
            self.c.error(section, i, e, f"'{key}' must list at least one PD (a channel to "
                         "nowhere)", key=key)
            return out
        for n, m in enumerate(v):
            name, badge = (m, default_badge(n)) if isinstance(m, str) else \
                (m.get("pd"), m.get("badge", default_badge(n))) if isinstance(m, dict) else \
                (None, 0)
            if isinstance(m, dict) and set(m) - {"pd", "badge"}:
                self.c.error(section, i, e, f"unknown key in '{key}': "
                             f"{sorted(set(m) - {'pd', 'badge'})[0]}", key=key)
            pd = self.pd_ref(section, i, t, e, name, key[:-1] if key.endswith("s") else key,
                             key)
            if pd is None:
                continue
            if not isinstance(badge, int) or badge <= 0 or badge >= FAULT_BIT:
                self.c.error(section, i, e, f"badge of '{name}' must be 1..2^31-1 (0 would "
                             "not tell its messages apart; faults use bit 31)", key=key,
                             needle=f'"{name}"')
                continue
            if badge in badges:
                self.c.error(section, i, e, f"badge {badge} given twice", key=key,
                             needle=f'"{name}"')
            badges.add(badge)
            out.append((pd, badge))
        return out

    def check_channels(self):
        names = set()
        self.endpoints = {}
        for i, t in enumerate(self.tables("channel")):
            e = entity("channel", t, i)
            if not self.typed("channel", i, t, "name", str) or \
                    not self.typed("channel", i, t, "type", str):
                continue
            name = t["name"]
            if name in names:
                self.c.error("channel", i, e, "a second channel of that name", key="name")
            names.add(name)
            if t["type"] == "endpoint":
                for k in ("waiter", "signallers"):
                    if k in t:
                        self.c.error("channel", i, e, f"'{k}' is for notifications", key=k)
                if "server" not in t:
                    self.c.error("channel", i, e, "an endpoint needs a 'server' (a channel to "
                                 "nowhere)")
                    continue
                server = self.pd_ref("channel", i, t, e, t["server"], "server", "server")
                clients = self.members("channel", i, t, e, "clients", lambda n: n + 1)
                if server is None:
                    continue
                obj = self.new_obj(K_ENDPOINT, name)
                self.endpoints[name] = (obj, server)
                self.add_cap(server, "channel", i, e, name, obj, R_ALL, 0, CAP_ENDPOINT)
                grant = R_GRANT if t.get("grant", False) else 0
                for pd, badge in clients:
                    if pd is server:
                        self.c.error("channel", i, e, f"'{pd.name}' is server and client",
                                     key="clients")
                        continue
                    self.add_cap(pd, "channel", i, e, name, obj, R_WRITE | R_GRANT_REPLY | grant,
                                 badge, CAP_ENDPOINT)
                    server.words.append((pd.name, badge, name))
            elif t["type"] == "notification":
                for k in ("server", "clients"):
                    if k in t:
                        self.c.error("channel", i, e, f"'{k}' is for endpoints", key=k)
                if "waiter" not in t:
                    self.c.error("channel", i, e, "a notification needs a 'waiter' (a channel "
                                 "to nowhere)")
                    continue
                waiter = self.pd_ref("channel", i, t, e, t["waiter"], "waiter", "waiter")
                sig = self.members("channel", i, t, e, "signallers", lambda n: 1 << n)
                if waiter is None:
                    continue
                obj = self.new_obj(K_NOTIFICATION, name)
                self.add_cap(waiter, "channel", i, e, name, obj, R_READ | R_WRITE, 0,
                             CAP_NOTIFICATION)
                for pd, badge in sig:
                    if pd is not waiter:
                        self.add_cap(pd, "channel", i, e, name, obj, R_WRITE, badge,
                                     CAP_NOTIFICATION)
            else:
                self.c.error("channel", i, e, f"type '{t['type']}' is neither 'endpoint' nor "
                             "'notification'", key="type")

    def rights(self, section, i, e, r, key):
        table = {"r": VM_READ, "rw": VM_READ | VM_WRITE}
        if r not in table:
            self.c.error(section, i, e, f"rights '{r}' must be 'r' or 'rw'", key=key,
                         needle=f'"{r}"')
            return None
        return table[r]

    def check_memory(self):
        for i, t in enumerate(self.tables("memory")):
            e = entity("memory", t, i)
            if not self.typed("memory", i, t, "name", str) or \
                    not self.typed("memory", i, t, "size", int, PAGE, 1 << 28):
                continue
            if t["size"] % PAGE:
                self.c.error("memory", i, e, f"size {t['size']:#x} is not a multiple of the "
                             f"page size ({PAGE})", key="size")
                continue
            obj = self.new_obj(K_MEMORY, t["name"], t["size"])
            maps = t["map"] if isinstance(t["map"], list) else []
            if not maps:
                self.c.error("memory", i, e, "'map' must list the PDs that see it", key="map")
            for m in maps:
                if not isinstance(m, dict) or set(m) - {"pd", "rights", "vaddr"}:
                    self.c.error("memory", i, e, "each 'map' entry is {pd, rights, vaddr}",
                                 key="map")
                    continue
                pd = self.pd_ref("memory", i, t, e, m.get("pd"), "map pd", "map")
                r = self.rights("memory", i, e, m.get("rights", "rw"), "map")
                if pd is not None and r is not None:
                    pd.maps.append([t["name"], obj, m.get("vaddr"), r, ATTR_CACHED, t["size"],
                                    ("memory", i, e)])

    def on_board(self, t):
        boards = t.get("board")
        return boards is None or self.facts.board in as_list(boards)

    def check_devices(self):
        ranges = []
        for i, t in enumerate(self.tables("device")):
            e = entity("device", t, i)
            if not all([self.typed("device", i, t, "name", str),
                        self.typed("device", i, t, "paddr", int, 0, 2**48),
                        self.typed("device", i, t, "size", int, PAGE, 1 << 28)]):
                continue
            if not self.on_board(t):
                continue
            if t["paddr"] % PAGE or t["size"] % PAGE:
                self.c.error("device", i, e, "paddr and size must be page aligned", key="paddr")
                continue
            lo, hi = t["paddr"], t["paddr"] + t["size"]
            for olo, ohi, oname in ranges:
                if lo < ohi and olo < hi:
                    self.c.error("device", i, e, f"overlapping regions: [{lo:#x}, {hi:#x}) "
                                 f"overlaps device '{oname}' [{olo:#x}, {ohi:#x})", key="paddr")
            ranges.append((lo, hi, t["name"]))
            pd = self.pd_ref("device", i, t, e, t["pd"], "pd", "pd")
            r = self.rights("device", i, e, t.get("rights", "rw"), "rights")
            obj = self.new_obj(K_DEVICE, t["name"], t["size"], t["paddr"])
            if pd is not None and r is not None:
                pd.maps.append([t["name"], obj, t.get("vaddr"), r, ATTR_DEVICE, t["size"],
                                ("device", i, e)])

    def check_irqs(self):
        lines, ntfn = {}, {}
        for i, t in enumerate(self.tables("irq")):
            e = entity("irq", t, i)
            if not self.typed("irq", i, t, "name", str) or \
                    not self.typed("irq", i, t, "irq", int, 0, 2**32 - 1):
                continue
            if not self.on_board(t):
                continue
            line = t["irq"]
            if line < 1 or line > self.facts.irq_lines:
                self.c.error("irq", i, e, f"line {line} does not exist on {self.facts.board} "
                             f"(1..{self.facts.irq_lines})", key="irq")
                continue
            if line in lines:
                self.c.error("irq", i, e, f"IRQ {line} claimed twice (also by irq "
                             f"'{lines[line]}')", key="irq")
                continue
            lines[line] = t["name"]
            pd = self.pd_ref("irq", i, t, e, t["pd"], "pd", "pd")
            if pd is None:
                continue
            if pd.name not in ntfn:
                ntfn[pd.name] = [self.new_obj(K_NOTIFICATION, f"irq:{pd.name}"), 0]
                self.add_cap(pd, "irq", i, e, "irq_ntfn", ntfn[pd.name][0], R_READ | R_WRITE, 0,
                             CAP_NOTIFICATION)
            nobj, nbit = ntfn[pd.name]
            ntfn[pd.name][1] += 1
            obj = self.new_obj(K_IRQ, t["name"], line, 0, nobj, 1 << nbit)
            self.add_cap(pd, "irq", i, e, t["name"], obj, R_ALL, 0, CAP_IRQ_HANDLER, 1 << nbit)

    # ---- layout ----

    def layout(self):
        """Fault endpoints, cap slots, mapping addresses, CSpace sizes, MPU regions."""
        handlers = {pd.fault_handler for pd in self.pds if pd.fault_handler}
        self.faults = {}
        for pd in self.pds:
            if pd.faults_on is None:
                continue
            ep = self.endpoints.get(pd.faults_on)
            if ep is None or ep[1] is not pd:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"faults_on '{pd.faults_on}' is "
                             "not an endpoint channel it serves", key="faults_on")
            elif pd.name in handlers:
                self.faults[pd.name] = ep[0]
        for name in sorted(handlers, key=lambda n: self.by_name[n].index):
            if name not in self.faults:
                self.faults[name] = self.new_obj(K_ENDPOINT, f"faults:{name}")
        # The faults and exits of the others go to the loader (MICA_SYS_LOADER_FAULTS).
        loader = self.new_obj(K_ENDPOINT, "faults:sysloader") \
            if any(not pd.fault_handler for pd in self.pds) else None
        self.blob_obj = self.new_obj(K_BLOB, "system") if any(p.children for p in self.pds) \
            else None
        for pd in self.pds:
            pd.fault_obj = self.faults[pd.fault_handler] if pd.fault_handler else loader
            fixed = [("exit", pd.fault_obj, R_WRITE | R_GRANT_REPLY, FAULT_BIT | (pd.index + 1),
                      CAP_ENDPOINT, 0)]
            if pd.name in self.faults and pd.faults_on is None:
                fixed.append(("faults", self.faults[pd.name], R_ALL, 0, CAP_ENDPOINT, 0))
            # A handler learns whom a fault badge names.
            for child in self.pds:
                if child.fault_handler == pd.name:
                    pd.words.append((child.name, FAULT_BIT | (child.index + 1), "faults"))
            if len(pd.words) > MAX_WORDS:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"{len(pd.words)} named "
                             f"clients, the loader takes {MAX_WORDS}")
            pd.caps = fixed + pd.caps
            if len(pd.caps) > MAX_CAPS:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"{len(pd.caps)} caps, the "
                             f"loader takes {MAX_CAPS}")
            pd.slot = {c[0]: PROC_FIRST_FREE + n for n, c in enumerate(pd.caps)}
            nxt = PROC_FIRST_FREE + len(pd.caps)
            pd.sched_control_slot = 0
            if pd.sched_control or pd.children:
                pd.sched_control_slot, nxt = nxt, nxt + 1
            pd.own_ut_slot = 0
            if pd.memory:
                pd.own_ut_slot, nxt = nxt, nxt + 1
            pd.bundle_base = nxt
            if self.blob_obj is not None and pd.children:
                pd.maps.append(["system", self.blob_obj, None, VM_READ, ATTR_CACHED, 0, None])
            self.place_maps(pd)
            if len(pd.maps) > MAX_MAPS:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"{len(pd.maps)} mappings, the "
                             f"loader takes {MAX_MAPS}")
        if len(self.pds) > MAX_PDS or len(self.objs) > MAX_OBJS:
            self.c.error("system", 0, f"system '{self.name}'", f"{len(self.pds)} PDs and "
                         f"{len(self.objs)} objects, the loader takes {MAX_PDS} and {MAX_OBJS}")
        for pd in self.pds:
            bundles = sum(self.bundle_size(c) for c in pd.children)
            if bundles > MAX_BUNDLE:
                self.c.error("pd", pd.index, f"pd '{pd.name}'", f"its children's bundles take "
                             f"{bundles} caps, the loader hands out {MAX_BUNDLE}")
            pd.slots_needed = pd.bundle_base + bundles + 256
            if self.facts.mpu:
                # The spawner's block (user/lib/process.c): code; data, bss, stack, IPC buffer
                # and heap; the info page. Then one per mapping. Threads the PD makes itself
                # take their own (a timer one), which no description says.
                need = 3 + len(pd.maps)
                if need > self.facts.mpu_regions:
                    self.c.error("pd", pd.index, f"pd '{pd.name}'", f"needs {need} MPU regions "
                                 f"(image, stack and heap 3, {len(pd.maps)} mapping(s)), the "
                                 f"board has {self.facts.mpu_regions}")

    def bundle_size(self, pd):
        frames = sum((m[5] + PAGE - 1) // PAGE for m in pd.maps)
        return len(pd.caps) + frames + 2

    def place_maps(self, pd):
        """Give mappings without a vaddr one after the others, a guard page between; check the
        ones with a vaddr (page aligned, inside the mappings window, no overlap)."""
        placed = []
        for m in pd.maps:
            name, obj, vaddr, _, _, size, src = m
            if vaddr is None:
                continue
            sec, i, e = src
            if not isinstance(vaddr, int) or vaddr % PAGE or vaddr < PROC_MAPS_LO or \
                    vaddr + size > PROC_MAPS_HI:
                self.c.error(sec, i, e, f"vaddr {vaddr:#x} for pd '{pd.name}' must be page "
                             f"aligned inside [{PROC_MAPS_LO:#x}, {PROC_MAPS_HI:#x})",
                             key="map" if sec == "memory" else "vaddr",
                             needle=f'"{pd.name}"' if sec == "memory" else None)
                continue
            for olo, ohi, oname in placed:
                if vaddr < ohi and olo < vaddr + size:
                    self.c.error(sec, i, e, f"overlapping regions in pd '{pd.name}': "
                                 f"[{vaddr:#x}, {vaddr + size:#x}) overlaps '{oname}'",
                                 key="map" if sec == "memory" else "vaddr",
                                 needle=f'"{pd.name}"' if sec == "memory" else None)
            placed.append((vaddr, vaddr + size, name))
        nxt = PROC_MAPS_LO
        for m in pd.maps:
            if m[2] is not None:
                continue
            while any(nxt < ohi + PAGE and olo < nxt + m[5] + PAGE for olo, ohi, _ in placed):
                nxt = max(ohi for olo, ohi, _ in placed if nxt < ohi + PAGE and
                          olo < nxt + m[5] + PAGE) + PAGE
            m[2] = nxt
            placed.append((nxt, nxt + max(m[5], PAGE), m[0]))
            nxt += max(m[5], PAGE) + PAGE

    # ---- output ----

    def programs(self):
        """{program dir: [source paths]} for the PDs' programs."""
        progs = {}
        for pd in self.pds:
            d = os.path.join(self.dir, pd.program)
            progs[pd.program] = sorted(os.path.join(d, n) for n in os.listdir(d)
                                       if n.endswith(".c"))
        return progs

    def lib_sources(self):
        """Sources of the system's lib directories, linked into every program."""
        lib = []
        for d in as_list(self.tables("system")[0].get("lib", [])):
            lib += sorted(os.path.join(self.dir, d, n)
                          for n in os.listdir(os.path.join(self.dir, d)) if n.endswith(".c"))
        return lib

    def includes(self):
        s = self.tables("system")[0]
        return [os.path.join(self.dir, d) for d in as_list(s.get("include", []))]


def elf_pages(path):
    """Distinct pages of the PT_LOAD segments of an ELF (32 or 64-bit, little-endian)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise SystemError_([f"{path}: not an ELF file"])
    is64 = data[4] == 2
    phoff = struct.unpack_from("<Q" if is64 else "<I", data, 32 if is64 else 28)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 54 if is64 else 42)
    pages = set()
    for n in range(phnum):
        off = phoff + n * phentsize
        if is64:
            ptype, _, _, vaddr, _, _, memsz, _ = struct.unpack_from("<IIQQQQQQ", data, off)
        else:
            ptype, _, vaddr, _, _, memsz, _, _ = struct.unpack_from("<IIIIIIII", data, off)
        if ptype == 1 and memsz:
            pages.update(range(vaddr // PAGE, (vaddr + memsz + PAGE - 1) // PAGE))
    return len(pages), data


def size_pd(sys_, pd, pages):
    """The Untyped a PD is made of, and its CSpace size. Objects are aligned to their size, so
    the sum gets a quarter more and the own Untyped its size again."""
    pd.own_ut_bits = ceil_log2(pd.memory) if pd.memory else 0
    maps = sum(1 for m in pd.maps)
    # Page tables: up to three levels under the root for each 2 MiB area the PD touches (image,
    # each mapping, heap, stack and IPC buffer, info page, its window).
    areas = 4 + maps + (pd.heap + (2 << 20) - 1) // (2 << 20)
    frames = pages + (pd.stack + PAGE - 1) // PAGE + (pd.heap + PAGE - 1) // PAGE + 2
    # MPU: the spawner's block of at most BLOCK_TILES frames and its copies of them instead of
    # one frame per page and page tables.
    spawn_slots = (2 * BLOCK_TILES if sys_.facts.mpu else frames + 3 * areas) + \
        sum((m[5] + PAGE - 1) // PAGE for m in pd.maps) + SPAWN_SLOT_MARGIN
    pd.spawn_slots = spawn_slots
    cnode_bits = max(pd.cnode_bits or 0, ceil_log2(pd.slots_needed), 6)
    if sys_.facts.mpu:
        # No page tables; the spawner's block is one Untyped of the next power of two (what it
        # leaves holds the VSpace, TCB and SchedContext), then the CNode.
        total = (1 << ceil_log2(PAGE * frames)) + (1 << (cnode_bits + 6)) + 4096 + 2048 + 1024
        total += total // 8
    else:
        total = (1 << (cnode_bits + 6)) + 4096 + 1024 + 256 + PAGE * (frames + 3 * areas)
        total += total // 4
    if pd.memory:
        total += 2 << pd.own_ut_bits
    pd.ut_bits = max(ceil_log2(total), 12)
    pd.cnode_bits_final = cnode_bits


def build_blob(sys_, elf_dir):
    """The table plus the ELF images (user/include/mica/system.h)."""
    strings, str_off = bytearray(b"\0"), {"": 0}

    def s(text):
        if text not in str_off:
            str_off[text] = len(strings)
            strings.extend(text.encode() + b"\0")
        return str_off[text]

    elfs, elf_index = [], {}
    for pd in sys_.pds:
        if pd.program not in elf_index:
            path = os.path.join(elf_dir, f"{pd.program}.elf")
            if not os.path.isfile(path):
                raise SystemError_([f"{path}: missing (the PD programs are built first)"])
            pages, data = elf_pages(path)
            elf_index[pd.program] = (len(elfs), pages)
            elfs.append((pd.program, data))
        pd.elf, pages = elf_index[pd.program]
        pd.pages = pages
    # Supervisors' CSpaces hold their children's spawns: size children first.
    for pd in sorted(sys_.pds, key=lambda p: 0 if p.supervisor else 1):
        if pd.children:
            pd.slots_needed += sum(c.spawn_slots for c in pd.children)
        size_pd(sys_, pd, pd.pages)
    pds, caps, maps, words = bytearray(), bytearray(), bytearray(), bytearray()
    ncap = nmap = nword = 0
    for pd in sys_.pds:
        first_cap, first_map, first_word = ncap, nmap, nword
        for name, value, channel in pd.words:
            slot = pd.slot.get(pd.faults_on if channel == "faults" and pd.faults_on else channel, 0)
            words += struct.pack("<4I", s(name), value, slot, 0)
            nword += 1
        for name, obj, rights, badge, ctype, extra in pd.caps:
            caps += struct.pack("<8I", s(name), obj, pd.slot[name], rights, badge, ctype, extra,
                                0)
            ncap += 1
        for name, obj, vaddr, rights, attr, _, _ in pd.maps:
            maps += struct.pack("<8I", s(name), obj, vaddr, rights, attr, 0, 0, 0)
            nmap += 1
        sup = sys_.by_name[pd.supervisor].index if pd.supervisor else NONE
        fobj = pd.fault_obj
        flags = (F_AUTOSTART if pd.autostart else 0) | \
            (F_SCHED_CONTROL if pd.sched_control_slot else 0) | \
            (F_HANDLER if pd.name in sys_.faults else 0)
        pds += struct.pack("<24I", s(pd.name), pd.elf, pd.priority, pd.mcp, pd.budget,
                           pd.period, pd.stack, pd.heap, pd.cnode_bits_final, pd.ut_bits,
                           pd.own_ut_bits, pd.own_ut_slot, sup, fobj, FAULT_BIT | (pd.index + 1),
                           first_cap, len(pd.caps), first_map, len(pd.maps), first_word,
                           len(pd.words), flags, pd.bundle_base, pd.sched_control_slot)
    s(sys_.name)
    for name, _ in elfs:
        s(name)
    for o in sys_.objs:
        s(o[1])
    hdr_size = 18 * 4
    off_pd = hdr_size
    off_obj = off_pd + len(pds)
    off_cap = off_obj + len(sys_.objs) * 32
    off_map = off_cap + len(caps)
    off_word = off_map + len(maps)
    off_elf = off_word + len(words)
    off_str = off_elf + len(elfs) * 16
    strings.extend(b"\0" * (-len(strings) % 8))
    data_off = off_str + len(strings)
    elf_table, elf_data = bytearray(), bytearray()
    for name, data in elfs:
        elf_table += struct.pack("<4I", s(name), data_off + len(elf_data), len(data), 0)
        elf_data += data + b"\0" * (-len(data) % 8)
    total = data_off + len(elf_data)
    objs = bytearray()
    for kind, name, size, paddr, ntfn, badge in sys_.objs:
        if kind == K_BLOB:
            size = total
        objs += struct.pack("<8I", kind, str_off[name], size, paddr & 0xFFFFFFFF, paddr >> 32,
                            ntfn, badge, 0)
    hdr = struct.pack("<18I", MAGIC, VERSION, total, len(sys_.pds), len(sys_.objs), ncap, nmap,
                      nword, len(elfs), off_pd, off_obj, off_cap, off_map, off_word, off_elf,
                      off_str, len(strings), str_off[sys_.name])
    blob = hdr + pds + objs + caps + maps + words + elf_table + strings + elf_data
    assert len(blob) == total and len(pds) == 24 * 4 * len(sys_.pds)
    return bytes(blob)


def load(path, values, image=True):
    """The checked System for the board in .config values; raises SystemError_. With image
    False only the description is checked (not whether this board can build a system image)."""
    if not os.path.isfile(path):
        raise SystemError_([f"{path}: no such system file"])
    return System(path, Facts(values), image)


def board_values(board):
    """A board's configuration as configure.py would make it from its defconfig (no build
    directory needed)."""
    srcdir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, srcdir)
    import configure
    klib = configure.import_kconfiglib()
    if board not in configure.boards():
        raise SystemError_([f"unknown board '{board}' (known: {', '.join(configure.boards())})"])
    cfg = configure.Config(klib)
    defconfig = os.path.join(srcdir, "config", "boards", f"{board}_defconfig")
    cfg.load(defconfig, defconfig)
    return {f"CONFIG_{n}": sym.str_value for n, sym in cfg.kconf.syms.items()}


def ninja_text(sys_, rel):
    """build.ninja lines for the PD programs and the table (included by build.ninja)."""
    out = ["# Generated by configure.py from the system description; edits are lost.",
           f"sys_file = {rel(sys_.path)}",
           "sys_includes = " + " ".join(f"-I{rel(d)}" for d in sys_.includes()),
           "# PD programs see the board's configuration (a driver picks its device by it).",
           "rule sys_ucc",
           "  command = $cc -MD -MF $out.d $ucflags $proc_cflags -Iinclude/generated "
           "-include autoconf.h $sys_includes -c $in -o $out",
           "  depfile = $out.d", "  deps = gcc", "  description = UCC $in"]
    elfs, lib = [], []
    for src in sys_.lib_sources():
        obj = f"obj/sys/lib/{os.path.basename(src)}.o"
        out.append(f"build {obj}: sys_ucc {rel(src)}")
        lib.append(obj)
    for prog, srcs in sorted(sys_.programs().items()):
        objs = []
        for src in srcs:
            obj = f"obj/sys/{prog}/{os.path.basename(src)}.o"
            out.append(f"build {obj}: sys_ucc {rel(src)}")
            objs.append(obj)
        # Linked as processes (build.ninja.in: position-independent on MPU boards).
        out.append(f"build sys/{prog}.debug.elf: ulink_proc {' '.join(objs + lib)} $proc_lib | "
                   "$proc_linkscript")
        # The table carries them stripped; a debugger loads sys/PROG.debug.elf.
        out.append(f"build sys/{prog}.elf: strip_debug sys/{prog}.debug.elf")
        elfs.append(f"sys/{prog}.elf")
    out += ["rule sysgen",
            "  command = $python $srcdir/tools/sysgen.py blob --config .config --elf-dir sys "
            "--out $out $sys_file",
            "  description = SYSGEN $out",
            f"build system.bin: sysgen $sys_file | {' '.join(elfs)} $srcdir/tools/sysgen.py",
            "build obj/embed/system.o: embed $srcdir/user/lib/embed.S | system.bin",
            "  file = system.bin", "  sym = system_blob", ""]
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(prog="sysgen.py", description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["check", "blob"])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--config", help="the build directory's .config")
    where.add_argument("--board", help="check for this board's default configuration")
    p.add_argument("--elf-dir", help="where the PD programs' ELFs are (blob)")
    p.add_argument("--out", help="the table to write (blob)")
    p.add_argument("system")
    args = p.parse_args()
    try:
        values = read_config(args.config) if args.config else board_values(args.board)
        sys_ = load(args.system, values, image=args.mode != "check")
        if args.mode == "blob":
            blob = build_blob(sys_, args.elf_dir or ".")
            with open(args.out + ".tmp", "wb") as f:
                f.write(blob)
            os.replace(args.out + ".tmp", args.out)
    except SystemError_ as e:
        for line in e.lines:
            print(line, file=sys.stderr)
        sys.exit(1)
    except OSError as e:
        print(f"{e.filename}: {e.strerror}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
