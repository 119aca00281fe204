# SPDX-License-Identifier: MIT
"""tests/run's `embed` group: Mica as a library inside someone else's firmware (docs/embedding.md).

- libmica.a of every board built: its defined global symbols are the embedding API that
  include/mica/kernel.h declares (hosted: and its hosted_* machine interface), nothing else (no
  main, no _start, no memcpy); on bare metal it needs nothing from the link but mica.ld's
  __mica_* symbols; no two archive members share a name.
- The SDK and the vendor examples, as a vendor would use them: `ninja sdk` into DESTDIR + PREFIX
  of a temporary directory, the example copied to another temporary directory outside the tree
  and built there with only the SDK's path (make SDK=...; a second time through CMake with the
  SDK's package config), then booted under QEMU: the firmware's own _start, main, memcpy and
  uart_init link beside libmica.a, Mica prints through the firmware's console callback, the root
  task it found at run time retypes (zeroes) all the RAM it was given, the firmware's M-mode
  interrupt handler finds its canaries intact after the doorbell, and the firmware's halt
  callback ends the machine with status 0. The same firmware built to leave a canary unreserved
  must see it destroyed (so the check can fail), and a second root task must run from the same
  firmware image.
- The Cortex-M33 example the same way on qemu-mps2-an505: a CMSIS-style startup whose vector
  table names Mica's handlers beside the firmware's own SysTick and dual-timer handlers (given
  priorities above Mica's in the description), the root task run in place from a slot QEMU's
  loader fills; the root task zeroes its RAM and fires the dual timer, whose handler (the
  firmware's) checks the canaries; the unreserved-canary build must see the damage.
- A minimal Armv8-M firmware (tests/embed/armv8m) the same way, and built with -DBAD=n each
  Armv8-M refusal docs/embedding.md lists (vector table, priorities, Handler mode).
- In a full run, riscv64 and aarch64 rebuilt at another CONFIG_KERNEL_VOFFSET boot as well.
- A minimal AArch64 firmware (tests/embed/aarch64) the same way: Mica's console and halt through
  its callbacks, which on aarch64 run with the firmware's ranges in TTBR0, entered at EL1 and EL2.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GROUP = "embed"
API_HEADER = os.path.join(SRCDIR, "include", "mica", "kernel.h")
AARCH64_FIRMWARE = os.path.join(SRCDIR, "tests", "embed", "aarch64")
ARMV8M_FIRMWARE = os.path.join(SRCDIR, "tests", "embed", "armv8m")
ROOT_TASK = os.path.join(SRCDIR, "tests", "embed", "root.c")  # both firmwares' root task
EXAMPLE_TIMEOUT = 60
# The vendor firmware's own definitions of names a kernel library used to export.
VENDOR_SYMBOLS = ("_start", "main", "memcpy", "uart_init")


def run(cmd, timeout=300, cwd=None, env=None):
    """(rc or None on timeout, output lines); the process group is killed on a timeout."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        rc = None
    return rc, out.decode("utf-8", "replace").replace("\r", "").splitlines()


def api_functions(arch):
    """The mica_ functions include/mica/kernel.h declares for arch (tools/exports.py reads it
    through the C preprocessor; this is the independent check of its result): those inside the
    header's M-profile block only on armv8m."""
    text = re.sub(r"/\*.*?\*/", "", open(API_HEADER).read(), flags=re.S)
    m_profile = re.compile(r"^#if defined\(__ARM_ARCH_PROFILE\).*?^#endif", re.M | re.S)
    if arch != "armv8m":
        text = m_profile.sub("", text)
    return set(re.findall(r"^[^/*#\s].*?\b(mica_\w+)\s*\(", text, re.M))


def nm(path):
    """(defined globals, undefined) of an archive or object, as {name: type letter}."""
    rc, out = run(["llvm-nm", "--extern-only", path])
    defined, undefined = {}, set()
    for line in out if rc == 0 else []:
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] not in "Uvw":
            defined[parts[2]] = parts[1]
    return rc, defined, undefined


