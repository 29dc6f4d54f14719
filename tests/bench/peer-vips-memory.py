#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvips side of the in-memory benchmark: one 6000x4000 RGB8 buffer (the size bench-core
uses), a memcpy of it, the exposure +0.5 EV / gamma 1.2 point chain and a gaussian blur of sigma 2,
each computed into a fresh memory buffer. Calls libvips' C API through ctypes (the runtime library
that libvips-tools installs; no -dev package), so the timed work is libvips' own C code.

Usage: peer-vips-memory.py [--threads N] [--reps R] [--size WxH]
Prints one line per operation: "name median_ms min_ms max_ms".
"""

import argparse
import ctypes
import ctypes.util
import statistics
import sys
import time

import numpy as np


def load_vips():
    name = ctypes.util.find_library("vips") or "libvips.so.42"
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        sys.exit(f"peer-vips-memory: libvips not found ({e}); apt-get install libvips-tools")
    vp = ctypes.c_void_p
    lib.vips_init.argtypes = [ctypes.c_char_p]
    lib.vips_image_new_from_memory.restype = vp
    lib.vips_image_new_from_memory.argtypes = [vp, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                                               ctypes.c_int, ctypes.c_int]
    lib.vips_image_write_to_memory.restype = vp
    lib.vips_image_write_to_memory.argtypes = [vp, ctypes.POINTER(ctypes.c_size_t)]
    lib.vips_error_buffer.restype = ctypes.c_char_p
    lib.g_object_unref.argtypes = [vp]
    lib.g_free.argtypes = [vp]
    lib.vips_concurrency_set.argtypes = [ctypes.c_int]
    lib.vips_cache_set_max.argtypes = [ctypes.c_int]
    if lib.vips_init(b"parapix-bench") != 0:
        sys.exit("peer-vips-memory: vips_init failed")
    # Every repetition must really compute: no operation cache.
    lib.vips_cache_set_max(0)
    return lib


def check(lib, ret):
    if ret != 0:
        sys.exit("peer-vips-memory: " + lib.vips_error_buffer().decode(errors="replace"))


def run_chain(lib, src, ev, gamma):
    """((in/255)*2^ev)^(1/gamma)*255, rounded and clamped to uchar, as three libvips operations
    (linear, pow, linear with uchar output) that libvips runs as one pipelined pass."""
    t3 = run_chain_image(lib, ctypes.c_void_p(src), ev, gamma)
    out = materialise(lib, t3)
    lib.g_object_unref(t3)
    return out


def run_chain_image(lib, src, ev, gamma):
    vp = ctypes.c_void_p
    t1, t2, t3 = vp(), vp(), vp()
    a = (ctypes.c_double * 1)((2.0 ** ev) / 255.0)
    b = (ctypes.c_double * 1)(0.0)
    check(lib, lib.vips_linear(src, ctypes.byref(t1), a, b, ctypes.c_int(1), None))
    e = (ctypes.c_double * 1)(1.0 / gamma)
    check(lib, lib.vips_math2_const(t1, ctypes.byref(t2), ctypes.c_int(2),  # VIPS_OPERATION_MATH2_POW
                                    e, ctypes.c_int(1), None))
    a255 = (ctypes.c_double * 1)(255.0)
    check(lib, lib.vips_linear(t2, ctypes.byref(t3), a255, b, ctypes.c_int(1),
                               b"uchar", ctypes.c_int(1), None))
    lib.g_object_unref(t1)
    lib.g_object_unref(t2)
    return t3


def make_lut(lib, ev, gamma):
    """The same chain computed once on a 256x1 identity image: a competent libvips user's LUT."""
    vp = ctypes.c_void_p
    ident = vp()
    check(lib, lib.vips_identity(ctypes.byref(ident), None))
    lut = run_chain_image(lib, ident, ev, gamma)
    lib.g_object_unref(ident)
    return lut


def run_lut(lib, src, lut):
    vp = ctypes.c_void_p
    t = vp()
    check(lib, lib.vips_maplut(vp(src), ctypes.byref(t), lut, None))
    out = materialise(lib, t)
    lib.g_object_unref(t)
    return out


def run_blur(lib, src, sigma):
    vp = ctypes.c_void_p
    t = vp()
    check(lib, lib.vips_gaussblur(vp(src), ctypes.byref(t), ctypes.c_double(sigma), None))
    out = materialise(lib, t)
    lib.g_object_unref(t)
    return out


def materialise(lib, image):
    size = ctypes.c_size_t()
    mem = lib.vips_image_write_to_memory(image, ctypes.byref(size))
    if not mem:
        sys.exit("peer-vips-memory: " + lib.vips_error_buffer().decode(errors="replace"))
    lib.g_free(mem)
    return size.value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--size", default="6000x4000")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))

    lib = load_vips()
    lib.vips_concurrency_set(args.threads)
    rng = np.random.default_rng(12345)
    # A smooth gradient with noise, like bench-core's synthetic photo; speed does not depend on content.
    yy, xx = np.mgrid[0:h, 0:w]
    pixels = np.empty((h, w, 3), np.uint8)
    pixels[..., 0] = (xx * 255 // w + rng.integers(0, 16, (h, w))) & 0xff
    pixels[..., 1] = (yy * 255 // h + rng.integers(0, 16, (h, w))) & 0xff
    pixels[..., 2] = ((xx + yy) * 255 // (w + h)) & 0xff
    del xx, yy
    copy = np.empty_like(pixels)
    src = lib.vips_image_new_from_memory(pixels.ctypes.data, pixels.nbytes, w, h, 3, 0)
    if not src:
        sys.exit("peer-vips-memory: " + lib.vips_error_buffer().decode(errors="replace"))

    lut = make_lut(lib, 0.5, 1.2)
    ops = {
        "memcpy": lambda: ctypes.memmove(copy.ctypes.data, pixels.ctypes.data, pixels.nbytes),
        "vips-point-chain": lambda: run_chain(lib, src, 0.5, 1.2),
        "vips-point-lut": lambda: run_lut(lib, src, lut),
        "vips-gaussblur-2": lambda: run_blur(lib, src, 2.0),
    }
    samples = {name: [] for name in ops}
    for name, op in ops.items():  # warm-up: page in buffers, start the thread pool
        op()
    for _ in range(args.reps):  # interleaved so a noisy neighbour hits every operation alike
        for name, op in ops.items():
            t0 = time.perf_counter()
            op()
            samples[name].append((time.perf_counter() - t0) * 1000.0)
    print(f"# libvips in memory, {w}x{h} RGB8, concurrency {args.threads}, {args.reps} runs")
    for name, s in samples.items():
        print(f"{name} {statistics.median(s):.1f} {min(s):.1f} {max(s):.1f}")
    lib.g_object_unref(lut)
    lib.g_object_unref(src)


if __name__ == "__main__":
    main()
