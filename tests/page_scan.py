#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks the whole-memory page scan against what each kernel said about
its own page frames (/proc/kpageflags, read while the guest ran).

usage: page_scan.py MMSCOPE [--committed | --cache]

Rules, for every dump file of every fixture:
  P1  `mmscope kpageflags` writes as many entries as the kernel's file.
  P2  for every KPF bit, the pfns on which the dump and the kernel's file
      disagree are at most drift + 64, where drift is how far the guest's
      free pages moved between reading /proc/kpageflags and the final
      /proc/buddyinfo: |pages the kernel marked buddy - the pages its
      buddyinfo holds| (both the kernel's own words, read ms apart).  The
      guest keeps running while kpageflags is read: the pages that changed
      are the pages that changed.
  P2k the kdump-path guest writes its capture to disk after reading it and
      before it panics; on 6.12 that write marks the pages it touches
      referenced, so KPF_REFERENCED is not compared there.
  P3  within the dump, the pages the scan marks buddy add up exactly to the
      free pages the dump's own free lists hold (buddyinfo by order).
  P4  a filtered dump of the same memory gives the same kpageflags, pfn by
      pfn, as the unfiltered one (its mem_map is all there).
  P5  page-types counts every pfn with a struct page exactly once.
  P6  memmap: the page frames it says hold mem_map are the right amount
      (sections x pages per section x sizeof(struct page), rounded to whole
      pages) and every one of them is a page the kernel itself marked
      reserved (memblock-allocated) in /proc/kpageflags.
  P7  a scan of a pfn range that starts inside a compound page or a free
      block (its head before the range, read on its own) gives each pfn
      the same bits as the whole scan: page-types --raw --pfn-range
      against the whole scan's kpageflags over the same pfns.
"""
import json
import os
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmstest import check, checks, failures, load_kpf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KPF_BUDDY, KPF_NOPAGE = 10, 20


def run(mmscope, args):
    p = subprocess.run([mmscope] + args, capture_output=True, text=True,
                       timeout=900)
    if p.returncode != 0:
        raise RuntimeError("mmscope %s: %s" % (" ".join(args), p.stderr.strip()))
    return p.stdout


def buddy_pages(text):
    return sum(sum(int(x) << o for o, x in enumerate(line.split()[4:]))
               for line in text.splitlines())


KPF_COMPOUND_TAIL = 16


def range_starts(mine):
    """Up to 4 pfns inside compound pages and 4 inside free blocks, each
    not the first page of its block."""
    tails, free = [], []
    for pfn in range(2, len(mine)):
        v, prev = mine[pfn], mine[pfn - 1]
        if len(tails) < 4 and v >> KPF_COMPOUND_TAIL & 1 and \
                prev >> KPF_COMPOUND_TAIL & 1 and pfn % 7 == 3:
            tails.append(pfn)
        if len(free) < 4 and v >> KPF_BUDDY & 1 and prev >> KPF_BUDDY & 1 \
                and pfn % 2 and (not free or pfn > free[-1] + 5000):
            free.append(pfn)
    return tails, free


def check_ranges(mmscope, name, path, mine, typeargs):
    tails, free = range_starts(mine)
    check(tails and free, "%s: P7 no compound tail or free block to start "
          "a range in" % name)
    for start in tails + free:
        end = min(start + 700, len(mine))
        pt = json.loads(run(mmscope, ["page-types", "--json", "--raw",
                                      "--pfn-range", "%d-%d" % (start, end)]
                            + typeargs + [path]))
        got = {int(e["flags"], 16): e["pages"] for e in pt["flags"]}
        want = {}
        for v in mine[start:end]:
            if not v >> KPF_NOPAGE & 1:
                want[v] = want.get(v, 0) + 1
        check(got == want, "%s: P7 pfns %d-%d: %s, whole scan %s"
              % (name, start, end,
                 sorted((hex(k), n) for k, n in got.items()),
                 sorted((hex(k), n) for k, n in want.items())))


def check_dir(mmscope, d, typeargs, tmp):
    summ = json.load(open(os.path.join(d, "summary.json")))
    truth = load_kpf(os.path.join(d, "truth", "kpageflags"))
    with open(os.path.join(d, "truth", "buddyinfo")) as f:
        truth_free = buddy_pages(f.read())
    truth_buddy = sum(1 for v in truth if v >> KPF_BUDDY & 1)
    drift = abs(truth_buddy - truth_free)
    tol = drift + 64
    print("%s: drift %d pages, tolerance %d" % (os.path.basename(d), drift, tol),
          flush=True)
    files = sorted(f for f in summ["dumps"] if ".flat" not in f)
    mm = json.loads(run(mmscope, ["memmap", "--json"] + typeargs +
                        [os.path.join(d, files[0])]))
    want = sum(s_["pages"] for s_ in mm["sections"]) * 64
    check(mm["mem_map_bytes"] == (want + 4095) // 4096 * 4096,
          "%s: P6 mem_map %d bytes, sections need %d" %
          (os.path.basename(d), mm["mem_map_bytes"], want))
    for fr in mm["frames"]:
        lo = int(fr["paddr"], 16) >> 12
        for pfn in range(lo, lo + fr["bytes"] // 4096):
            check(pfn < len(truth) and truth[pfn] >> 32 & 1,
                  "%s: P6 mem_map frame pfn %#x not reserved in kpageflags"
                  % (os.path.basename(d), pfn))
    ref = None
    for f in files:
        path = os.path.join(d, f)
        name = "%s/%s" % (os.path.basename(d), f)
        out = os.path.join(tmp, "kpf")
        run(mmscope, ["kpageflags"] + typeargs + ["-o", out, path])
        mine = load_kpf(out)
        check(len(mine) == len(truth), "%s: P1 %d entries, kernel %d"
              % (name, len(mine), len(truth)))
        n = min(len(mine), len(truth))
        per_bit = [0] * 64
        for i in range(n):
            x = mine[i] ^ truth[i]
            while x:
                low = x & -x
                per_bit[low.bit_length() - 1] += 1
                x ^= low
        for b in range(64):
            if b == 2 and summ.get("kdump"):
                continue   # P2k
            check(per_bit[b] <= tol, "%s: P2 KPF bit %d differs on %d pfns "
                  "(tol %d)" % (name, b, per_bit[b], tol))
        free = buddy_pages(run(mmscope, ["buddyinfo"] + typeargs + [path]))
        marked = sum(1 for v in mine if v >> KPF_BUDDY & 1)
        check(marked == free, "%s: P3 %d pages marked buddy, free lists hold %d"
              % (name, marked, free))
        if "filtered" in summ["dumps"][f] and summ["dumps"][f]["filtered"] != "none" \
                and ref is not None:
            same = sum(1 for i in range(n) if mine[i] == ref[i])
            check(same == n, "%s: P4 %d pfns differ from the unfiltered dump"
                  % (name, n - same))
        elif ref is None and summ["dumps"][f].get("filtered", "none") in ("none", "d1"):
            ref = mine
        if f == files[0]:
            check_ranges(mmscope, name, path, mine, typeargs)
        pt = json.loads(run(mmscope, ["page-types", "--json"] + typeargs + [path]))
        with_page = sum(1 for v in mine if not v >> KPF_NOPAGE & 1)
        check(pt["total"] == with_page and pt["excluded"] == 0,
              "%s: P5 page-types total %d, pfns with a struct page %d, "
              "excluded %d" % (name, pt["total"], with_page, pt["excluded"]))


def main():
    mmscope = os.path.abspath(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "--committed"
    if mode == "--committed":
        dirs = [(os.path.join(ROOT, "fixtures", "small"),
                 ["--no-auto", "--profile",
                  os.path.join(ROOT, "fixtures", "small", "kernel.profile")])]
    else:
        root = subprocess.run([os.path.join(ROOT, "fixtures", "generate"),
                               "--print-cache"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirs = []
        dumps = os.path.join(root, "dumps")
        for n in sorted(os.listdir(dumps)) if os.path.isdir(dumps) else []:
            s = os.path.join(dumps, n, "summary.json")
            if os.path.exists(s):
                rel = json.load(open(s))["release"]
                vm = os.path.join(root, "kernels", rel, "vmlinux")
                dirs.append((os.path.join(dumps, n), ["--vmlinux", vm]))
    with tempfile.TemporaryDirectory() as tmp:
        for d, typeargs in dirs:
            try:
                check_dir(mmscope, d, typeargs + ["--cache-dir", tmp], tmp)
            except Exception as e:
                failures.append("%s: %s" % (d, e))
                print("FAIL: %s: %s" % (d, e), flush=True)
    print("%d checks on %d fixture dirs, %d failed" % (checks(), len(dirs),
                                                      len(failures)))
    return 1 if failures or not dirs else 0


if __name__ == "__main__":
    sys.exit(main())