def library(results, board, builddir, arch):
    lib = os.path.join(builddir, "libmica.a")
    if not os.path.exists(lib):
        results.add(GROUP, "fail", f"{board}: libmica.a", "not built")
        return
    rc, defined, undefined = nm(lib)
    if rc != 0:
        results.add(GROUP, "fail", f"{board}: nm libmica.a", f"llvm-nm exit {rc}")
        return
    api = api_functions(arch)
    stray = sorted(n for n in defined
                   if n not in api and not (arch == "hosted" and n.startswith("hosted_")))
    missing = sorted(api - set(defined))
    if stray or missing:
        results.add(GROUP, "fail", f"{board}: libmica.a defines exactly the API",
                    f"{len(stray)} stray globals, {len(missing)} API functions missing",
                    [f"stray: {n} ({defined[n]})" for n in stray] +
                    [f"missing: {n}" for n in missing])
    else:
        results.add(GROUP, "pass", f"{board}: libmica.a defines exactly the API: "
                    f"{', '.join(sorted(n for n in defined if n in api))}"
                    f"{' and hosted_*' if arch == 'hosted' else ''} ({len(defined)} globals)")
    if arch != "hosted":
        needs = sorted(n for n in undefined if not re.match(r"^__mica_\w+$", n))
        if needs:
            results.add(GROUP, "fail", f"{board}: libmica.a needs only mica.ld's symbols",
                        f"{len(needs)} undefined", needs)
        else:
            results.add(GROUP, "pass", f"{board}: libmica.a needs only mica.ld's symbols "
                        f"({len(undefined)} __mica_*)")
    rc, members = run(["llvm-ar", "t", lib])
    dups = sorted({m for m in members if members.count(m) > 1})
    if rc != 0 or dups:
        results.add(GROUP, "fail", f"{board}: libmica.a members", f"duplicate names {dups}"
                    if dups else f"llvm-ar exit {rc}", members)
    else:
        results.add(GROUP, "pass", f"{board}: libmica.a has {len(members)} member(s), no two "
                    f"alike ({', '.join(members)})")


def boot(results, name, cmd, expect_rc, needles, cwd, absent=()):
    rc, out = run(cmd, EXAMPLE_TIMEOUT, cwd=cwd)
    missing = [n for n in needles if not any(re.search(n, line) for line in out)]
    missing += [f"no {n}" for n in absent if any(re.search(n, line) for line in out)]
    if rc is None:
        results.add(GROUP, "fail", name, f"hang: no exit after {EXAMPLE_TIMEOUT} s", out)
    elif rc != expect_rc or missing:
        results.add(GROUP, "fail", name, f"exit status {rc} (expected {expect_rc})" +
                    (f", missing {missing}" if missing else ""), out)
    else:
        results.add(GROUP, "pass", name)


def from_sdk(results, board, builddir, scratch, src, name, extra=()):
    """`ninja sdk` of builddir with DESTDIR and PREFIX under scratch, then the firmware directory
    src copied (with the extra files) to scratch and built there with `make SDK=<sdk>` in an
    environment that knows nothing of Mica but the SDK's path. Returns (sdk, work directory,
    environment), or None after reporting the step that failed."""
    env = dict(os.environ, DESTDIR=os.path.join(scratch, "dest"), PREFIX="/opt/mica")
    rc, out = run(["ninja", "-C", builddir, "sdk"], env=env)
    sdk = os.path.join(scratch, "dest", "opt", "mica")
    if rc != 0 or not os.path.exists(os.path.join(sdk, "lib", "pkgconfig", "mica-user.pc")):
        results.add(GROUP, "fail", f"{board}: ninja sdk with DESTDIR and PREFIX", f"exit {rc}",
                    out)
        return None
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PKG_CONFIG")}
    work = os.path.join(scratch, os.path.basename(src))
    shutil.copytree(src, work)
    for f in extra:
        shutil.copy(f, work)
    rc, out = run(["make", f"SDK={sdk}"], cwd=work, env=clean)
    if rc != 0:
        results.add(GROUP, "fail", f"{name}: make SDK=... outside the tree", f"exit {rc}", out)
        return None
    results.add(GROUP, "pass", f"{name}: ninja sdk with DESTDIR and PREFIX, make SDK=... outside "
                "the tree")
    return sdk, work, clean


