#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shows the manifest and finish-args checkers can fail: each known-bad variant of the real
manifest must be refused with the expected message, and the real manifest must pass. TAP output.

Usage: test-checkers.py MANIFEST
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OURS = ["--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"]


def load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


manifest_checker = load("check_manifest", "check-manifest.py")
finish_checker = load("check_finish_args", "check-finish-args.py")
with open(os.path.join(HERE, "flatpak-manifest.schema.json"), encoding="utf-8") as f:
    SCHEMA = json.load(f)


def edited(base, fn):
    m = json.loads(base)
    fn(m)
    return json.dumps(m, indent=2)


def reorder(m):
    items = list(m.items())
    items[1], items[3] = items[3], items[1]
    m.clear()
    m.update(items)


def set_key(path, value):
    def fn(m):
        node = m
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value
    return fn


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        base = f.read()
    m0 = json.loads(base)
    mod = ["modules", len(m0["modules"]) - 1]

    # (name, manifest text, substring expected among the problems; None = must pass)
    manifest_cases = [
        ("the real manifest passes", base, None),
        ("duplicate key", base.replace('"command": "parapix",',
                                       '"command": "parapix",\n  "command": "parapix",', 1),
         "duplicate key"),
        ("trailing comma", base.replace('"--device=dri"', '"--device=dri",', 1), "not strict JSON"),
        ("NaN", base.replace('"builddir": true', '"builddir": NaN', 1), "not strict JSON"),
        ("keys out of order", edited(base, reorder), "key order"),
        ("unknown top-level key", edited(base, set_key(["finish-arg"], [])), "unknown key"),
        ("finish-args not an array", edited(base, set_key(["finish-args"], "--share=ipc")),
         "must be of type array"),
        ("bad buildsystem", edited(base, set_key(mod + ["buildsystem"], "ninja")), "is not one of"),
        ("unknown module key", edited(base, set_key(mod + ["config-opt"], [])), "unknown key"),
        ("unknown source key", edited(base, set_key(mod + ["sources", 0, "branch"], "main")),
         "unknown key"),
        ("debug build", edited(base, set_key(mod + ["config-opts"], ["-Dtests=false"])),
         "--buildtype=release"),
        ("tests built", edited(base, set_key(mod + ["config-opts"], ["--buildtype=release"])),
         "-Dtests=false"),
        ("freedesktop runtime", edited(base, set_key(["runtime"], "org.freedesktop.Platform")),
         "expected org.gnome.Platform"),
        ("no cleanup of headers", edited(base, set_key(["cleanup"], ["*.a", "*.la"])),
         "cleanup lacks '/include'"),
        ("wrong id", edited(base, set_key(["id"], "org.example.Parapix")), "app id"),
    ]
    finish_cases = [
        ("the real finish-args pass", OURS, None),
        ("home access", OURS + ["--filesystem=home"], "finish-args-home-filesystem-access"),
        ("host read-only", OURS + ["--filesystem=host:ro"], "finish-args-host-ro-filesystem-access"),
        ("any filesystem", OURS + ["--filesystem=xdg-pictures"], "policy: no filesystem"),
        ("x11 and wayland", ["--share=ipc", "--socket=wayland", "--socket=x11", "--device=dri"],
         "finish-args-contains-both-x11-and-wayland"),
        ("x11 without ipc", ["--socket=wayland", "--socket=fallback-x11", "--device=dri"],
         "finish-args-x11-without-ipc"),
        ("only wayland", ["--share=ipc", "--socket=wayland", "--device=dri"], "finish-args-only-wayland"),
        ("session bus", OURS + ["--socket=session-bus"], "finish-args-arbitrary-dbus-access"),
        ("flatpak-spawn", OURS + ["--talk-name=org.freedesktop.Flatpak"],
         "finish-args-flatpak-spawn-access"),
        ("portal talk-name", OURS + ["--talk-name=org.freedesktop.portal.Desktop"],
         "finish-args-portal-talk-name"),
        ("own name", OURS + ["--own-name=org.example.*"], "finish-args-own-name-wildcard-org.example"),
        ("host tmp", OURS + ["--filesystem=/tmp"], "finish-args-host-tmp-access"),
        ("xdg-config", OURS + ["--filesystem=xdg-config:ro"], "finish-args-arbitrary-xdg-config-ro-access"),
        ("network is not ours", OURS + ["--share=network"], "policy: not allowed"),
        ("dri missing", OURS[:-1], "policy: missing"),
    ]

    print(f"1..{len(manifest_cases) + len(finish_cases)}")
    n = failed = 0
    for name, text, expected in manifest_cases:
        n += 1
        problems = manifest_checker.check(text, SCHEMA, "io.github.parapix.Parapix", "parapix")
        failed += report(n, f"manifest: {name}", problems, expected)
    for name, args, expected in finish_cases:
        n += 1
        problems = [f"finish-args-{c}" for c in finish_checker.lint(m0["id"], args)]
        problems += finish_checker.policy(args, OURS)
        failed += report(n, f"finish-args: {name}", problems, expected)
    return 1 if failed else 0


def report(n, name, problems, expected):
    if expected is None:
        ok = not problems
    else:
        ok = any(expected in p for p in problems)
    print(f"{'ok' if ok else 'not ok'} {n} - {name}")
    if not ok:
        print(f"# expected {expected!r}, got {problems}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
