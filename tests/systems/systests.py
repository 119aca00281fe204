# SPDX-License-Identifier: MIT
"""System tests for tests/run: the table of malformed system files (tests/systems/bad, each must
be rejected with exactly its one-line message) and the demo system (examples/demo), booted
under QEMU and driven through its console: QEMU's serial is the test's stdin and stdout."""

import glob
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

SRCDIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tools"))
import sysgen  # noqa: E402
SYSGEN = os.path.join(SRCDIR, "tools", "sysgen.py")
BAD_DIR = os.path.join(SRCDIR, "tests", "systems", "bad")
DEMO = os.path.join(SRCDIR, "examples", "demo", "system.toml")
DEFAULT_CHECK_BOARD = "qemu-virt-riscv64"


def malformed(results, group="systems"):
    """Every tests/systems/bad/*.toml names the board to check against (# board:, default
    qemu-virt-riscv64) and the one line it must be rejected with (# expect: LINE: TEXT): exit
    status 1, exactly one line on stderr, starting FILE:LINE: and containing TEXT."""
    files = sorted(glob.glob(os.path.join(BAD_DIR, "*.toml")))
    if len(files) < 10:
        results.add(group, "fail", "malformed system files", f"only {len(files)} in {BAD_DIR}")
    for path in files:
        name = os.path.basename(path)
        with open(path) as f:
            head = f.read()
        board = re.search(r"^# board: (\S+)", head, re.M)
        want = re.search(r"^# expect: (\d+): (.*)$", head, re.M)
        if not want:
            results.add(group, "fail", f"malformed {name}", "no '# expect: LINE: TEXT' line")
            continue
        cmd = [sys.executable, SYSGEN, "check", "--board",
               board.group(1) if board else DEFAULT_CHECK_BOARD, name]
        r = subprocess.run(cmd, cwd=BAD_DIR, capture_output=True, text=True, timeout=120)
        lines = r.stderr.splitlines()
        prefix = f"{name}:{want.group(1)}: "
        ok = r.returncode == 1 and len(lines) == 1 and lines[0].startswith(prefix) and \
            want.group(2) in lines[0]
        label = f"malformed {name} is rejected: {want.group(2)}"
        if ok:
            results.add(group, "pass", label)
        else:
            results.add(group, "fail", label,
                        f"exit status {r.returncode}, {len(lines)} line(s); expected one line "
                        f"'{prefix}...{want.group(2)}'", lines + r.stdout.splitlines())


class Console:
    """A program whose stdin and stdout are a serial console."""

    def __init__(self, cmd, cwd):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.buf = ""
        self.pos = 0
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            data = self.proc.stdout.read1(4096)
            if not data:
                return
            with self.lock:
                self.buf += data.decode("utf-8", "replace").replace("\r", "")

    def expect(self, pattern, timeout, advance=True):
        """The first match of pattern after what earlier expects consumed, or None when it
        does not come within timeout seconds (or the program ends). advance=False leaves the
        position, for lines that may come in any order."""
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        while True:
            with self.lock:
                m = rx.search(self.buf, self.pos)
                if m:
                    if advance:
                        self.pos = m.end()
                    return m
            if time.monotonic() > end or (self.proc.poll() is not None and
                                          not self.reader.is_alive()):
                return None
            time.sleep(0.05)

    def send(self, line):
        try:
            self.proc.stdin.write(line.encode() + b"\r")
            self.proc.stdin.flush()
        except OSError:
            pass

    def tail(self, n=25):
        with self.lock:
            return self.buf.splitlines()[-n:]

    def close(self, timeout=10):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            return None


def skip_reason(board):
    """Why the demo cannot run on this board (None if it can), from its configuration."""
    if board.cfg("ARCH") == "hosted":
        return "hosted runs user code inside the kernel's process; a system needs separate " \
               "program images"
    if board.cfg("ARCH_HAS_HAL") != "y":
        return f"{board.board}: the board has no whole kernel yet (CONFIG_ARCH_HAS_HAL is not set)"
    return None