def vendor_example(results, board, builddir, example, objects, qemu, intact, destroyed,
                   more=None):
    """A vendor example (examples/<example>) from an SDK outside the tree: its objects define the
    names that used to clash, it boots with the intact lines, more(sdk, work, env) runs further
    checks, and the -DCANARY_UNRESERVED build must boot to the destroyed lines and status 1."""
    scratch = tempfile.mkdtemp(prefix="mica-embed-")
    try:
        built = from_sdk(results, board, builddir, scratch,
                         os.path.join(SRCDIR, "examples", example), example)
        if not built:
            return
        sdk, work, clean = built
        symbols(results, example, work, objects)
        boot(results, f"{example}: firmware boots Mica, root task zeroes all its RAM, canaries "
             "intact in the firmware's interrupt handler", qemu, 0, intact, work)
        if more:
            more(sdk, work, clean)
        rc, out = run(["make", "clean", "all", f"SDK={sdk}", "CFLAGS=-DCANARY_UNRESERVED"],
                      cwd=work, env=clean)
        if rc != 0:
            results.add(GROUP, "fail", f"{example} with canary A unreserved: build",
                        f"exit {rc}", out)
            return
        boot(results, f"{example} with canary A left unreserved: the check sees it destroyed",
             qemu, 1, destroyed, work)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# Both examples' halt line when the root task ran and the canaries survived.
INTACT = r"^vendor: Mica halted with status 0, 1 doorbell\(s\), .* canaries intact"


def example_riscv64(results, builddir):
    """The riscv64 vendor example: M-mode firmware, the doorbell, two root tasks, CMake."""
    qemu = ["qemu-system-riscv64", "-M", "virt", "-nic", "none", "-nographic", "-m", "256M",
            "-smp", "1", "-bios", "vendor.elf", "-device"]
    slot = "loader,file={},addr=0x84010000,force-raw=on"

    def more(sdk, work, clean):
        boot(results, "vendor-riscv64: the same firmware runs another root task it finds at "
             "run time", qemu + [slot.format("root-hello.elf")], 0,
             [r"^\[mica\] hello: root task on qemu-virt-riscv64",
              r"^vendor: Mica halted with status 0, 0 doorbell\(s\)"], work)
        cmake(results, "vendor-riscv64", sdk, work, qemu + [slot.format("root-canary.elf")],
              clean, INTACT)

    vendor_example(
        results, "qemu-virt-riscv64", builddir, "vendor-riscv64", ("reset.o", "board.o"),
        qemu + [slot.format("root-canary.elf")],
        [r"^\[mica\] mica: board=qemu-virt-riscv64 arch=riscv64",
         r"^\[mica\] canary: retyped and zeroed \d+ KiB",
         r"^vendor: doorbell from the root task after \d+ firmware ticks: canaries intact",
         r"^\[mica\] canary: done, 0 errors",
         r"^vendor: Mica halted with status 0, 1 doorbell\(s\), [1-9]\d* firmware ticks, "
         r"canaries intact"],
        [r"^vendor: doorbell from the root task .*: \d+ canary words destroyed",
         r"^vendor: Mica halted with status 1, .* canaries destroyed"], more)


