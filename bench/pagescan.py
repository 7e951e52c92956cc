#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: the whole-memory page scan (mmscope page-types) in pages per
second, on one and two threads, on the ELF fixture and each compressed one,
side by side in the same run with (a) a plain pread() copy of as many bytes
as the mem_map holds (the copy limit), (b) drgn iterating the same pages,
(c) crash `kmem -i` where it runs.  Prints figures, asserts nothing.

Two figures for mmscope: the tool's (`page-types`: a fresh process, its
first scan, counting the flags) and the library's own scan repeated in one
process (bench/scan_loop: what an embedding debugger gets from the second
scan on).

usage: pagescan.py MMSCOPE [REPEAT [KDUMP_READ_LOOP [SCAN_LOOP]]]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DRGN = r'''
import sys, time, drgn
from drgn.helpers.linux.mm import for_each_page
prog = drgn.program_from_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
t0 = time.perf_counter(); n = 0; buddy = 0
for page in for_each_page(prog):
    try:
        flags = page.flags.value_()
    except drgn.FaultError:
        continue
    n += 1
print(n, time.perf_counter() - t0)
'''


def timed(cmd, stdin=None):
    with tempfile.NamedTemporaryFile("r") as tf:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%M"] + cmd,
                           input=stdin, capture_output=True, text=True,
                           timeout=1800)
        secs = time.perf_counter() - t0
        rss = int(tf.read().split()[-1])
    return secs, rss, p


def pread_copy(path, nbytes):
    """Seconds to pread() nbytes of the file in 1 MiB chunks (page cache)."""
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    t0 = time.perf_counter()
    off = done = 0
    while done < nbytes:
        b = os.pread(fd, 1 << 20, off)
        if not b:
            off = 0
            continue
        done += len(b)
        off += len(b)
        if off >= size:
            off = 0
    secs = time.perf_counter() - t0
    os.close(fd)
    return secs


def main():
    mmscope = os.path.abspath(sys.argv[1])
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    loop = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    scan_loop = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else None
    cache = subprocess.run([os.path.join(ROOT, "fixtures", "generate"),
                            "--print-cache"], capture_output=True, text=True,
                           check=True).stdout.strip()
    print("pages/s = struct pages decoded / scan time (median of %d); "
          "targets: ELF >= 50 M/s one core, near-linear on two; compressed "
          ">= 2x a single-threaded libkdumpfile read loop" % repeat)
    for rel in sorted(os.listdir(os.path.join(cache, "kernels"))):
        d = os.path.join(cache, "dumps", rel + "-1node")
        vmlinux = os.path.join(cache, "kernels", rel, "vmlinux")
        if not os.path.isdir(d) or "686" in rel:
            continue
        print("%s (1 GiB guest)" % rel, flush=True)
        for f in ("vmcore.elf", "vmcore.lzo-d1.kdump", "vmcore.zlib-d31.kdump",
                  "vmcore.kdump-zlib"):
            path = os.path.join(d, f)
            if not os.path.exists(path):
                continue
            base = ["--cache-dir", os.path.join(cache, "bench-profiles")]
            # the first run reads DWARF and caches the profile
            subprocess.run([mmscope, "info", "--vmlinux", vmlinux] + base +
                           [path], capture_output=True)
            for th in (1, 2):
                rates, rss, pages = [], 0, 0
                for _ in range(repeat):
                    secs, r, p = timed([mmscope, "page-types", "--json",
                                        "--threads", str(th)] + base + [path])
                    j = json.loads(p.stdout)
                    pages = j["pages_scanned"]
                    rates.append(pages / (j["scan_microseconds"] / 1e6))
                    rss = max(rss, r)
                print("  %-24s mmscope %d thread%s %8.1f M pages/s  %7d pages "
                      "%6.1f MB RSS" % (f, th, "s" if th > 1 else " ",
                                        statistics.median(rates) / 1e6, pages,
                                        rss / 1024), flush=True)
                if scan_loop:
                    p = subprocess.run([scan_loop, path, str(th),
                                        str(20 * repeat),
                                        os.path.join(cache, "bench-profiles")],
                                       capture_output=True, text=True)
                    try:
                        n, best, med = p.stdout.split()
                        print("  %-24s library %d thread%s %8.1f M pages/s  "
                              "(median of %d scans in one process; best "
                              "%.1f)" % (f, th, "s" if th > 1 else " ",
                                         int(n) / float(med) / 1e6,
                                         20 * repeat,
                                         int(n) / float(best) / 1e6),
                              flush=True)
                    except ValueError:
                        print("  scan_loop failed: %s" % p.stderr.strip())
            if loop and f != "vmcore.elf":
                mm = json.loads(subprocess.run(
                    [mmscope, "memmap", "--json"] + base + [path],
                    capture_output=True, text=True).stdout)
                ext = "".join("%s %d\n" % (x["paddr"], x["bytes"])
                              for x in mm["frames"])
                # as it comes (cache of 1024 pages), and with the small
                # cache mmscope's scan threads use
                for cache_arg, what in (([], "default cache"),
                                        (["16"], "cache.size 16")):
                    rates = []
                    for _ in range(repeat):
                        p = subprocess.run([loop, path] + cache_arg, input=ext,
                                           capture_output=True, text=True)
                        try:
                            n, t = p.stdout.split()
                        except ValueError:
                            print("  read loop failed: %s" % p.stderr.strip())
                            break
                        # each 4 KiB page of mem_map holds 64 struct pages
                        rates.append(int(n) * 64 / float(t))
                    if rates:
                        print("  %-24s libkdumpfile read loop %8.1f M pages/s "
                              "(1 thread, %s)" % (f, statistics.median(rates)
                                                  / 1e6, what), flush=True)
            if f == "vmcore.elf":
                secs = min(pread_copy(path, pages * 64) for _ in range(repeat))
                print("  %-24s pread copy of %d MB   %8.1f M pages/s (copy "
                      "limit)" % (f, pages * 64 >> 20, pages / secs / 1e6))
        path = os.path.join(d, "vmcore.zlib-d31.kdump")
        secs, rss, p = timed(["/usr/bin/python3", "-c", DRGN, path, vmlinux])
        try:
            n, t = p.stdout.split()
            print("  %-24s drgn for_each_page    %8.3f M pages/s  %7s pages "
                  "%6.1f MB RSS" % ("vmcore.zlib-d31.kdump",
                                    int(n) / float(t) / 1e6, n, rss / 1024))
        except ValueError:
            print("  drgn: failed: %s" % p.stderr.strip().splitlines()[-1:])
        secs, rss, p = timed(["crash", "-s", vmlinux, path],
                             stdin="kmem -i\nquit\n")
        ok = "TOTAL MEM" in p.stdout
        print("  %-24s crash kmem -i         %8.2f s wall (incl. start) %6.1f "
              "MB RSS %s" % ("vmcore.zlib-d31.kdump", secs, rss / 1024,
                             "" if ok else "FAILED"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