class Script:
    """One demo boot: each step sends a command and checks the answer; a step that fails
    stops the rest (the console is then in an unknown state)."""

    def __init__(self, results, group, con, timeout):
        self.results, self.group, self.con, self.timeout = results, group, con, timeout
        self.ok = True

    def check(self, name, pattern, timeout=None, send=None, verify=None, advance=True):
        if not self.ok:
            self.results.add(self.group, "skip", f"demo: {name}", "an earlier step failed")
            return None
        if send is not None:
            self.con.send(send)
        m = self.con.expect(pattern, timeout or self.timeout, advance)
        why = None if m else f"no /{pattern}/ within {timeout or self.timeout} s"
        if m and verify:
            why = verify(m)
        if why:
            self.ok = False
            self.results.add(self.group, "fail", f"demo: {name}", why, self.con.tail())
            return None
        self.results.add(self.group, "pass", f"demo: {name}")
        return m

    def skip(self, name, why):
        self.results.add(self.group, "skip", f"demo: {name}", why)


NO_MMU = "mmap/munmap and copy-on-write fork need an MMU"


def demo_steps(s, mmu=True):
    """The console session: answers, a crash and restart, the port's back-pressure, a COW fork
    (MMU boards; elsewhere the console must say why not), 100 crashes in a row with every
    teardown leaving its Untyped empty, kill and restart."""
    s.check("the console comes up", r"^mica> ", 60)
    s.check("help lists the commands", r"^commands: ps \| kill PD \| restart PD \| mem \| fork",
            send="help")
    s.check("ps shows the six supervised PDs running",
            r"^PD +state.*\n(?:\w+ +running +0 +0 +0 clean 0 leaked +\d+ KiB\n){6}", send="ps")
    s.check("crashy answers a ping", r"^ping: crashy answered \(ping 1 of this incarnation\)",
            send="ping")
    s.check("a crash: the caller gets an error, the supervisor restarts crashy, the next call "
            "is served by the new one",
            r"\[supervisor\] 'crashy' memory fault at pc 0x[0-9a-f]+ address 0x0; Untyped empty "
            r"again \(1 of 1\); restart in 1 ms\n(?:.*\n)*?\[supervisor\] restarted 'crashy' "
            r"\(restart 1\)\n(?:.*\n)*?crash x1: 1 calls failed with the crash, a new crashy "
            r"answered 1 times", send="crash")

    def backpressure(m):
        sent, full, deepest, slots = (int(x) for x in m.groups())
        if sent != 32 or full == 0 or deepest != slots:
            return f"sent {sent}, full {full} times, deepest {deepest} of {slots}: expected 32 " \
                   "sent, the port full at least once, filled to its last slot"
        return None
    s.check("port back-pressure: a fast producer is pushed back by the full port",
            r"^port: sent (\d+) messages, the port was full (\d+) times, deepest (\d+) of "
            r"(\d+) slots", send="port 32", verify=backpressure)
    s.check("port: the slow consumer gets every message, in order",
            r"\[consumer\] received 32 messages, all in order", 60)

    def cow(m):
        shared, copied, kept, untouched, _ = (int(x) for x in m.groups())
        # Pages 0-2 are written after the fork: page 0 by both (a copy for the first writer,
        # the last sharer keeps the frame), 1 by the parent, 2 by the child.
        if (shared, copied, kept, untouched) != (8, 3, 1, 5):
            return f"{shared} shared, {copied} copied, {kept} kept, {untouched} untouched: " \
                   "expected 8, 3, 1, 5 (only written pages copied)"
        return None
    if not mmu:
        for name in ("COW fork: the parent sees its own writes only",
                     "COW fork: the child sees its own writes only",
                     "COW fork: only written pages were copied, everything was given back"):
            s.skip(name, f"no MMU on this board: {NO_MMU} (docs/systems.md)")
        s.check("fork says it needs an MMU", rf"^fork: not on this board: {NO_MMU}",
                send="fork")
    else:
        # Parent and child print in either order; both come before the console's answer.
        s.check("COW fork: the parent sees its own writes only",
                r"\[forkdemo\] parent: pages 0-2 read 0xba5e 0xb1 0x1002: own writes kept, the "
                r"other's not seen", send="fork", advance=False)
        s.check("COW fork: the child sees its own writes only",
                r"\[forkdemo\] child: pages 0-2 read 0xc0de 0x1001 0xc2: own writes kept, the "
                r"other's not seen", advance=False)
        s.check("COW fork: only written pages were copied, everything was given back",
                r"^fork: (\d+) pages shared at the fork, (\d+) copied on write, (\d+) kept "
                r"without a copy, (\d+) never written \(plus (\d+) stack/data pages copied\); "
                r"all given back: yes", verify=cow)
    s.check("crashy crashed 100 times in a row is restarted 100 times, and the caller sees an "
            "error and then service each time",
            r"^crash x100: 100 calls failed with the crash, a new crashy answered 100 times",
            240, send="crash 100")
    s.check("after 101 teardowns every Untyped watermark was back at 0 and no slot was kept",
            r"^crashy +running +101 +101 +101 clean 0 leaked", send="ps")
    s.check("kill stops a PD", r"^kill crashy: done", send="kill crashy")
    s.check("ps shows it killed", r"^crashy +killed ", send="ps")
    s.check("restart brings it back", r"^restart crashy: done", send="restart crashy")
    s.check("the new crashy answers", r"^ping: crashy answered \(ping 1 of this incarnation\)",
            send="ping")
    if mmu:
        s.check("mem reports the memory server", r"^memsrv: \d+ page faults handled, \d+ pages "
                r"copied, 0 pages mapped now, pool 512 KiB", send="mem")
    else:
        s.check("mem says the memory server needs an MMU", rf"^mem: not on this board: {NO_MMU}",
                send="mem")
    s.check("halt stops the machine", r"^halting", send="halt")