def example_cortex_m33(results, builddir):
    """The Cortex-M33 vendor example: CMSIS-style startup, its own vector table and handlers."""
    qemu = ["qemu-system-arm", "-M", "mps2-an505", "-nographic", "-semihosting-config",
            "enable=on,target=native", "-kernel", "vendor.elf", "-device",
            "loader,file=root-canary.elf,addr=0x10080000,force-raw=on"]
    vendor_example(
        results, "qemu-mps2-an505", builddir, "vendor-cortex-m33",
        ("startup.o", "system.o", "main.o"), qemu,
        [r"^\[mica\] armv8m: vector table 0x10000000, 96 NVIC lines",
         r"^\[mica\] mica: board=qemu-mps2-an505 arch=armv8m",
         r"^\[mica\] canary: IRQControl: Mica's line 40: error 0, the firmware's line 5: "
         r"error 4$",
         r"^\[mica\] canary: retyped and zeroed \d+ KiB",
         r"^vendor: dual timer interrupt from the root task after \d+ firmware ticks: "
         r"canaries intact",
         r"^\[mica\] canary: done, 0 errors",
         r"^vendor: Mica halted with status 0, 1 doorbell\(s\), [1-9]\d* firmware ticks, "
         r"canaries intact"],
        [r"^vendor: dual timer interrupt from the root task .*: \d+ canary words destroyed",
         r"^vendor: Mica halted with status 1, .* canaries destroyed"],
        lambda sdk, work, clean: cmake(results, "vendor-cortex-m33", sdk, work, qemu, clean,
                                       INTACT))


def firmware_aarch64(results, builddir):
    """The minimal AArch64 firmware (tests/embed/aarch64) from an SDK outside the tree: its console
    and halt callbacks, entered at EL1 and at EL2, and the refusals docs/embedding.md lists."""
    scratch = tempfile.mkdtemp(prefix="mica-embed-")
    try:
        built = from_sdk(results, "qemu-virt-aarch64", builddir, scratch, AARCH64_FIRMWARE,
                         "aarch64 firmware", (ROOT_TASK,))
        if not built:
            return
        sdk, work, clean = built
        qemu = ["qemu-system-aarch64", "-M", "virt", "-nic", "none", "-cpu", "cortex-a53",
                "-nographic", "-m", "128M", "-semihosting-config", "enable=on,target=native",
                "-kernel", "firmware.bin"]
        for el in ("off", "on"):
            boot(results, f"aarch64 firmware from the SDK, virtualization={el}: Mica's console and "
                 "halt through the firmware's callbacks",
                 qemu[:-2] + ["-M", f"virtualization={el}"] + qemu[-2:], 0,
                 [r"^\[mica\] mica: board=qemu-virt-aarch64 arch=aarch64",
                  r"^\[mica\] root: running on qemu-virt-aarch64",
                  r"^firmware: Mica halted with status 0"], work)
        # Descriptions docs/embedding.md says mica_start refuses, each reported through the
        # firmware's console and halt (but a version mismatch, where nothing can be trusted).
        refusals(results, "aarch64", work, sdk, clean, qemu, BAD_DESCRIPTIONS, silent=5)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def firmware_armv8m(results, builddir):
    """The minimal Armv8-M firmware (tests/embed/armv8m) from an SDK outside the tree: it boots
    with a vector table it filled at run time, and every Armv8-M refusal docs/embedding.md lists
    is reported through its callbacks."""
    scratch = tempfile.mkdtemp(prefix="mica-embed-")
    try:
        built = from_sdk(results, "qemu-mps2-an505", builddir, scratch, ARMV8M_FIRMWARE,
                         "armv8m firmware", (ROOT_TASK,))
        if not built:
            return
        sdk, work, clean = built
        qemu = ["qemu-system-arm", "-M", "mps2-an505", "-nographic", "-semihosting-config",
                "enable=on,target=native", "-kernel", "firmware.elf"]
        boot(results, "armv8m firmware from the SDK: a vector table filled at run time, Mica's "
             "console and halt through the firmware's callbacks", qemu, 0,
             [r"^\[mica\] mica: board=qemu-mps2-an505 arch=armv8m",
              r"^\[mica\] root: running on qemu-mps2-an505",
              r"^firmware: Mica halted with status 0"], work)
        refusals(results, "armv8m", work, sdk, clean, qemu, BAD_ARMV8M)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def symbols(results, example, work, objects):
    """The firmware's objects define the names that used to clash with libmica.a's."""
    found = {}
    for obj in objects:
        _, defined, _ = nm(os.path.join(work, obj))
        found.update(defined)
    missing = [s for s in VENDOR_SYMBOLS if found.get(s) != "T"]
    if missing:
        results.add(GROUP, "fail", f"{example} defines _start, main, memcpy, uart_init",
                    f"not defined: {missing}")
    else:
        results.add(GROUP, "pass", f"{example} defines _start, main, memcpy and uart_init "
                    "and links beside libmica.a")


