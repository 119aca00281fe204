#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Configure a Mica build directory: load Kconfig, apply a board's defconfig and -D options,
write .config and include/generated/autoconf.h, and render build.ninja.in into build.ninja.

The --reconfigure, --menuconfig and --savedefconfig modes work on an existing build directory;
build.ninja calls them (see docs/build.md)."""

import argparse
import glob
import os
import re
import subprocess
import sys

SRCDIR = os.path.dirname(os.path.abspath(__file__))
PROG = "configure.py"
DEFAULT_BOARD = "qemu-virt-riscv64"
DIST_PACKAGES = "/usr/lib/python3/dist-packages"

sys.path.insert(0, os.path.join(SRCDIR, "tools"))
import debdeps  # noqa: E402
import libfdt_src  # noqa: E402
import ninja_template  # noqa: E402
import sysgen  # noqa: E402


class ConfigureError(Exception):
    pass


class ConfigureErrors(Exception):
    """Several problems, one line each (a system description's)."""

    def __init__(self, lines):
        super().__init__("\n".join(lines))
        self.lines = lines


def fail(msg):
    """Every error is one line on stderr and exit status 1."""
    sys.exit(f"{PROG}: error: {msg}")


def import_kconfiglib():
    """kconfiglib comes from Debian's python3-kconfiglib, which only /usr/bin/python3 sees."""
    try:
        import kconfiglib
        return kconfiglib
    except ImportError:
        pass
    if os.path.isdir(DIST_PACKAGES) and DIST_PACKAGES not in sys.path:
        sys.path.append(DIST_PACKAGES)
        try:
            import kconfiglib
            return kconfiglib
        except ImportError:
            pass
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and \
            os.path.exists("/usr/bin/python3") and "MICA_REEXEC" not in os.environ:
        os.environ["MICA_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    fail("python module kconfiglib not found (Debian package python3-kconfiglib; "
         "--install-deps installs it)")


def boards():
    paths = glob.glob(os.path.join(SRCDIR, "config", "boards", "*_defconfig"))
    return sorted(os.path.basename(p)[:-len("_defconfig")] for p in paths)


def board_description(board):
    """The first comment line after the SPDX line of the board's defconfig."""
    with open(os.path.join(SRCDIR, "config", "boards", f"{board}_defconfig")) as f:
        for line in f:
            if line.startswith("#") and "SPDX-License-Identifier" not in line:
                return line.lstrip("#").strip()
    return ""


def list_boards():
    known = boards()
    width = max(len(b) for b in known) + len(" (default)")
    for b in known:
        name = b + (" (default)" if b == DEFAULT_BOARD else "")
        print(f"{name:<{width}}  {board_description(b)}")


class Config:
    """A kconfiglib.Kconfig whose warnings are turned into errors."""

    def __init__(self, kconfiglib):
        self.klib = kconfiglib
        os.environ["srctree"] = SRCDIR
        # Kconfig writes the header into .config; keep it stable so unchanged configs
        # are not rewritten.
        os.environ["KCONFIG_CONFIG_HEADER"] = (
            "# Mica configuration. Change it with `ninja menuconfig` in this directory;\n"
            "# ninja regenerates autoconf.h and build.ninja from it.\n")
        try:
            self.kconf = kconfiglib.Kconfig(os.path.join(SRCDIR, "Kconfig"),
                                            warn_to_stderr=False)
        except kconfiglib.KconfigError as e:
            raise ConfigureError(str(e).strip().splitlines()[0])
        self.check_warnings("Kconfig")
        self.kconf.warn_assign_undef = True  # an unknown CONFIG_ in a config file is an error

    def check_warnings(self, what, ignore=None):
        warnings = [w for w in self.kconf.warnings if not (ignore and ignore(w))]
        self.kconf.warnings.clear()
        if warnings:
            msg = warnings[0].strip().replace("\n", " ").replace("warning: ", "", 1)
            raise ConfigureError(msg if msg.startswith(what) else f"{what}: {msg}")

    def load(self, path, what, replace=True, strict=False):
        """Load a config file (defconfig, fragment or .config) with the checks -D gets: every
        line is an assignment, a `# CONFIG_X is not set` or a comment; every symbol exists; every
        value has the symbol's type and lies in its range. strict (defconfigs and fragments): a
        value that does not take effect (unmet dependency, derived symbol) is an error too."""
        if not os.path.isfile(path):
            raise ConfigureError(f"{what}: {path} does not exist")
        assignments = self.scan(path, what)
        # A fragment may override what the defconfig set, or repeat it (a saved defconfig).
        self.kconf.warn_assign_override = replace
        self.kconf.warn_assign_redun = False
        try:
            self.kconf.load_config(path, replace=replace)
        except (OSError, self.klib.KconfigError) as e:
            raise ConfigureError(f"{what}: {e}")
        self.check_warnings(what)
        for lineno, sym, value in assignments:
            where = f"{what}:{lineno}: CONFIG_{sym.name}={value}"
            self.check_range(sym, value, where)
            if strict:
                self.check_applied(sym, value, where)

    def scan(self, path, what):
        """The assignments of a config file as (line, symbol, value), in our wording."""
        out = []
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
        for lineno, line in enumerate(lines, 1):
            line = line.rstrip()
            m = re.match(r"^CONFIG_(\w+)=(.*)$", line)
            unset = re.match(r"^# CONFIG_(\w+) is not set$", line)
            if not m and not unset:
                if line and not line.lstrip().startswith("#"):
                    raise ConfigureError(f"{what}:{lineno}: malformed line '{line}' (expected "
                                         "CONFIG_NAME=VALUE, '# CONFIG_NAME is not set' or a "
                                         "comment)")
                continue
            name, value = (m.group(1), m.group(2)) if m else (unset.group(1), "n")
            sym = self.kconf.syms.get(name)
            if sym is None or not sym.nodes:
                # Also a symbol Kconfig dropped since: the user says what replaces it.
                raise ConfigureError(f"{what}:{lineno}: unknown symbol CONFIG_{name}")
            k = self.klib
            if unset and sym.orig_type not in (k.BOOL, k.TRISTATE):
                continue
            if sym.orig_type == k.BOOL and value not in ("y", "n"):
                raise ConfigureError(f"{what}:{lineno}: '{value}' is not a valid bool for "
                                     f"CONFIG_{name} (y or n)")
            if sym.orig_type in (k.INT, k.HEX) and not self.is_number(sym, value):
                raise ConfigureError(f"{what}:{lineno}: '{value}' is not a valid "
                                     f"{k.TYPE_TO_STR[sym.orig_type]} for CONFIG_{name}")
            if sym.orig_type == k.STRING:
                if not re.match(r'^"(?:[^"\\]|\\.)*"$', value):
                    raise ConfigureError(f"{what}:{lineno}: CONFIG_{name} needs a quoted string, "
                                         f"not {value}")
                value = k.unescape(value[1:-1])
            out.append((lineno, sym, value))
        return out

    def is_number(self, sym, value):
        try:
            int(value, 16 if sym.orig_type == self.klib.HEX else 10)
            return True
        except ValueError:
            return False

    def active_range(self, sym):
        """(low, high) of the range that applies to sym now, or None."""
        for low, high, cond in sym.ranges:
            if self.klib.expr_value(cond):
                base = 16 if sym.orig_type == self.klib.HEX else 10
                return int(low.str_value, base), int(high.str_value, base)
        return None

    def check_range(self, sym, value, where):
        if sym.orig_type not in (self.klib.INT, self.klib.HEX):
            return
        rng = self.active_range(sym)
        n = int(value, 16 if sym.orig_type == self.klib.HEX else 10)
        if rng and not rng[0] <= n <= rng[1]:
            fmt = hex if sym.orig_type == self.klib.HEX else str
            raise ConfigureError(f"{where}: out of range, CONFIG_{sym.name} must be in "
                                 f"{fmt(rng[0])}..{fmt(rng[1])}")

    def set_option(self, assignment):
        """Apply one -D CONFIG_X=VALUE and check that it took effect."""
        m = re.match(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$", assignment, re.S)
        if not m:
            raise ConfigureError(f"-D {assignment}: expected CONFIG_NAME=VALUE")
        name, value = m.groups()
        sym = self.kconf.syms.get(name)
        if sym is None or not sym.nodes:
            raise ConfigureError(f"-D {assignment}: unknown symbol CONFIG_{name}")
        if not any(node.prompt for node in sym.nodes):
            raise ConfigureError(f"-D {assignment}: CONFIG_{name} cannot be set, "
                                 "it is derived from other options")
        if sym.orig_type == self.klib.STRING and len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        type_name = self.klib.TYPE_TO_STR[sym.orig_type]
        if sym.orig_type in (self.klib.INT, self.klib.HEX):
            if not self.is_number(sym, value):
                raise ConfigureError(f"-D {assignment}: '{value}' is not a valid {type_name} "
                                     f"for CONFIG_{name}")
            self.check_range(sym, value, f"-D {assignment}")
        if not sym.set_value(value) or self.kconf.warnings:
            self.kconf.warnings.clear()
            raise ConfigureError(f"-D {assignment}: '{value}' is not a valid {type_name} "
                                 f"for CONFIG_{name}")
        return sym, value

    def check_applied(self, sym, value, where):
        if self.same_value(sym, value):
            return
        if not any(node.prompt for node in sym.nodes):
            raise ConfigureError(f"{where}: CONFIG_{sym.name} cannot be set, it is derived "
                                 "from other options")
        why = []
        conds = [node.prompt[1] for node in sym.nodes
                 if node.prompt and node.prompt[1] is not self.kconf.y]
        if conds:
            why.append("offered only if " + " || ".join(self.expr(c) for c in conds))
        elif sym.direct_dep is not self.kconf.y:
            why.append("depends on " + self.expr(sym.direct_dep))
        rng = self.active_range(sym)
        if rng:
            why.append(f"range {rng[0]}..{rng[1]}")
        if sym.choice is not None:
            why.append("a choice")
        detail = f" ({'; '.join(why)})" if why else ""
        raise ConfigureError(f"{where}: not applied, CONFIG_{sym.name} is "
                             f"'{sym.str_value}'{detail}")

    def same_value(self, sym, value):
        if sym.orig_type in (self.klib.INT, self.klib.HEX):
            base = 16 if sym.orig_type == self.klib.HEX else 10
            try:
                return int(sym.str_value, base) == int(value, base)
            except ValueError:
                return False
        return sym.str_value == value

    def expr(self, e):
        return re.sub(r"\b([A-Z][A-Z0-9_]*)\b", r"CONFIG_\1", self.klib.expr_str(e))

    def sym(self, name):
        return self.kconf.syms[name].str_value

    def board_choice(self):
        return self.kconf.syms["BOARD_HOSTED"].choice

    def filenames(self):
        return sorted(set(os.path.join(SRCDIR, f) if not os.path.isabs(f) else f
                          for f in self.kconf.kconfig_filenames))


def validate(cfg):
    """Checks Kconfig cannot express: the kernel stack's alignment and the firmware callbacks'
    share of it, the MPU region count, the hosted arena's size, the QEMU command line of a
    bare-metal board."""
    stack = int(cfg.sym("KERNEL_STACK_SIZE"))
    if stack % 16:
        raise ConfigureError(f"CONFIG_KERNEL_STACK_SIZE={stack}: must be a multiple of 16 (the "
                             "stack pointer's alignment on every arch)")
    callbacks = int(cfg.sym("PLATFORM_CALLBACK_STACK"))
    if callbacks > stack // 4:
        raise ConfigureError(f"CONFIG_PLATFORM_CALLBACK_STACK={callbacks}: at most a quarter of "
                             f"CONFIG_KERNEL_STACK_SIZE ({stack // 4}); the kernel's own path to "
                             "a callback needs the rest")
    regions = cfg.kconf.syms["MPU_REGIONS"].str_value if "MPU_REGIONS" in cfg.kconf.syms else ""
    if cfg.sym("ARCH") == "armv8m" and regions and int(regions) % 4:
        raise ConfigureError(f"CONFIG_MPU_REGIONS={regions}: must be 8, 12 or 16 (a multiple of 4: "
                             "regions are loaded four at a time)")
    if cfg.sym("ARCH") == "hosted":
        mb = int(cfg.sym("HOSTED_RAM_MB"))
        if mb & (mb - 1):
            raise ConfigureError(f"CONFIG_HOSTED_RAM_MB={mb}: must be a power of two "
                                 "(4, 8, ..., 1024)")
        return
    if not cfg.sym("QEMU_SYSTEM"):
        raise ConfigureError("CONFIG_QEMU_SYSTEM is empty; the board's defconfig must name "
                             "its qemu-system-* binary")
    if cfg.sym("QEMU_IMAGE") not in ("elf", "bin"):
        raise ConfigureError(f"CONFIG_QEMU_IMAGE is '{cfg.sym('QEMU_IMAGE')}', expected "
                             "'elf' or 'bin'")


def check_tools(cfg):
    """Tools needed to build this configuration; a missing one is an error naming the
    Debian package. QEMU only gets a note: building does not need it."""
    tools = ["clang", "ld.lld", "llvm-ar", "ninja"]
    if cfg.sym("ARCH") != "hosted":
        tools += ["llvm-objcopy", "llvm-size"]
    if cfg.sym("COVERAGE") == "y":
        tools += ["llvm-profdata", "llvm-cov"]
    for tool in tools:
        debdeps.require_tool(tool)
    if cfg.sym("FUZZ") == "y":
        debdeps.require_file(os.path.join(clang_resource_dir(), "lib", "linux",
                                          "libclang_rt.fuzzer-x86_64.a"), "libclang-rt-14-dev")
    qemu = cfg.sym("QEMU_SYSTEM")
    if qemu:
        try:
            debdeps.require_tool(qemu)
        except debdeps.MissingDependency as e:
            print(f"{PROG}: note: {e}; `ninja run` and `ninja test` need it")


def clang_resource_dir():
    r = subprocess.run(["clang", "-print-resource-dir"], capture_output=True, text=True)
    if r.returncode != 0:
        raise ConfigureError("clang -print-resource-dir failed")
    return r.stdout.strip()


def generate(cfg, builddir):
    """Write autoconf.h and build.ninja for the configuration in `cfg`."""
    builddir = os.path.abspath(builddir)
    rel = lambda p: os.path.relpath(p, builddir)  # noqa: E731
    gendir = os.path.join(builddir, "include", "generated")
    os.makedirs(gendir, exist_ok=True)
    cfg.kconf.write_autoconf(os.path.join(gendir, "autoconf.h"))

    libfdt_dir = ""
    # The fuzz and coverage builds run core/fdt.c on hosted too (tests/fuzz/fuzz_fdt.c).
    if "y" in (cfg.sym("FDT"), cfg.sym("FUZZ"), cfg.sym("COVERAGE")):
        libfdt_dir = rel(libfdt_src.ensure(SRCDIR))

    app = cfg.sym("APP_DIR")
    system, system_objs, system_deps = cfg.sym("SYSTEM"), "", []
    if system:
        system_deps = system_ninja(cfg, system, builddir, rel)
        app, system_objs = "user/sysloader", "obj/embed/system.o"
    app_abs = app if os.path.isabs(app) else os.path.join(SRCDIR, app)
    if not os.path.isfile(os.path.join(app_abs, "main.c")):
        what = "has no main.c" if os.path.isdir(app_abs) else "does not exist"
        raise ConfigureError(f"CONFIG_APP_DIR: root task directory {app} {what}")

    tools_dir = os.path.join(SRCDIR, "tools")
    configure_deps = [os.path.abspath(__file__), os.path.join(SRCDIR, "build.ninja.in")]
    configure_deps += sorted(glob.glob(os.path.join(tools_dir, "*.py"))) + system_deps
    variables = {
        "SRCDIR": rel(SRCDIR),
        "PYTHON": sys.executable,
        "LIBFDT_DIR": libfdt_dir,
        "CLANG_RESOURCE_DIR": clang_resource_dir(),
        "APP_DIR": rel(app_abs),
        "SYSTEM_OBJS": system_objs,
        "KCONFIG_FILES": " ".join(rel(f) for f in cfg.filenames()),
        "CONFIGURE_DEPS": " ".join(rel(f) for f in configure_deps),
    }
    template = os.path.join(SRCDIR, "build.ninja.in")
    with open(template) as f:
        text = f.read()
    renderer = ninja_template.Renderer(cfg.kconf, variables, SRCDIR, builddir)
    try:
        ninja = renderer.render(text, "build.ninja.in")
    except ninja_template.TemplateError as e:
        raise ConfigureError(str(e))
    # Always rewrite build.ninja: Ninja's generator edge expects its output to be newer.
    tmp = os.path.join(builddir, "build.ninja.tmp")
    with open(tmp, "w") as f:
        f.write("# Generated by configure.py from build.ninja.in; edits are lost.\n" + ninja)
    os.replace(tmp, os.path.join(builddir, "build.ninja"))


def system_ninja(cfg, path, builddir, rel):
    """Check the system description against this configuration and write system.ninja, the
    build of its PD programs and table (build.ninja includes it). Returns the files whose
    change must regenerate it: the description and the program directories."""
    values = {f"CONFIG_{n}": sym.str_value for n, sym in cfg.kconf.syms.items()}
    try:
        system = sysgen.load(path, values)
    except sysgen.SystemError_ as e:
        raise ConfigureErrors(e.lines)
    with open(os.path.join(builddir, "system.ninja"), "w") as f:
        f.write(sysgen.ninja_text(system, rel))
    dirs = {os.path.join(system.dir, pd.program) for pd in system.pds}
    dirs |= {os.path.dirname(src) for src in system.lib_sources()}
    return [os.path.abspath(path)] + sorted(dirs)


def existing_builddir(builddir):
    config = os.path.join(builddir, ".config")
    if not os.path.isfile(config):
        raise ConfigureError(f"{config} does not exist; run ./configure.py --board BOARD "
                             f"--build-dir {builddir} first")
    return config


def reconfigure(klib, builddir):
    """Re-read the build directory's .config (after menuconfig or a Kconfig change) and
    regenerate autoconf.h and build.ninja. Symbols Kconfig no longer knows are dropped."""
    config = existing_builddir(builddir)
    cfg = Config(klib)
    cfg.load(config, config)
    validate(cfg)
    cfg.kconf.write_config(config, save_old=False)
    generate(cfg, builddir)


def menuconfig(klib, builddir):
    config = os.path.abspath(existing_builddir(builddir))
    os.environ["KCONFIG_CONFIG"] = config
    cfg = Config(klib)
    import menuconfig as mc  # kconfiglib's, from the same Debian package
    mc.menuconfig(cfg.kconf)


def savedefconfig(klib, builddir):
    config = existing_builddir(builddir)
    cfg = Config(klib)
    cfg.load(config, config)
    out = os.path.abspath(os.path.join(builddir, "defconfig"))
    cfg.kconf.write_min_config(out, header="# SPDX-License-Identifier: MIT\n")
    # The board is a choice: a minimal config leaves out the choice's default, but a defconfig
    # must name its board whatever the default is.
    board_sym = cfg.board_choice().selection
    with open(out) as f:
        lines = f.read().splitlines()
    line = f"CONFIG_{board_sym.name}=y"
    if line not in lines:
        lines.insert(1, line)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{PROG}: wrote {out}; copy it to "
          f"{os.path.join(SRCDIR, 'config', 'boards', cfg.sym('BOARD') + '_defconfig')} "
          "to make it the board's default")


def configure(klib, args):
    known = boards()
    if args.board not in known:
        raise ConfigureError(f"unknown board '{args.board}' (known: {', '.join(known)})")
    builddir = args.build_dir or os.path.join(SRCDIR, "build", args.board)
    cfg = Config(klib)
    defconfig = os.path.join(SRCDIR, "config", "boards", f"{args.board}_defconfig")
    cfg.load(defconfig, os.path.relpath(defconfig, SRCDIR), strict=True)
    for frag in args.fragment:
        cfg.load(frag, frag, replace=False, strict=True)
    options = list(args.define)
    if args.app is not None and args.system is not None:
        raise ConfigureError("--app and --system both name the root task; give one")
    if args.app is not None:
        if not os.path.isdir(args.app):
            raise ConfigureError(f"--app {args.app}: no such directory")
        options.append(f"CONFIG_APP_DIR={os.path.abspath(args.app)}")
    if args.system is not None:
        if not os.path.isfile(args.system):
            raise ConfigureError(f"--system {args.system}: no such file")
        options.append(f"CONFIG_SYSTEM={os.path.abspath(args.system)}")
    applied = [(cfg.set_option(o), o) for o in options]
    for (sym, value), assignment in applied:
        cfg.check_applied(sym, value, f"-D {assignment}")
    if cfg.sym("BOARD") != args.board:
        raise ConfigureError(f"the configuration selects board {cfg.sym('BOARD')!r}, not "
                             f"{args.board!r} (check {os.path.relpath(defconfig, SRCDIR)} and -D)")
    validate(cfg)
    check_tools(cfg)
    os.makedirs(builddir, exist_ok=True)
    cfg.kconf.write_config(os.path.join(builddir, ".config"))
    generate(cfg, builddir)
    shown = args.build_dir or os.path.relpath(builddir)
    print(f"{PROG}: configured {args.board} ({cfg.sym('ARCH')}) in {shown}; "
          f"build with: ninja -C {shown} [run|test|menuconfig]")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        fail(f"{message} (see --help)")


def parse_args():
    p = Parser(prog=PROG, description="Configure a Mica build directory.",
               epilog="Example: ./configure.py --board qemu-virt-aarch64 -D CONFIG_NR_CPUS=2 "
                      "&& ninja -C build/qemu-virt-aarch64 run")
    p.add_argument("--board", default=DEFAULT_BOARD,
                   help=f"board to configure (default {DEFAULT_BOARD}; see --list-boards)")
    p.add_argument("--build-dir", metavar="DIR",
                   help="build directory (default build/BOARD in the source tree)")
    p.add_argument("--app", metavar="DIR",
                   help="root task to link (default examples/hello; sets CONFIG_APP_DIR)")
    p.add_argument("--system", metavar="FILE",
                   help="build the system FILE describes (docs/systems.md; sets CONFIG_SYSTEM): "
                        "its PDs, and the system loader as the root task")
    p.add_argument("-D", dest="define", action="append", default=[], metavar="CONFIG_X=VAL",
                   help="set a Kconfig option after the defconfig (repeatable)")
    p.add_argument("--fragment", action="append", default=[], metavar="FILE",
                   help="merge a .config fragment after the defconfig (repeatable)")
    p.add_argument("--list-boards", action="store_true", help="list the boards and exit")
    p.add_argument("--install-deps", action="store_true",
                   help="install missing Debian packages with apt-get (as root) first")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--reconfigure", action="store_true",
                      help="regenerate from the existing DIR/.config (used by build.ninja)")
    mode.add_argument("--menuconfig", action="store_true",
                      help="run menuconfig on DIR/.config (used by `ninja menuconfig`)")
    mode.add_argument("--savedefconfig", action="store_true",
                      help="write a minimal DIR/defconfig (used by `ninja savedefconfig`)")
    return p.parse_args()


def main():
    args = parse_args()
    if args.list_boards:
        list_boards()
        return
    if args.install_deps:
        debdeps.install_missing(PROG)
    klib = import_kconfiglib()
    try:
        if args.reconfigure or args.menuconfig or args.savedefconfig:
            if not args.build_dir:
                raise ConfigureError("--reconfigure/--menuconfig/--savedefconfig need --build-dir")
            mode = reconfigure if args.reconfigure else \
                menuconfig if args.menuconfig else savedefconfig
            mode(klib, args.build_dir)
        else:
            configure(klib, args)
    except ConfigureErrors as e:
        for line in e.lines:
            print(f"{PROG}: error: {line}", file=sys.stderr)
        sys.exit(1)
    except (ConfigureError, debdeps.MissingDependency) as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}" if e.filename else str(e))


if __name__ == "__main__":
    main()
