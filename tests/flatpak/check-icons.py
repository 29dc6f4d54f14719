#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the app icon and the symbolic icon: well-formed SVG on the GNOME grid (128 px, 16 px),
nothing a renderer may refuse (text, scripts, embedded or external images, dangling references),
and what librsvg actually draws (rsvg-convert): a square app icon that fills most of its canvas with
transparent corners and real colour, a symbolic icon drawn in one colour only. TAP output.

Usage: check-icons.py APP_ICON.svg SYMBOLIC_ICON.svg
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
FORBIDDEN = {"text", "image", "script", "foreignObject", "style"}
COLOUR_ATTRS = ("fill", "stroke", "stop-color", "color", "flood-color", "lighting-color")


def read_png(path):
    """Returns (width, height, rows of RGBA tuples) for an 8-bit RGB/RGBA non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype})")
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append([tuple(line[x * bpp:x * bpp + bpp]) + ((255,) if bpp == 3 else ())
                     for x in range(width)])
        prev = line
    return width, height, rows


def render(svg, size, tmp):
    out = os.path.join(tmp, f"{os.path.basename(svg)}-{size}.png")
    subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-o", out, svg], check=True,
                   capture_output=True)
    return read_png(out)


def structure(path, size):
    """Problems in the SVG document itself; also returns the colours it uses."""
    problems, colours = [], set()
    # GdkPixbuf picks its loader from GIO's content sniffing, whose SVG magic looks for "<svg" in
    # the first 256 bytes: a long comment before the root element makes the icon unloadable
    # (appstream-compose then fails with "image format was not recognized").
    with open(path, "rb") as f:
        if b"<svg" not in f.read(256):
            problems.append("the <svg> element must start within the first 256 bytes")
    tree = ET.parse(path)
    root = tree.getroot()
    if root.tag != SVG + "svg":
        return [f"root element is {root.tag}, not svg"], colours
    vb = root.get("viewBox", "").replace(",", " ").split()
    if vb != ["0", "0", str(size), str(size)]:
        problems.append(f"viewBox is {root.get('viewBox')!r}, expected '0 0 {size} {size}'")
    for attr in ("width", "height"):
        if root.get(attr) not in (str(size), f"{size}px"):
            problems.append(f"{attr} is {root.get(attr)!r}, expected {size}")
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for el in root.iter():
        name = el.tag.replace(SVG, "")
        if name in FORBIDDEN:
            problems.append(f"<{name}> is not allowed in an icon")
        href = el.get(XLINK_HREF) or el.get("href")
        if href is not None and (not href.startswith("#") or href[1:] not in ids):
            problems.append(f"<{name}> refers to {href!r}, not an element of this file")
        for value in el.attrib.values():
            for ref in re.findall(r"url\(#([^)]+)\)", value):
                if ref not in ids:
                    problems.append(f"<{name}> uses url(#{ref}), which does not exist")
        style = dict(kv.split(":", 1) for kv in el.get("style", "").split(";") if ":" in kv)
        for attr in COLOUR_ATTRS:
            value = el.get(attr) or style.get(attr, "").strip() or None
            if value:
                colours.add((name, value.lower()))
    return problems, colours


def hex_rgb(colour):
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(ch * 2 for ch in colour)
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def check_app_icon(path, tmp):
    problems, _ = structure(path, 128)
    for size in (128, 64, 32):
        w, h, rows = render(path, size, tmp)
        if (w, h) != (size, size):
            problems.append(f"rendered at {size} px it is {w}x{h}")
            continue
        if size != 128:
            continue
        if rows[0][0][3] != 0 or rows[-1][-1][3] != 0:
            problems.append("corners are not transparent: draw a shape, not a full square")
        opaque = [(x, y) for y, row in enumerate(rows) for x, px in enumerate(row) if px[3] > 200]
        if not opaque:
            problems.append("nothing opaque is drawn")
            continue
        xs, ys = [p[0] for p in opaque], [p[1] for p in opaque]
        bw, bh = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
        if bw < 0.7 * w or bh < 0.6 * h:
            problems.append(f"the drawing covers {bw}x{bh} of 128x128: too small on the grid")
        colours = {rows[y][x][:3] for x, y in opaque}
        if len(colours) < 8:
            problems.append(f"only {len(colours)} distinct colours: a full-colour icon is expected")
    return problems


def check_symbolic(path, tmp):
    problems, colours = structure(path, 16)
    paints = {value for _, value in colours if value not in ("none", "currentcolor")}
    if any(name in ("linearGradient", "radialGradient", "pattern", "filter", "mask")
           for name, _ in colours) or any(v.startswith("url(") for v in paints):
        problems.append("gradients, patterns, filters and masks do not recolour: use flat shapes")
    if len(paints) != 1:
        problems.append(f"a symbolic icon uses one colour; this one uses {sorted(paints)}")
        return problems
    (paint,) = paints
    if not re.fullmatch(r"#[0-9a-f]{3}([0-9a-f]{3})?", paint):
        problems.append(f"colour {paint!r} is not a #rgb or #rrggbb value")
        return problems
    want = hex_rgb(paint)
    for size in (16, 64):
        w, h, rows = render(path, size, tmp)
        inked = [px for row in rows for px in row if px[3] >= 64]
        if len(inked) < size * size // 10:
            problems.append(f"at {size} px almost nothing is drawn ({len(inked)} pixels)")
        # Cairo stores premultiplied colour: un-premultiplying half-transparent edge pixels can be
        # off by a few units, a second colour is off by far more.
        off = [px for px in inked if max(abs(px[i] - want[i]) for i in range(3)) > 8]
        if off:
            problems.append(f"at {size} px {len(off)} pixels are not {paint}, e.g. {off[0][:3]}")
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    app_icon, symbolic = sys.argv[1:]
    checks = [
        (f"app icon {os.path.basename(app_icon)}", check_app_icon, app_icon),
        (f"symbolic icon {os.path.basename(symbolic)}", check_symbolic, symbolic),
    ]
    print(f"1..{len(checks)}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, fn, path) in enumerate(checks, 1):
            try:
                problems = fn(path, tmp)
            except (ET.ParseError, ValueError, subprocess.CalledProcessError) as e:
                detail = getattr(e, "stderr", b"") or b""
                problems = [f"{e} {detail.decode(errors='replace').strip()}".strip()]
            print(f"{'not ok' if problems else 'ok'} {n} - {name}")
            for p in problems:
                print(f"# {p}")
            failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