def cmake(results, example, sdk, work, qemu, env, needle):
    """The same firmware through CMake and the SDK's package config and toolchain file."""
    name = f"{example}: cmake with the SDK's package (find_package(mica))"
    if shutil.which("cmake") is None:
        results.add(GROUP, "fail", name, "cmake not found (Debian package cmake; --install-deps "
                    "installs it)")
        return
    build = os.path.join(work, "cmake-build")
    rc, out = run(["cmake", "-S", work, "-B", build, f"-DCMAKE_PREFIX_PATH={sdk}",
                   f"-DCMAKE_TOOLCHAIN_FILE={sdk}/share/mica/toolchain.cmake"], env=env)
    if rc == 0:
        rc, out = run(["cmake", "--build", build], env=env)
    if rc != 0:
        results.add(GROUP, "fail", name, f"exit {rc}", out)
        return
    boot(results, name, [a.replace("vendor.elf", os.path.join(build, "vendor.elf"))
                         .replace("file=root-", f"file={build}/root-") for a in qemu], 0,
         [needle], work)


def refusals(results, arch, work, sdk, env, qemu, cases, silent=None):
    """Each bad description (make BAD=n) is refused with its reason and halt status 3."""
    for bad, what, needles in cases:
        rc, out = run(["make", "-B", f"SDK={sdk}", f"BAD={bad}"], cwd=work, env=env)
        if rc != 0:
            results.add(GROUP, "fail", f"{arch} firmware, {what}: build", f"exit {rc}", out)
            continue
        boot(results, f"{arch} firmware, {what}: refused", qemu, 3, needles, work,
             absent=[r"^\[mica\]"] if bad == silent else [])


# tests/embed/aarch64 built with -DBAD=n: what docs/embedding.md says mica_start reports.
PANIC = r"^\[mica\] panic: \S+: "
HALTED = r"^firmware: Mica halted with status 3"
BAD_DESCRIPTIONS = [
    (1, "a RAM count without an array", [PANIC + r"mica_start: 2 RAM ranges at NULL$", HALTED]),
    (2, "a reserved range that wraps",
     [PANIC + r"mica_start: reserved range 2 \(fffffffffffff000, size 2000\) wraps around the "
      r"address space$", HALTED]),
    (3, "17 device ranges",
     [PANIC + r"mica_start: device range 16 \(a020000, size 1000\) one range too many "
      r"\(ARCH_MAX_RAM_RANGES\)$", HALTED]),
    (4, "no RAM and no devicetree",
     [PANIC + r"mica_start: no RAM: the description lists none, and there is no devicetree$",
      HALTED]),
    (5, "another version", []),
    (6, "no root image",
     [PANIC + r"boot: no root task \(the platform description names no root image\)$", HALTED]),
    (7, "a root image that wraps",
     [PANIC + r"mica_start: the root image \(0xfffffffffffff000, 8192 bytes\) wraps around the "
      r"address space$", HALTED]),
    (8, "reserved ranges leaving no room for the kernel image",
     [PANIC + r"mica_start: no room left to reserve the kernel image$", HALTED]),
]

