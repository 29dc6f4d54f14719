#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Pillow peer: a batch as a competent Python user writes it, one file per task in a
multiprocessing.Pool. Thumbnails use Image.draft (JPEG shrink-on-load) and Image.thumbnail;
adjustments use Image.point with a 256-entry lookup table per channel.

Usage: peer-pillow.py --task thumbnail|adjust [--draft box|fitted] --output DIR --processes N FILE...

--draft box (the common idiom) asks draft() for the thumbnail box, 800x800, which for a 4:3 photo
makes libjpeg decode at 1/2 scale; --draft fitted asks for the fitted size (800x600), which lets
it decode at 1/4: a Python user who knows draft() well, and the faster of the two.
"""

import argparse
import multiprocessing
import os

from PIL import Image

FIT = (800, 800)
THUMB_QUALITY = 85
ADJUST_QUALITY = 90
EXPOSURE_EV = 0.5
GAMMA = 1.2


def out_path(out_dir, path):
    return os.path.join(out_dir, os.path.splitext(os.path.basename(path))[0] + ".jpg")


def thumbnail(job):
    path, out_dir, draft = job
    with Image.open(path) as im:
        if draft == "fitted":
            scale = min(FIT[0] / im.width, FIT[1] / im.height)
            im.draft("RGB", (max(1, round(im.width * scale)), max(1, round(im.height * scale))))
        else:
            im.draft("RGB", FIT)
        im.thumbnail(FIT)
        im.convert("RGB").save(out_path(out_dir, path), "JPEG", quality=THUMB_QUALITY)


def make_lut():
    # out = clamp(((in / 255) * 2^EV)^(1 / gamma) * 255), the same formula as Parapix.
    gain = 2.0 ** EXPOSURE_EV
    one = [min(255, round(((i / 255.0) * gain) ** (1.0 / GAMMA) * 255.0)) for i in range(256)]
    return one * 3


LUT = make_lut()


def adjust(job):
    path, out_dir, _ = job
    with Image.open(path) as im:
        im.convert("RGB").point(LUT).save(out_path(out_dir, path), "JPEG", quality=ADJUST_QUALITY)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", choices=("thumbnail", "adjust"), required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--draft", choices=("box", "fitted"), default="box")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    work = thumbnail if args.task == "thumbnail" else adjust
    with multiprocessing.Pool(args.processes) as pool:
        # chunksize 1: files take unequal time; small chunks keep both workers busy to the end.
        jobs = [(f, args.output, args.draft) for f in args.files]
        for _ in pool.imap_unordered(work, jobs, chunksize=1):
            pass


if __name__ == "__main__":
    main()
