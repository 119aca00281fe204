# SPDX-License-Identifier: MIT
"""Random valid configurations of a board, for `tests/run --randconfig N --seed S` (Linux's
randconfig idea, over kconfiglib). Start from the board's defconfig, then walk the menu and give
every option the user could set in menuconfig a random value it allows: bools and choices among
their assignable values, ints from their active range (often an end of it, or the default). Board
facts (the memory map and QEMU settings, strings and hex addresses) keep the defconfig's values:
they describe the machine, not a build choice. A draw that configure.py would refuse is drawn
again, so every result is one configure.py accepts. The same (board, seed, index) always gives the
same configuration."""

import importlib.util
import os
import random

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Options that say what the machine is or how to run it, not what to build. Which GIC drivers
# aarch64 builds (GIC_V2, GIC_V3) must include the GIC the board's command line gives the machine
# (gic-version): a kernel without it stops at boot, by design, with a message saying so. The fuzz
# and coverage builds stay off: tests/run builds them in directories of their own (build/fuzz), or
# `ninja coverage` does (instrumented programs would leave profiles wherever they run).
KEEP = {"QEMU_TIMEOUT", "GDB_PORT", "GIC_V2", "GIC_V3", "FUZZ", "COVERAGE"}
# Probability of y for bools where an even draw would waste runs: without debug syscalls the
# conformance suite cannot report, so most draws keep them.
WEIGHT_Y = {"DEBUG_SYSCALLS": 0.85}


def _configure_module():
    spec = importlib.util.spec_from_file_location("mica_configure",
                                                  os.path.join(SRCDIR, "configure.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _settable(klib, sym):
    """Symbols menuconfig lets the user change, apart from board facts."""
    return (sym.visibility > 0 and sym.name not in KEEP and sym.choice is None and
            sym.orig_type in (klib.BOOL, klib.INT))


def _draw_int(cfg, sym, rng):
    lo_hi = cfg.active_range(sym)
    default = int(sym.str_value)
    if not lo_hi:
        return default
    lo, hi = lo_hi
    pick = rng.random()
    if pick < 0.25:
        return lo
    if pick < 0.5:
        return hi
    if pick < 0.7:
        return default
    # A power of two inside the range is the likeliest kind of value to be meaningful (sizes).
    if pick < 0.85:
        pows = [1 << b for b in range(0, 31) if lo <= (1 << b) <= hi]
        if pows:
            return rng.choice(pows)
    return rng.randint(lo, hi)


def _draw(cfg, rng):
    klib = cfg.klib
    kconf = cfg.kconf
    # Two passes: a value set early can make later options visible (SMP -> NR_CPUS).
    for _ in range(2):
        for node in kconf.node_iter():
            item = node.item
            if isinstance(item, klib.Choice):
                if item.visibility > 0 and not any(s.name.startswith("BOARD_") for s in item.syms):
                    options = [s for s in item.syms if s.visibility > 0]
                    if options:
                        rng.choice(options).set_value(2)
                continue
            if not isinstance(item, klib.Symbol) or not _settable(klib, item):
                continue
            if item.orig_type == klib.BOOL:
                values = sorted(item.assignable)
                if item.name in WEIGHT_Y and values == [0, 2]:
                    item.set_value(2 if rng.random() < WEIGHT_Y[item.name] else 0)
                elif values:
                    item.set_value(rng.choice(values))
            else:
                item.set_value(str(_draw_int(cfg, item, rng)))


def random_config(board, seed, index, out_path):
    """Write a random valid full .config for board to out_path; returns its text."""
    mod = _configure_module()
    klib = mod.import_kconfiglib()
    rng = random.Random(f"{board}:{seed}:{index}")
    defconfig = os.path.join(SRCDIR, "config", "boards", f"{board}_defconfig")
    last = None
    for _ in range(50):
        cfg = mod.Config(klib)
        cfg.load(defconfig, os.path.relpath(defconfig, SRCDIR), strict=True)
        _draw(cfg, rng)
        try:
            mod.validate(cfg)
        except mod.ConfigureError as e:
            last = e
            continue
        os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
        cfg.kconf.write_config(out_path, save_old=False)
        with open(out_path) as f:
            return f.read()
    raise RuntimeError(f"no valid random configuration for {board} in 50 draws: {last}")