def prepare_demo(board, results, builddir, build):
    """Configure builddir for the demo on this board and build it; True when it can boot."""
    group = board.name
    why = skip_reason(board)
    if why:
        results.add(group, "skip", "demo system", why)
        return False
    if not os.path.isfile(os.path.join(builddir, ".config")):
        r = subprocess.run([sys.executable, os.path.join(SRCDIR, "configure.py"), "--board",
                            board.board, "--build-dir", builddir, "--system", DEMO],
                           capture_output=True, text=True, timeout=300)
        if r.returncode:
            results.add(group, "fail", "demo system: configure", "configure.py failed",
                        (r.stdout + r.stderr).splitlines())
            return False
    if build:
        # Only the image QEMU boots: the demo directory's test images are the board's own.
        image = "mica." + sysgen.read_config(os.path.join(builddir, ".config")).get(
            "CONFIG_QEMU_IMAGE", "elf")
        r = subprocess.run(["ninja", "-C", builddir, image], capture_output=True, text=True,
                           timeout=1800)
        if r.returncode:
            results.add(group, "fail", "demo system: build", "ninja failed",
                        (r.stdout + r.stderr).splitlines())
            return False
        results.add(group, "pass", "demo system: build")
    return True


def boot_demo(board, results, builddir):
    """Boot the demo with the board's command line plus QEMU_SYSTEM_TEST_ARGS (from the demo
    build's own configuration) and drive it; the whole console goes to demo-console.log."""
    group = board.name
    cfg = {k[len("CONFIG_"):]: v for k, v in
           sysgen.read_config(os.path.join(builddir, ".config")).items()}
    args = shlex.split(cfg.get("QEMU_ARGS", "")) + \
        shlex.split(cfg.get("QEMU_SYSTEM_TEST_ARGS", ""))
    image = os.path.join(builddir, "mica." + cfg.get("QEMU_IMAGE", "elf"))
    cmd = [cfg.get("QEMU_SYSTEM", "")] + args + \
        shlex.split(cfg.get("QEMU_KERNEL_ARG", "-kernel")) + [image]
    start = time.monotonic()
    con = Console(cmd, builddir)
    script = Script(results, group, con, int(cfg.get("QEMU_TIMEOUT", "30")))
    try:
        demo_steps(script, cfg.get("MMU") == "y")
    finally:
        rc = con.close(30 if script.ok else 1)
        with open(os.path.join(builddir, "demo-console.log"), "w") as f:
            f.write(con.buf)
    if not script.ok:
        return
    if rc != 0:
        results.add(group, "fail", "demo: QEMU exits with status 0 after halt",
                    f"exit status {rc}", con.tail())
    else:
        results.add(group, "pass", f"demo: QEMU exits with status 0 after halt "
                    f"({time.monotonic() - start:.0f} s)")
