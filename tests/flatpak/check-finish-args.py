#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flathub linter's finish-args rules (flatpak-builder-lint, check "finish_args"), restated
offline in a few lines each, plus Parapix's own policy: exactly the permissions listed with
--exact and no filesystem access at all (folders come through the file chooser and document portals).

Usage: check-finish-args.py MANIFEST [--exact ARG,ARG,...]
Prints each problem with the linter's error code and exits 1 if there is any.
"""
import argparse
import json
import re
import sys
from collections import defaultdict

# Paths Flatpak itself owns inside the sandbox.
RESERVED = ["/.flatpak-info", "/app", "/bin", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc",
            "/root", "/run/flatpak", "/run/host", "/sbin", "/usr"]
# Home sub-folders that give away the host's session, keys or Flatpak itself: (code, folder).
HOME_FOLDERS = [
    ("autostart-filesystem-access", ".config/autostart"),
    ("systemd-filesystem-access", ".config/systemd"),
    ("desktopfile-filesystem-access", ".local/share/applications"),
    ("ssh-filesystem-access", ".ssh"),
    ("gnupg-filesystem-access", ".gnupg"),
    ("direct-dconf-path", ".config/dconf"),
    ("flatpak-appdata-folder-access", ".var/app"),
    ("legacy-icon-folder-permission", ".icons"),
    ("legacy-font-folder-permission", ".fonts"),
    ("incorrect-theme-folder-permission", ".themes"),
    ("flatpak-user-folder-access", ".local/share/flatpak"),
]
# Bus names no app may talk to directly (exact name or a sub-name): (code, name).
FORBIDDEN_TALK = [
    ("portal-talk-name", "org.freedesktop.portal"),
    ("dconf-talk-name", "ca.desrt.dconf"),
    ("freedesktop-dbus-talk-name", "org.freedesktop.DBus"),
    ("systemd1-talk-name", "org.freedesktop.systemd1"),
    ("login1-talk-name", "org.freedesktop.login1"),
    ("kwin-talk-name", "org.kde.KWin"),
    ("plasmashell-talk-name", "org.kde.plasmashell"),
]
WILDCARD_TALK = {"org.freedesktop.*": "freedesktop", "org.gnome.*": "gnome", "org.kde.*": "kde"}


def under(fs, prefix):
    """True when the filesystem value fs names prefix or something below it, with any mode."""
    return re.match(rf"^{re.escape(prefix)}(/.*)?(:(ro|rw|create))?$", fs) is not None


def group(finish_args):
    """--key=value arguments by key; --nosocket=x and friends become socket "!x"."""
    fa = defaultdict(list)
    for arg in finish_args:
        key, _, value = arg.removeprefix("--").partition("=")
        negated = {"nosocket": "socket", "unshare": "share", "nodevice": "device"}
        if key in negated:
            key, value = negated[key], "!" + value
        elif key == "require-version":
            key = "required-flatpak"
        elif key in ("no-talk-name", "system-no-talk-name"):
            key = "none-name"
        fa[key].append(value)
    return fa


def lint(app_id, finish_args):
    """Returns the set of linter error codes (without the "finish-args-" prefix)."""
    if finish_args is None:
        return {"not-defined"}
    fa = group(finish_args)
    sockets, shares, errors = set(fa["socket"]), set(fa["share"]), set()

    if "x11" in sockets and "fallback-x11" in sockets:
        errors.add("contains-both-x11-and-fallback")
    if "x11" in sockets and "wayland" in sockets:
        errors.add("contains-both-x11-and-wayland")
    if sockets & {"x11", "fallback-x11"} and "ipc" not in shares:
        errors.add("x11-without-ipc")
    if "fallback-x11" in sockets and "wayland" not in sockets:
        errors.add("fallback-x11-without-wayland")
    if "wayland" in sockets and not sockets & {"x11", "fallback-x11"}:
        errors.add("only-wayland")
    for s in ("gpg-agent", "ssh-auth"):
        if s in sockets:
            errors.add(f"has-socket-{s}")
    if sockets & {"session-bus", "system-bus"}:
        errors.add("arbitrary-dbus-access")
    for kind, values in (("nosocket", sockets), ("unshare", shares), ("nodevice", fa["device"])):
        for v in values:
            if v.startswith("!"):
                errors.add(f"has-{kind}-{v[1:]}")
    for dev in fa["device"]:
        if dev in ("input", "usb"):
            errors.add(f"has-dev-{dev}")
            if "required-flatpak" not in fa:
                errors.add("no-required-flatpak")

    for fs in fa["filesystem"]:
        for xdg in ("xdg-data", "xdg-config", "xdg-cache"):
            if fs == "xdg-config/kdeglobals:ro":
                continue
            mode = fs.rsplit(":", 1)[1] if re.search(r":(ro|rw|create)$", fs) else "rw"
            if re.fullmatch(rf"{xdg}(:(ro|rw|create))?", fs):
                errors.add(f"arbitrary-{xdg}-{mode}-access")
            elif re.match(rf"^{xdg}/", fs):
                sub = fs.split("/")[1].split(":")[0]
                errors.add(f"unnecessary-{xdg}-{sub}-{mode}-access")
        for path in RESERVED:
            if under(fs, path):
                errors.add(f"reserved-{path.lstrip('/')}")
        m = re.fullmatch(r"(home|host|~/?)(:ro|:rw|:create)?", fs)
        if m:
            where = "host" if fs.startswith("host") else "home"
            errors.add(f"{where}-ro-filesystem-access" if fs.endswith(":ro")
                       else f"{where}-filesystem-access")
        for code, folder in HOME_FOLDERS:
            if under(fs, "~/" + folder) or under(fs, "home/" + folder):
                errors.add(code)
        if under(fs, "xdg-run/dconf") or re.match(r"^/run/user/.*/dconf", fs):
            errors.add("direct-dconf-path")
        if under(fs, "/home") or under(fs, "/var/home"):
            errors.add("absolute-home-path")
        if re.match(r"^/run/media/\w", fs):
            errors.add("absolute-run-media-path")
        if under(fs, "/var/lib/flatpak"):
            errors.add("flatpak-system-folder-access")
        if under(fs, "/tmp"):
            errors.add("host-tmp-access")
        allowed_var = ("/var/cache", "/var/config", "/var/data", "/var/tmp", "/var/lib/flatpak",
                       "/var/home")
        if under(fs, "/var") and not fs.startswith(allowed_var):
            errors.add("host-var-access")

    def is_own(name):
        return app_id is not None and (name == app_id or name.startswith(app_id + "."))

    for name in fa["own-name"]:
        if is_own(name) or name.startswith("org.mpris.MediaPlayer2."):
            continue
        errors.add(f"own-name-wildcard-{name[:-2]}" if name.endswith(".*") else f"own-name-{name}")
    for name in fa["system-own-name"]:
        errors.add(f"system-own-name-wildcard-{name[:-2]}" if name.endswith(".*")
                   else f"system-own-name-{name}")
    if fa["none-name"]:
        errors.add("uses-no-talk-name")

    for bus, names in (("", fa["talk-name"]), ("system-", fa["system-talk-name"])):
        for name in names:
            if not bus and is_own(name):
                errors.add("unnecessary-appid-talk-name")
            if name in WILDCARD_TALK:
                errors.add(f"wildcard-{WILDCARD_TALK[name]}-{bus}talk-name")
            for code, forbidden in FORBIDDEN_TALK:
                if bus and code == "portal-talk-name":
                    continue  # the linter checks portals on the session bus only
                if name == forbidden or name.startswith(forbidden + "."):
                    errors.add(code.replace("talk-name", f"{bus}talk-name"))
            if name.startswith("org.freedesktop.impl.portal."):
                errors.add(f"portal-impl-{name.split('.')[-1].lower()}-{bus}talk-name")
            if app_id and name == f"org.mpris.MediaPlayer2.{app_id}":
                errors.add(f"mpris-flatpak-id-{bus}talk-name")
            if bus:
                if name == "org.freedesktop.Flatpak" or name.startswith("org.freedesktop.Flatpak."):
                    errors.add("flatpak-system-talk-name")
            else:
                if name in ("org.freedesktop.Flatpak", "org.freedesktop.Flatpak.*"):
                    errors.add("flatpak-spawn-access")
                elif name.startswith("org.freedesktop.Flatpak."):
                    errors.add("flatpak-talk-name")
                if name == "org.gtk.vfs":
                    errors.add("incorrect-dbus-gvfs")
                if name == "org.freedesktop.Secrets":
                    errors.add("incorrect-secret-service-talk-name")
    return errors


def policy(finish_args, exact):
    """Parapix's own rules on top of the linter's."""
    problems = []
    args = finish_args or []
    if len(set(args)) != len(args):
        problems.append("policy: an argument is listed twice")
    fs = [a for a in args if a.startswith("--filesystem=")]
    if fs:
        problems.append(f"policy: no filesystem permission (the portals give folders): {fs}")
    if exact is not None:
        extra = sorted(set(args) - set(exact))
        missing = sorted(set(exact) - set(args))
        if extra:
            problems.append(f"policy: not allowed: {extra}")
        if missing:
            problems.append(f"policy: missing: {missing}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("manifest")
    ap.add_argument("--exact", help="comma-separated list the finish-args must equal (as a set)")
    args = ap.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    finish_args = manifest.get("finish-args")
    problems = [f"finish-args-{code}" for code in sorted(lint(manifest.get("id"), finish_args))]
    problems += policy(finish_args, args.exact.split(",") if args.exact else None)
    for p in problems:
        print(f"{args.manifest}: {p}")
    if not problems:
        print(f"{args.manifest}: OK finish-args {finish_args}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
