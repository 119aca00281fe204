# SPDX-License-Identifier: MIT
"""`ninja sdk` / `ninja install`: write a board's SDK, what firmware needs to link Mica in and to
build root tasks for it, without Mica's tree or build.ninja (docs/embedding.md):

  lib/libmica.a, lib/libmicauser.a      the kernel (one object) and the user runtime (not on a
                                        boot stub, which has no syscalls: nor mica-user.pc, user.ld)
  include/mica/*.h                      the embedding API (kernel.h) and the user-space headers
  include/mica/config.h                 the build's generated configuration (autoconf.h)
  share/mica/mica.ld                    the kernel's sections, to INCLUDE in the firmware's script
  share/mica/user.ld                    the link script of root tasks
  lib/pkgconfig/mica.pc, mica-user.pc   flags for firmware and for root tasks
  lib/cmake/mica/mica-config.cmake      the same as CMake imported targets, and
  share/mica/toolchain.cmake            a clang + ld.lld toolchain file for the board's target
  share/mica/README.md                  the exact compile and link lines

The .pc and CMake files find the SDK relative to themselves, so the directory can be moved.
Run from the build directory:  sdk.py --out DIR   (DIR: DESTDIR + PREFIX)."""

import argparse
import os
import re
import shlex
import shutil
import sys

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Compiler flags that say what to build for; the rest of CONFIG_ARCH_CFLAGS (-ffreestanding,
# -fno-builtin, -nostdlib) is how the kernel wants itself compiled, not something firmware or a
# root task must repeat.
NOT_ABI = {"-ffreestanding", "-fno-builtin", "-nostdlib"}


def read_config(path):
    values = {}
    for line in open(path):
        m = re.match(r"^(CONFIG_\w+)=(.*)$", line.rstrip("\n"))
        if m:
            v = m.group(2)
            values[m.group(1)] = v[1:-1].replace('\\"', '"') if v.startswith('"') else v
    return values


def copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def pc_file(name, description, cflags, libs, cfg):
    return f"""# pkg-config file of the Mica SDK (tools/sdk.py); paths relative to this file.
prefix=${{pcfiledir}}/../..
libdir=${{prefix}}/lib
includedir=${{prefix}}/include
ldscriptdir=${{prefix}}/share/mica
board={cfg['CONFIG_BOARD']}
arch={cfg['CONFIG_ARCH']}
arch_cflags={cflags}

Name: {name}
Description: {description}
Version: 1
Cflags: -I${{includedir}} ${{arch_cflags}}
Libs: {libs}
"""


def cmake_config(cfg, cflags, ucflags, user):
    return f"""# CMake package of the Mica SDK (tools/sdk.py) for {cfg['CONFIG_BOARD']} ({cfg['CONFIG_ARCH']}).
#   find_package(mica REQUIRED CONFIG)   (CMAKE_PREFIX_PATH or mica_DIR pointing here)
#   mica::kernel  firmware that links the kernel in: include it, link it, and INCLUDE
#                 ${{MICA_LINKER_FRAGMENT}} (mica.ld) in the firmware's link script
#   mica::user    root tasks: the user runtime and its link script
# Configure with -DCMAKE_TOOLCHAIN_FILE=${{MICA_TOOLCHAIN_FILE}} (share/mica/toolchain.cmake) or a
# toolchain of your own for the same target.
get_filename_component(_mica_prefix "${{CMAKE_CURRENT_LIST_DIR}}/../../.." ABSOLUTE)
set(MICA_BOARD "{cfg['CONFIG_BOARD']}")
set(MICA_ARCH "{cfg['CONFIG_ARCH']}")
set(MICA_ARCH_CFLAGS {cflags})
set(MICA_USER_CFLAGS {ucflags})
set(MICA_LINKER_FRAGMENT "${{_mica_prefix}}/share/mica/mica.ld")
set(MICA_USER_LINK_SCRIPT "${{_mica_prefix}}/share/mica/user.ld")
set(MICA_TOOLCHAIN_FILE "${{_mica_prefix}}/share/mica/toolchain.cmake")
if(NOT TARGET mica::kernel)
  add_library(mica::kernel STATIC IMPORTED)
  set_target_properties(mica::kernel PROPERTIES
    IMPORTED_LOCATION "${{_mica_prefix}}/lib/libmica.a"
    INTERFACE_INCLUDE_DIRECTORIES "${{_mica_prefix}}/include"
    INTERFACE_COMPILE_OPTIONS "${{MICA_ARCH_CFLAGS}}"
    INTERFACE_LINK_DIRECTORIES "${{_mica_prefix}}/share/mica")
{user_target if user else ""}endif()
unset(_mica_prefix)
"""


user_target = """  add_library(mica::user STATIC IMPORTED)
  set_target_properties(mica::user PROPERTIES
    IMPORTED_LOCATION "${_mica_prefix}/lib/libmicauser.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_mica_prefix}/include"
    INTERFACE_COMPILE_OPTIONS "${MICA_USER_CFLAGS}"
    INTERFACE_LINK_OPTIONS "-Wl,-T,${MICA_USER_LINK_SCRIPT}")
"""


def toolchain(cfg, cflags, target):
    processor = {"riscv64": "riscv64", "aarch64": "aarch64", "armv8m": "arm"}[cfg["CONFIG_ARCH"]]
    return f"""# A CMake toolchain for Mica's {cfg['CONFIG_ARCH']} target: clang and ld.lld, no host libraries
# (tools/sdk.py). Firmware and root tasks are freestanding; link with your own script.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR {processor})
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET {target})
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_ASM_COMPILER_TARGET {target})
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "{cflags} -ffreestanding -fno-builtin")
set(CMAKE_ASM_FLAGS_INIT "{cflags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static")
"""


def exports():
    """The global symbols libmica.a keeps (exports.txt, tools/exports.py), for the README."""
    names = [f"`{n}`" for n in open("exports.txt").read().split()]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def readme(cfg, cflags, ldflags, exports):
    board, arch = cfg["CONFIG_BOARD"], cfg["CONFIG_ARCH"]
    return f"""# Mica SDK for {board} ({arch})

Written by `ninja sdk` (tools/sdk.py) from a Mica build; docs/embedding.md in Mica's tree explains
what firmware provides and what Mica takes over. Everything here finds the rest relative to
itself: set `PKG_CONFIG_PATH=<this directory>/lib/pkgconfig` (or `CMAKE_PREFIX_PATH=<this
directory>` for CMake).

## Firmware that links Mica in

Include `<mica/kernel.h>`, fill a `struct mica_platform` and call `mica_start` once, in the mode
the arch needs, after your board init. Compile your C with the kernel's target flags:

    clang $(pkg-config --cflags mica) -c board.c
    # = clang -I<sdk>/include {cflags} -c board.c

In your link script's SECTIONS, where the kernel is to go:

    INCLUDE mica.ld

and link with ld.lld (no --gc-sections needed, no other library: Mica brings its own):

    ld.lld {ldflags} -T firmware.ld -o firmware.elf <your objects> $(pkg-config --libs mica)
    # = ld.lld {ldflags} -T firmware.ld -o firmware.elf <your objects> -L<sdk>/lib -L<sdk>/share/mica -lmica

libmica.a defines only {exports}; it needs from the link only the symbols mica.ld
defines (`__mica_*`). Your own `_start`, `main`, `memcpy` or anything else do not clash with it.
`include/mica/config.h` is the kernel's configuration (for reference: the kernel was built with it).

## Root tasks

    clang $(pkg-config --cflags mica-user) -c main.c
    ld.lld -z max-page-size=4096 -static -o root.elf main.o $(pkg-config --libs mica-user)
    # = ... -L<sdk>/lib -lmicauser -T <sdk>/share/mica/user.ld

The root task's entry is the runtime's `_start`, which calls `int mica_main(const struct
mica_bootinfo *)`. Pass the ELF to `mica_start` by address and size (`root_image`,
`root_image_size`).

## CMake

    find_package(mica REQUIRED CONFIG)
    target_link_libraries(firmware PRIVATE mica::kernel)   # and INCLUDE ${{MICA_LINKER_FRAGMENT}}
    target_link_libraries(root PRIVATE mica::user)

with `-DCMAKE_TOOLCHAIN_FILE=<sdk>/share/mica/toolchain.cmake` for clang and ld.lld.
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True, help="where the SDK goes (DESTDIR + PREFIX)")
    a = p.parse_args()
    cfg = read_config(".config")
    if cfg.get("CONFIG_ARCH") == "hosted":
        sys.exit("sdk: hosted has no SDK: its kernel is a Linux program (build firmware for a "
                 "bare-metal board)")
    out = os.path.abspath(a.out)
    arch = cfg["CONFIG_ARCH"]
    flags = [f for f in shlex.split(cfg.get("CONFIG_ARCH_CFLAGS", "")) if f not in NOT_ABI]
    target = next((f.split("=", 1)[1] for f in flags if f.startswith("--target=")), "")
    cflags = " ".join(flags)
    # Flags the user runtime's ABI adds for every program (armv8m: -ffixed-r9, the IPC buffer).
    ucflags = " ".join(flags + shlex.split(cfg.get("CONFIG_ARCH_USER_CFLAGS", "")))
    ldflags = cfg.get("CONFIG_ARCH_LDFLAGS", "").strip()

    user = cfg.get("CONFIG_ARCH_HAS_HAL") == "y"  # a boot stub has no syscalls, no user runtime
    copy("libmica.a", os.path.join(out, "lib", "libmica.a"))
    if user:
        copy("libmicauser.a", os.path.join(out, "lib", "libmicauser.a"))
    for d in ("include/mica", "user/include/mica") if user else ("include/mica",):
        for h in sorted(os.listdir(os.path.join(SRCDIR, d))):
            if h.endswith(".h"):
                copy(os.path.join(SRCDIR, d, h), os.path.join(out, "include", "mica", h))
    copy(os.path.join("include", "generated", "autoconf.h"),
         os.path.join(out, "include", "mica", "config.h"))
    copy("mica.ld", os.path.join(out, "share", "mica", "mica.ld"))
    write(os.path.join(out, "lib", "pkgconfig", "mica.pc"),
          pc_file("mica", f"Mica microkernel for {cfg['CONFIG_BOARD']}: the library firmware "
                  "links in", cflags, "-L${libdir} -L${ldscriptdir} -lmica", cfg))
    if user:
        copy(os.path.join(SRCDIR, "user", "arch", arch, "link.ld"),
             os.path.join(out, "share", "mica", "user.ld"))
        write(os.path.join(out, "lib", "pkgconfig", "mica-user.pc"),
              pc_file("mica-user", f"Mica user runtime for {cfg['CONFIG_BOARD']}: root tasks "
                      "and servers", ucflags, "-L${libdir} -lmicauser -T ${ldscriptdir}/user.ld",
                      cfg))
    write(os.path.join(out, "lib", "cmake", "mica", "mica-config.cmake"),
          cmake_config(cfg, cflags, ucflags, user))
    write(os.path.join(out, "share", "mica", "toolchain.cmake"), toolchain(cfg, cflags, target))
    write(os.path.join(out, "share", "mica", "README.md"), readme(cfg, cflags, ldflags, exports()))
    print(f"sdk: {cfg['CONFIG_BOARD']} SDK in {out}")


if __name__ == "__main__":
    main()
