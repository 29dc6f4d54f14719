#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-checks what the validators look at one file at a time: the desktop file, the metainfo,
the manifest and meson agree on the app id, the binary and the version; the release of this
version is listed with a date; the screenshots the metainfo names exist in data/screenshots/ as
real PNGs; a GSettings schema, when there is one, uses the app id. TAP output.

Usage: check-metadata.py --source-root DIR --app-id ID --binary NAME --version X.Y.Z
"""
import argparse
import configparser
import datetime
import glob
import json
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--version", required=True)
    a = ap.parse_args()
    data = os.path.join(a.source_root, "data")
    desktop_path = os.path.join(data, f"{a.app_id}.desktop")
    metainfo_path = os.path.join(data, f"{a.app_id}.metainfo.xml")
    manifest_path = os.path.join(a.source_root, "flatpak", f"{a.app_id}.json")

    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(desktop_path, encoding="utf-8")
    entry = desktop["Desktop Entry"]
    meta = ET.parse(metainfo_path).getroot()
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    results = []  # (name, problems, skip reason)

    p = []
    if meta.findtext("id") != a.app_id:
        p.append(f"metainfo id is {meta.findtext('id')!r}")
    if entry.get("Icon") != a.app_id:
        p.append(f"desktop Icon is {entry.get('Icon')!r}, the icon is installed as {a.app_id}")
    launchable = meta.findtext("launchable[@type='desktop-id']")
    if launchable != f"{a.app_id}.desktop":
        p.append(f"launchable is {launchable!r}")
    if manifest.get("id") != a.app_id:
        p.append(f"manifest id is {manifest.get('id')!r}")
    results.append(("one app id everywhere", p, None))

    p = []
    exec_binary = entry.get("Exec", "").split()[0] if entry.get("Exec") else None
    provided = [b.text for b in meta.findall("provides/binary")]
    if exec_binary != a.binary:
        p.append(f"desktop Exec runs {exec_binary!r}, meson installs {a.binary!r}")
    if provided != [a.binary]:
        p.append(f"metainfo provides {provided}, meson installs {a.binary!r}")
    if manifest.get("command") != a.binary:
        p.append(f"manifest command is {manifest.get('command')!r}")
    if "%U" not in entry.get("Exec", "") and "%F" not in entry.get("Exec", ""):
        p.append("Exec takes no files (%U), so 'Open With' cannot pass a folder")
    results.append(("one binary everywhere", p, None))

    p = []
    releases = meta.findall("releases/release")
    versions = [r.get("version") for r in releases]
    if a.version not in versions:
        p.append(f"no <release version=\"{a.version}\"> for meson's project version")
    for r in releases:
        try:
            datetime.date.fromisoformat(r.get("date", ""))
        except ValueError:
            p.append(f"release {r.get('version')} has no ISO date")
    if versions and versions[0] != max(versions, key=lambda v: [int(x) for x in v.split(".")]):
        p.append("the newest release must come first")
    results.append((f"release {a.version} listed with a date", p, None))

    shots_dir = os.path.join(data, "screenshots")
    urls = [i.text.strip() for i in meta.findall("screenshots/screenshot/image")]
    p, skip = [], None
    if not urls:
        p.append("the metainfo has no screenshots")
    elif not os.path.isdir(shots_dir):
        skip = "data/screenshots/ does not exist yet (the window issue provides the PNGs)"
    for url in urls:
        if not url.startswith("https://"):
            p.append(f"{url} is not an https URL")
        name = url.rsplit("/", 1)[-1]
        if skip:
            continue
        path = os.path.join(shots_dir, name)
        size = png_size(path) if os.path.isfile(path) else None
        if size is None:
            p.append(f"{name}: not a PNG file in data/screenshots/")
        elif size[0] < 620 or size[1] < 400:
            p.append(f"{name}: {size[0]}x{size[1]} is too small for GNOME Software")
    results.append(("screenshots exist as PNGs", p, skip))

    schemas = glob.glob(os.path.join(data, "*.gschema.xml"))
    p, skip = [], None
    if not schemas:
        skip = "no GSettings schema in data/ yet"
    for path in schemas:
        for schema in ET.parse(path).getroot().findall("schema"):
            sid, spath = schema.get("id", ""), schema.get("path")
            if not (sid == a.app_id or sid.startswith(a.app_id + ".")):
                p.append(f"{os.path.basename(path)}: schema id {sid!r} is not under {a.app_id}")
            want = "/" + a.app_id.replace(".", "/") + "/"
            if spath is not None and not spath.startswith(want):
                p.append(f"schema path {spath!r} is not under {want}")
    results.append(("GSettings schema under the app id", p, skip))

    print(f"1..{len(results)}")
    failed = 0
    for n, (name, problems, skip) in enumerate(results, 1):
        if problems:
            print(f"not ok {n} - {name}")
            for q in problems:
                print(f"# {q}")
            failed += 1
        elif skip:
            print(f"ok {n} - {name} # SKIP {skip}")
        else:
            print(f"ok {n} - {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
