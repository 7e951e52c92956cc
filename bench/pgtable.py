#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: the page-table walker on real dumps.  For each dump: a full
walk of the kernel's page tables (mappings per second, cold and warm
table cache), and N random kernel-address translations by mmscope and,
on the same addresses, by libkdumpfile's libaddrxlat (lookups per second),
plus the wall time of a whole `mmscope ptdump` run.  Prints figures,
asserts nothing.  Needs the generated fixtures (fixtures/generate).

usage: pgtable.py MMSCOPE VTOP_ADDRXLAT [N]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PICK = [("6.1", "1node"), ("6.1", "2node"), ("6.12", "la57"),
        ("6.12", "kdump")]
FILES = ["vmcore.elf", "vmcore.proc.elf", "vmcore.kdump-zlib",
         "vmcore.lzo-d1.kdump"]


def main():
    mmscope, vx = sys.argv[1], sys.argv[2]
    n = sys.argv[3] if len(sys.argv) > 3 else "1000000"
    cache = subprocess.run([os.path.join(ROOT, "fixtures", "generate"),
                            "--print-cache"], capture_output=True, text=True,
                           check=True).stdout.strip()
    dumps = os.path.join(cache, "dumps")
    with tempfile.TemporaryDirectory() as tmp:
        profiles = {}
        for series, config in PICK:
            dirs = [x for x in sorted(os.listdir(dumps))
                    if x.startswith(series + ".") and x.endswith("-" + config)]
            if not dirs:
                continue
            d = os.path.join(dumps, dirs[0])
            with open(os.path.join(d, "summary.json")) as f:
                summary = json.load(f)
            v = summary["vmlinux"]
            if v not in profiles:
                profiles[v] = os.path.join(tmp, "%d.profile" % len(profiles))
                subprocess.run([mmscope, "profile", "extract", "--vmlinux", v,
                                "-o", profiles[v]], check=True)
            for fn in FILES:
                path = os.path.join(d, fn)
                if not os.path.exists(path):
                    continue
                p = subprocess.run([vx, "--bench", "--no-auto", "--profile",
                                    profiles[v], path, n, "42"],
                                   capture_output=True, text=True)
                print((p.stdout + p.stderr).strip(), flush=True)
                t0 = time.monotonic()
                subprocess.run([mmscope, "ptdump", "--no-auto", "--profile",
                                profiles[v], path], capture_output=True)
                print("%s: mmscope ptdump (whole run, new process): %.0f ms"
                      % (path, (time.monotonic() - t0) * 1e3), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
