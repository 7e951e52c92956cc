#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: wall time and peak RSS of `mmscope buddyinfo` cold (DWARF read
on first use of a kernel) and warm (the profile cached by build-id), side by
side with crash (`kmem -f`, `kmem -z`) and drgn (open, load debug info, read
every zone's free_area) on the same real dumps.  Prints figures, asserts
nothing.  Needs the generated fixtures (fixtures/generate).

usage: buddyinfo.py MMSCOPE [REPEAT]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DRGN = r'''
import sys, drgn
prog = drgn.program_from_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
try:
    nodes = [prog["node_data"][n] for n in range(int(prog["nr_online_nodes"]))]
except KeyError:
    nodes = [prog["contig_page_data"].address_of_()]
for pgdat in nodes:
    for z in range(int(pgdat.nr_zones)):
        zone = pgdat.node_zones[z]
        if zone.present_pages:
            print("Node %d, zone %8s " % (int(pgdat.node_id),
                  zone.name.string_().decode()) +
                  "".join("%6d " % int(zone.free_area[o].nr_free)
                          for o in range(len(zone.free_area))))
'''


def measure(cmd, stdin=None):
    """(seconds, peak RSS KiB, ok, stdout) of one run; RSS from GNU time,
    wall time measured here (GNU time rounds to 10 ms)."""
    with tempfile.NamedTemporaryFile("r") as tf:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%M"] + cmd,
                           input=stdin, capture_output=True, text=True,
                           timeout=600)
        secs = time.perf_counter() - t0
        last = tf.read().strip().splitlines()[-1].split()
    return secs, int(last[0]), p.returncode == 0, p.stdout


def row(name, runs, ok):
    secs = [r[0] for r in runs]
    rss = max(r[1] for r in runs)
    print("  %-34s %8.3f s (min %.3f) %8.1f MB %s" % (
        name, statistics.median(secs), min(secs), rss / 1024.0,
        "" if ok else "FAILED"), flush=True)


def main():
    mmscope = os.path.abspath(sys.argv[1])
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    cache = subprocess.run([os.path.join(ROOT, "fixtures", "generate"),
                            "--print-cache"], capture_output=True, text=True,
                           check=True).stdout.strip()
    dumps = os.path.join(cache, "dumps")
    cases = []
    for d in sorted(os.listdir(dumps)) if os.path.isdir(dumps) else []:
        if d.endswith("-1node"):
            rel = d[:-len("-1node")]
            vmlinux = os.path.join(cache, "kernels", rel, "vmlinux")
            for f in ("vmcore.elf", "vmcore.zlib-d31.kdump"):
                path = os.path.join(dumps, d, f)
                if os.path.exists(path) and os.path.exists(vmlinux):
                    cases.append((rel, path, vmlinux))
    if not cases:
        print("no generated dumps: run fixtures/generate first")
        return 1
    print("median wall time of %d runs and peak RSS; targets: warm < 50 ms, "
          "cold < 1 s (6.12), warm RSS < 100 MB" % repeat)
    for rel, path, vmlinux in cases:
        print("%s  %s (%.0f MB)" % (rel, os.path.basename(path),
                                    os.path.getsize(path) / 2**20))
        runs, ok = [], True
        for _ in range(repeat):
            tmp = tempfile.mkdtemp()
            r = measure([mmscope, "buddyinfo", "--vmlinux", vmlinux,
                         "--cache-dir", tmp, path])
            shutil.rmtree(tmp)
            runs.append(r)
            ok &= r[2]
        row("mmscope buddyinfo, cold (DWARF)", runs, ok)
        tmp = tempfile.mkdtemp()
        measure([mmscope, "info", "--vmlinux", vmlinux, "--cache-dir", tmp,
                 path])
        runs = [measure([mmscope, "buddyinfo", "--cache-dir", tmp, path])
                for _ in range(repeat)]
        shutil.rmtree(tmp)
        row("mmscope buddyinfo, warm (profile)", runs,
            all(r[2] for r in runs))
        for cmd in ("kmem -f", "kmem -z"):
            runs = [measure(["crash", "-s", vmlinux, path],
                            stdin=cmd + "\nquit\n") for _ in range(repeat)]
            ok = all(r[2] and "ZONE" in r[3] for r in runs)
            row("crash %s" % cmd, runs, ok)
        runs = [measure(["/usr/bin/python3", "-c", DRGN, path, vmlinux])
                for _ in range(repeat)]
        row("drgn (open + debug info + nr_free)", runs,
            all(r[2] and "Node" in r[3] for r in runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
