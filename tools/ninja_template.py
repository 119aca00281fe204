# SPDX-License-Identifier: MIT
"""Render build.ninja.in into build.ninja. The convention is documented at the top of
build.ninja.in and in docs/build.md; lines without an @directive are Ninja, copied after
@NAME@ substitution."""

import os
import re

_VAR = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)@")
_SRC = re.compile(r"^@src\s+(\w+)(?:\[([^\]]+)\])?\s+(\S+)\s*$")
_COMPILE = re.compile(r"^@compile\s+(\w+)\s+(\w+)(?:\s+as\s+(\w+))?\s*$")
_CONFIG_NAME = re.compile(r"\bCONFIG_(\w+)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TemplateError(Exception):
    pass


def _ninja_escape(value):
    return value.replace("$", "$$")


class Renderer:
    """Turns a template into Ninja text. `variables` maps NAME -> string for @NAME@;
    `kconf` is the kconfiglib.Kconfig whose symbols conditions and @CONFIG_X@ use;
    `srcdir_abs`/`builddir_abs` locate files for the existence check."""

    def __init__(self, kconf, variables, srcdir_abs, builddir_abs):
        self.kconf = kconf
        self.variables = dict(variables)
        self.srcdir_abs = srcdir_abs
        self.builddir_abs = builddir_abs
        self.sources = {}  # group -> [(ninja input path, object path)]

    def _where(self, filename, lineno):
        return f"{filename}:{lineno}"

    def value(self, name, where):
        if name in self.variables:
            return self.variables[name]
        if name.startswith("CONFIG_"):
            sym = self.kconf.syms.get(name[len("CONFIG_"):])
            if sym is not None and sym.nodes:
                return sym.str_value
        raise TemplateError(f"{where}: unknown template variable @{name}@")

    def substitute(self, text, where):
        return _VAR.sub(lambda m: _ninja_escape(self.value(m.group(1), where)), text)

    def condition(self, expr, where):
        """Evaluate a Kconfig expression written with or without CONFIG_ prefixes."""
        expr = _CONFIG_NAME.sub(r"\1", expr)
        for name in _IDENT.findall(expr):
            if name in ("y", "n", "m"):
                continue
            sym = self.kconf.syms.get(name)
            if sym is None or not sym.nodes:
                raise TemplateError(f"{where}: unknown Kconfig symbol CONFIG_{name}")
        try:
            return self.kconf.eval_string(expr) != 0
        except Exception as e:  # kconfiglib raises KconfigError on syntax errors
            raise TemplateError(f"{where}: bad condition '{expr}': {e}")

    def _add_source(self, group, path, where):
        m = re.match(r"^@(\w+)@/(.+)$", path)
        if m:
            base = self.value(m.group(1), where)
            rel = m.group(2)
            ninja_path = f"{base}/{rel}"
            check = os.path.join(self.builddir_abs, base, rel)
        else:
            if os.path.isabs(path) or ".." in path.split("/"):
                raise TemplateError(f"{where}: source path must be relative to the tree: {path}")
            rel = path
            ninja_path = f"$srcdir/{path}"
            check = os.path.join(self.srcdir_abs, path)
        if not os.path.isfile(check):
            raise TemplateError(f"{where}: source file {path} does not exist")
        obj = f"obj/{group}/{rel}.o"
        self.sources.setdefault(group, []).append((ninja_path, obj))

    def render(self, text, filename="build.ninja.in"):
        out = []
        stack = []  # one bool per open @if: is this branch kept?
        for lineno, line in enumerate(text.splitlines(), 1):
            where = self._where(filename, lineno)
            stripped = line.strip()
            keep = all(stack)
            if stripped.startswith("@if "):
                stack.append(keep and self.condition(stripped[4:].strip(), where))
                continue
            if stripped == "@else":
                if not stack:
                    raise TemplateError(f"{where}: @else without @if")
                outer = all(stack[:-1])
                stack[-1] = outer and not stack[-1]
                continue
            if stripped == "@endif":
                if not stack:
                    raise TemplateError(f"{where}: @endif without @if")
                stack.pop()
                continue
            if not keep or stripped.startswith("@#"):
                continue
            if stripped.startswith("@src"):
                m = _SRC.match(stripped)
                if not m:
                    raise TemplateError(f"{where}: expected '@src GROUP[COND] PATH'")
                group, cond, path = m.groups()
                if cond is None or self.condition(cond, where):
                    self._add_source(group, path, where)
                continue
            if stripped.startswith("@compile"):
                m = _COMPILE.match(stripped)
                if not m:
                    raise TemplateError(f"{where}: expected '@compile GROUP RULE [as NAME]'")
                group, rule, name = m.groups()
                srcs = self.sources.get(group, [])
                if name:
                    # The same sources a second time, with another rule, as objects of NAME.
                    prefix = f"obj/{group}/"
                    srcs = [(src, f"obj/{name}/{obj[len(prefix):]}") for src, obj in srcs]
                for src, obj in srcs:
                    out.append(f"build {obj}: {rule} {src}")
                # Ninja does not split a $variable into several paths, so the object list is
                # a template variable, @GROUP_objs@ (@NAME_objs@).
                self.variables[f"{name or group}_objs"] = " ".join(obj for _, obj in srcs)
                continue
            if stripped.startswith("#"):
                out.append(line)  # Ninja comments are copied without substitution
                continue
            if stripped.startswith("@") and not _VAR.match(stripped):
                raise TemplateError(f"{where}: unknown directive {stripped.split()[0]}")
            out.append(self.substitute(line, where))
        if stack:
            raise TemplateError(f"{filename}: @if without @endif")
        return "\n".join(out) + "\n"
