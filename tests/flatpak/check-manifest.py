#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest offline: strict JSON, flatpak-builder's JSON schema (the subset in
flatpak-manifest.schema.json, validated by the small draft-07 validator below), the key order
Flathub documents, and the project's own rules (GNOME runtime, meson release build without tests,
the usual cleanup list).

Usage: check-manifest.py MANIFEST [--app-id ID] [--command NAME] [--schema FILE]
Prints one line per problem and exits 1 if there is any, 0 otherwise.
"""
import argparse
import json
import math
import os
import re
import sys

# The order of Flathub's manifest documentation; keys not listed here may not appear at top level.
KEY_ORDER = ["id", "runtime", "runtime-version", "sdk", "command", "finish-args", "cleanup", "modules"]
CLEANUP_REQUIRED = ["/include", "/lib/pkgconfig", "/share/man", "*.la", "*.a"]
CONFIG_OPTS_REQUIRED = ["--buildtype=release", "-Dtests=false"]
# Libraries org.gnome.Platform//51 already ships (freedesktop-sdk 26.08's platform.bst, which
# gnome-build-meta's sdk-platform.bst includes; docs/FLATPAK.md): a module of one of them would
# only shadow the runtime's copy.
RUNTIME_SHIPS = {"libjpeg-turbo", "jpeg", "libpng", "libwebp", "libtiff", "libheif", "libjxl",
                 "libavif", "lcms2", "lcms", "aom", "libaom", "dav1d", "highway", "brotli",
                 "json-glib", "glib", "gtk", "libadwaita", "gdk-pixbuf", "expat", "zlib"}


class StrictJSONError(ValueError):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise StrictJSONError(f"duplicate key \"{key}\"")
        seen[key] = value
    return seen


def _no_constants(name):
    raise StrictJSONError(f"{name} is not JSON")


def load_strict(text):
    """json.loads that also refuses what RFC 8259 refuses but Python accepts."""
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def ordered_keys(text):
    """Top-level keys in file order (load_strict returns a dict, which keeps the order too)."""
    return list(load_strict(text).keys())


# --- a small draft-07 validator: the keywords the schema file uses, no more ---------------------

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    and math.isfinite(v),
    "null": lambda v: v is None,
}
KNOWN_KEYWORDS = {
    "$schema", "$comment", "definitions", "description", "type", "properties", "required",
    "additionalProperties", "patternProperties", "items", "enum", "const", "pattern", "minItems",
    "oneOf", "allOf", "if", "then", "$ref",
}


class Validator:
    def __init__(self, schema):
        self.root = schema

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref are supported, not {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def errors(self, value, schema, path="$"):
        """Yields (path, message) for each way value breaks schema."""
        unknown = set(schema) - KNOWN_KEYWORDS
        if unknown:
            raise ValueError(f"schema keyword(s) not implemented: {sorted(unknown)}")
        if "$ref" in schema:
            yield from self.errors(value, self.resolve(schema["$ref"]), path)
        if "type" in schema and not TYPES[schema["type"]](value):
            yield path, f"must be of type {schema['type']}, got {type(value).__name__}"
            return
        if "const" in schema and value != schema["const"]:
            yield path, f"must be {schema['const']!r}"
        if "enum" in schema and value not in schema["enum"]:
            yield path, f"{value!r} is not one of {schema['enum']}"
        if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
            yield path, f"{value!r} does not match {schema['pattern']}"
        if isinstance(value, dict):
            for key in schema.get("required", []):
                if key not in value:
                    yield path, f"required key \"{key}\" is missing"
            props = schema.get("properties", {})
            patterns = schema.get("patternProperties", {})
            for key, item in value.items():
                sub = f"{path}.{key}"
                matched = False
                if key in props:
                    matched = True
                    yield from self.errors(item, props[key], sub)
                for pattern, pschema in patterns.items():
                    if re.search(pattern, key):
                        matched = True
                        yield from self.errors(item, pschema, sub)
                if not matched and schema.get("additionalProperties", True) is False:
                    yield path, f"unknown key \"{key}\""
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                yield path, f"needs at least {schema['minItems']} item(s)"
            if "items" in schema:
                for i, item in enumerate(value):
                    yield from self.errors(item, schema["items"], f"{path}[{i}]")
        if "allOf" in schema:
            for sub in schema["allOf"]:
                yield from self.errors(value, sub, path)
        if "oneOf" in schema:
            results = [list(self.errors(value, sub, path)) for sub in schema["oneOf"]]
            passing = sum(1 for r in results if not r)
            if passing != 1:
                if passing == 0:
                    # Report the branch whose type matched: its messages are the useful ones.
                    best = min(results, key=len)
                    yield from best
                else:
                    yield path, "matches more than one alternative of oneOf"
        if "if" in schema:
            if not list(self.errors(value, schema["if"], path)):
                if "then" in schema:
                    yield from self.errors(value, schema["then"], path)


# --- the checks --------------------------------------------------------------------------------

def check(text, schema, app_id=None, command=None):
    problems = []
    try:
        manifest = load_strict(text)
    except (ValueError, StrictJSONError) as e:
        return [f"not strict JSON: {e}"]

    for path, message in Validator(schema).errors(manifest, schema):
        problems.append(f"schema: {path}: {message}")
    if not isinstance(manifest, dict):
        return problems

    keys = list(manifest.keys())
    unknown = [k for k in keys if k not in KEY_ORDER]
    if unknown:
        problems.append(f"key order: {unknown} are not in the documented order list {KEY_ORDER}")
    known = [k for k in keys if k in KEY_ORDER]
    if known != sorted(known, key=KEY_ORDER.index):
        problems.append(f"key order: {known} should be {sorted(known, key=KEY_ORDER.index)}")
    for key in KEY_ORDER:
        if key not in manifest:
            problems.append(f"missing key \"{key}\"")

    if app_id is not None and manifest.get("id") != app_id:
        problems.append(f"id is {manifest.get('id')!r}, the project's app id is {app_id!r}")
    if command is not None and manifest.get("command") != command:
        problems.append(f"command is {manifest.get('command')!r}, meson installs {command!r}")

    runtime, sdk = manifest.get("runtime"), manifest.get("sdk")
    version = manifest.get("runtime-version")
    if runtime != "org.gnome.Platform" or sdk != "org.gnome.Sdk":
        problems.append(f"runtime/sdk are {runtime}/{sdk}, expected org.gnome.Platform/org.gnome.Sdk")
    if not (isinstance(version, str) and re.fullmatch(r"[4-9][0-9]", version)):
        problems.append(f"runtime-version {version!r} is not a stable GNOME release (e.g. \"48\")")

    cleanup = manifest.get("cleanup") or []
    for pattern in CLEANUP_REQUIRED:
        if pattern not in cleanup:
            problems.append(f"cleanup lacks {pattern!r}")

    modules = [m for m in manifest.get("modules") or [] if isinstance(m, dict)]
    if not modules:
        problems.append("no inline module builds the app")
    else:
        app_module = modules[-1]
        if app_module.get("buildsystem") != "meson":
            problems.append(f"the last module ({app_module.get('name')}) is not built with meson")
        opts = app_module.get("config-opts") or []
        for opt in CONFIG_OPTS_REQUIRED:
            if opt not in opts:
                problems.append(f"module {app_module.get('name')}: config-opts lacks {opt!r}")
    for m in modules[:-1]:
        problems += library_module_problems(m)
    for m in modules:
        args = (m.get("build-options") or {}).get("build-args") or []
        if any(a in ("--share=network",) for a in args):
            problems.append(f"module {m.get('name')}: network access during the build")
    return problems


def library_module_problems(m):
    """A library module is built from a pinned upstream release: every source an archive with its
    URL and sha256 (or a git commit), never a local folder, and not a library the runtime has."""
    name = m.get("name")
    problems = []
    if name in RUNTIME_SHIPS:
        problems.append(f"module {name}: the GNOME runtime ships {name}; use the runtime's")
    sources = m.get("sources") or []
    if not sources:
        problems.append(f"module {name}: no sources")
    for src in sources:
        if not isinstance(src, dict):
            problems.append(f"module {name}: source {src!r} is a file reference, not inline")
            continue
        kind = src.get("type")
        if kind == "archive" and not (src.get("url") and src.get("sha256")):
            problems.append(f"module {name}: an archive source needs both url and sha256")
        elif kind == "git" and not src.get("commit"):
            problems.append(f"module {name}: a git source needs a commit")
        elif kind not in ("archive", "git", "patch"):
            problems.append(f"module {name}: a {kind} source is not a pinned upstream release")
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("manifest")
    ap.add_argument("--app-id")
    ap.add_argument("--command")
    ap.add_argument("--schema", default=os.path.join(here, "flatpak-manifest.schema.json"))
    args = ap.parse_args()
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    with open(args.manifest, encoding="utf-8") as f:
        text = f.read()
    problems = check(text, schema, args.app_id, args.command)
    for p in problems:
        print(f"{args.manifest}: {p}")
    if not problems:
        print(f"{args.manifest}: OK (strict JSON, schema, key order, project rules)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
