#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shows the manifest, finish-args and icon checkers can fail: each known-bad variant of the real
manifest or icons must be refused with the expected message, and the real files must pass.
TAP output.

Usage: test-checkers.py MANIFEST [APP_ICON SYMBOLIC_ICON]
"""
import importlib.util
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OURS = ["--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"]


def load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


manifest_checker = load("check_manifest", "check-manifest.py")
finish_checker = load("check_finish_args", "check-finish-args.py")
icon_checker = load("check_icons", "check-icons.py")
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
        ("library archive without sha256",
         edited(base, lambda m: m["modules"][0]["sources"][0].pop("sha256")), "needs both url and sha256"),
        ("library from a local folder",
         edited(base, set_key(["modules", 0, "sources", 0], {"type": "dir", "path": "/tmp"})),
         "not a pinned upstream release"),
        ("a module of a library the runtime ships",
         edited(base, set_key(["modules", 0, "name"], "libjxl")), "the GNOME runtime ships libjxl"),
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

    icon_cases = []
    if len(sys.argv) == 4:
        with open(sys.argv[2], encoding="utf-8") as f:
            app = f.read()
        with open(sys.argv[3], encoding="utf-8") as f:
            sym = f.read()
        late = app.replace("<svg ", "<!-- " + "padding " * 40 + "-->\n<svg ", 1)
        text = app.replace("<title>Parapix</title>", "<title>Parapix</title><text>P</text>", 1)
        dangling = app.replace('fill="url(#sky)"', 'fill="url(#nowhere)"', 1)
        small = app.replace('viewBox="0 0 128 128"', 'viewBox="0 0 512 512"', 1)
        two = sym.replace('fill="#2e3436"', 'fill="#e01b24"', 1)
        gradient = sym.replace('fill="#2e3436"', 'fill="url(#g)"', 1).replace(
            "<title>Parapix</title>", '<title>Parapix</title><defs><linearGradient id="g">'
            '<stop offset="0" stop-color="#2e3436"/></linearGradient></defs>', 1)
        icon_cases = [
            ("the real app icon passes", icon_checker.check_app_icon, app, None),
            ("the real symbolic icon passes", icon_checker.check_symbolic, sym, None),
            ("<svg> after 256 bytes", icon_checker.check_app_icon, late, "first 256 bytes"),
            ("text in the app icon", icon_checker.check_app_icon, text, "<text> is not allowed"),
            ("dangling url(#)", icon_checker.check_app_icon, dangling, "does not exist"),
            ("off the 128 px grid", icon_checker.check_app_icon, small, "viewBox"),
            ("two colours in the symbolic icon", icon_checker.check_symbolic, two, "one colour"),
            ("gradient in the symbolic icon", icon_checker.check_symbolic, gradient, "gradients"),
        ]

    print(f"1..{len(manifest_cases) + len(finish_cases) + len(icon_cases)}")
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
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn, text, expected in icon_cases:
            n += 1
            path = os.path.join(tmp, f"icon-{n}.svg")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            failed += report(n, f"icons: {name}", fn(path, tmp), expected)
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