# tests/embed/armv8m built with -DBAD=n: the Armv8-M refusals docs/embedding.md lists.
BAD_ARMV8M = [
    (1, "no vector table",
     [PANIC + r"mica_start: no vector table \(Armv8-M runs with the firmware's\)$", HALTED]),
    (2, "a vector table short of the timers' lines",
     [PANIC + r"mica_start: the vector table has 20 entries, not 21 to 496$", HALTED]),
    (3, "a misaligned vector table",
     [PANIC + r"mica_start: the vector table \(0x[0-9a-f]*80, 80 entries\) is not aligned to "
      r"512 bytes$", HALTED]),
    (4, "SVCall not Mica's",
     [PANIC + r"mica_start: vector 11 \(SVCall\) is not Mica's handler$", HALTED]),
    (5, "a kernel timer's line not Mica's",
     [PANIC + r"mica_start: vector 19 \(NVIC line 3, the kernel's timer\) is not "
      r"mica_exception_handler$", HALTED]),
    (6, "a priority count without an array",
     [PANIC + r"mica_start: 1 priorities at NULL$", HALTED]),
    (7, "a priority for one of Mica's exceptions",
     [PANIC + r"mica_start: priority 0: exception 11 is not the firmware's$", HALTED]),
    (8, "a priority above 255",
     [PANIC + r"mica_start: priority 0: 256 is not a priority \(0-255\)$", HALTED]),
    (9, "mica_start from an exception handler",
     [PANIC + r"mica_start: called from exception 11: it runs in Thread mode$", HALTED]),
]

# Another linear-map offset than each arch's default, in the upper half the arch allows.
PLACEMENT = {
    "qemu-virt-riscv64": ("0xffffffe000000000", "mica.elf",
                          ["qemu-system-riscv64", "-M", "virt", "-nic", "none", "-nographic",
                           "-bios", "default", "-m", "128M", "-kernel"]),
    "qemu-virt-aarch64": ("0xffffffe000000000", "mica.bin",
                          ["qemu-system-aarch64", "-M", "virt", "-nic", "none", "-cpu",
                           "cortex-a53", "-nographic", "-m", "1G", "-semihosting-config",
                           "enable=on,target=native", "-kernel"]),
}


def placement(results, board):
    """The kernel linked at another virtual offset (CONFIG_KERNEL_VOFFSET) still boots: its
    addresses come from Kconfig and the link, not from the arch's code."""
    voffset, image, qemu = PLACEMENT[board]
    builddir = os.path.join(SRCDIR, "build", "embed-checks", f"{board}-voffset")
    name = f"{board}: linked at CONFIG_KERNEL_VOFFSET={voffset}, the board image boots"
    shutil.rmtree(builddir, ignore_errors=True)
    rc, out = run([sys.executable, os.path.join(SRCDIR, "configure.py"), "--board", board,
                   "--build-dir", builddir, "-D", f"CONFIG_KERNEL_VOFFSET={voffset}"])
    if rc == 0:
        rc, out = run(["ninja", "-C", builddir, image], 1800)
    if rc != 0:
        results.add(GROUP, "fail", name, f"configure or build: exit {rc}", out)
        return
    rc, out = run(["llvm-nm", os.path.join(builddir, "mica.elf")])
    text = [int(line.split()[0], 16) for line in out if line.endswith(" kernel_main")]
    base = int(voffset, 16)
    if not text or not base <= text[0] < base + (1 << 32):
        results.add(GROUP, "fail", name, f"kernel_main at {[hex(t) for t in text]}, not at "
                    f"{voffset} + its physical address")
        return
    boot(results, name, qemu + [os.path.join(builddir, image)], 0,
         [r"^mica: board=" + board, r"^hello: client done .* bye"], builddir)


def run_checks(results, boards, full=False):
    """boards: {name: (build directory, arch)} of the boards built in this run with their own
    configuration; full (a plain tests/run): also rebuild riscv64 and aarch64 at another
    CONFIG_KERNEL_VOFFSET in build/embed-checks/."""
    if full:
        for board in sorted(PLACEMENT):
            if board in boards:
                placement(results, board)
    for board, (builddir, arch) in sorted(boards.items()):
        library(results, board, builddir, arch)
    if "qemu-virt-riscv64" in boards:
        example_riscv64(results, boards["qemu-virt-riscv64"][0])
    if "qemu-virt-aarch64" in boards:
        firmware_aarch64(results, boards["qemu-virt-aarch64"][0])
    if "qemu-mps2-an505" in boards:
        example_cortex_m33(results, boards["qemu-mps2-an505"][0])
        firmware_armv8m(results, boards["qemu-mps2-an505"][0])
