#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks mmscope on a live /proc/kcore: what the host-built mmscope said
inside the test guests of the `kcore` configuration of fixtures/generate
(`--mmscope build/tools/mmscope`), against what the running kernel said
about itself around each of mmscope's runs.

usage: kcore.py            (every kcore dir of the fixture cache)

In the guest (1 vCPU, 1 GiB; guest/init.sh), after the memory state is
built, `mmhelper run` starts each of
    mmscope info --json | buddyinfo | zoneinfo --json | vmstat --json |
            page-types --json | kpageflags -o F
(all with --profile P --no-auto /proc/kcore; P extracted on the host from
the debug vmlinux) and reads the kernel's own file(s) the run is compared
with into buffers dirtied beforehand, just before it spawns mmscope
("before") and just after the child is reaped ("after"); then the usual truth is captured.
Records: truth/kcore.NAME (stdout), .stderr, .rc, .usage (the child's peak
RSS ...), .before.FILE, .after.FILE; kpageflags' file is kcore.kpageflags.out.

Nothing else runs in the guest: between "before" and "after" the kernel's
state moves by what the mmscope process itself does (its pages, page
tables, per-cpu list refills) and little else. R below is that run's peak
RSS in pages (ru_maxrss / 4 KiB).

Rules, for each kcore dir:
  K1  every mmscope run exited 0 (stderr shown otherwise).
  K2  info: release is the guest's /proc/sys/kernel/osrelease, build_id the
      GNU build-id of the kernel's debug vmlinux (kernels/REL/vmlinux).
  K3  zoneinfo: start_pfn, spanned, present and managed of every zone of
      the kernel's /proc/zoneinfo equal mmscope's exactly (an empty zone
      has no start_pfn there).
  K4  buddyinfo: per zone and order, mmscope's count lies between the
      kernel's counts before and after (the measured drift), widened by
      one block: mmscope's own allocations may split or merge a block of
      an order and undo it before "after" (measured: 5 of 620 runs on
      both kernels were outside, each by one block at one order).
  K5  page-types: total equals the number of pfns with a struct page
      (KPF_NOPAGE clear) in the kernel's /proc/kpageflags (the captured
      truth), and no pfn is excluded.
  K6  kpageflags: as many entries as the kernel's file; for every KPF bit,
      the pfns on which mmscope agrees with neither the kernel's file read
      before nor the one read after (changed during the run and back: the
      mmscope process's own pages) number at most R + 256 (its page
      tables, kernel stack and pages mapped for a while) for the bits a
      process's own pages carry (PROCESS_BITS), at most 64 for the others
      (measured over 22 dirs: MMAP up to R + 30, every other bit 0).
      BUDDY counts with the process's bits: the run's own allocations take
      pages out of free blocks and give them back while it scans (seen
      in CI: 888 pfns for a run of R = 2064 pages).
      Their disagreement with "after" alone is then at most that plus the
      measured drift (pfns differing between before and after), reported.
  K7  vmstat: every counter of the kernel's /proc/vmstat is in mmscope's,
      within [min(before, after) - R, max(before, after) + R] (the process's
      own mapped, anonymous and page-table pages; event counters lie
      between; measured: nr_mapped 432 outside, R about 700).
A kcore dir made by another mmscope build than build/tools/mmscope is
still checked, with a note: fixtures/generate --mmscope ... redoes it.
No kcore dir at all is a failure.
"""
import importlib.machinery
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
import truth as truthmod  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmstest import check, checks, elf_build_id, failures, load_kpf  # noqa: E402

RUNS = ["info", "buddyinfo", "zoneinfo", "vmstat", "page-types", "kpageflags"]
KPF = {n: i for i, n in enumerate(truthmod.KPF_NAMES)}
KPF.update({"RESERVED": 32, "MLOCKED": 33, "MAPPEDTODISK": 34, "PRIVATE": 35,
            "PRIVATE_2": 36, "OWNER_PRIVATE": 37, "ARCH": 38, "UNCACHED": 39,
            "SOFTDIRTY": 40, "ARCH_2": 41})
KPF_NAME = {v: k for k, v in KPF.items()}
# What the pages of a process (anonymous, file mapped, THP, its page
# tables) carry; 6.12 reports KSM on anonymous pages, MAPPEDTODISK is
# PG_anon_exclusive on them.
PROCESS_BITS = {KPF[n] for n in (
    "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE", "MMAP", "ANON",
    "SWAPBACKED", "COMPOUND_HEAD", "COMPOUND_TAIL", "THP", "KSM", "PGTABLE",
    "MAPPEDTODISK", "PRIVATE", "OWNER_PRIVATE", "IDLE", "BUDDY")}
PROCESS_SLACK = 256
OTHER_SLACK = 64
BUDDY_SLACK = 1



def generator():
    """fixtures/generate as a module (default_cache, mmscope_files)."""
    path = os.path.join(ROOT, "fixtures", "generate")
    loader = importlib.machinery.SourceFileLoader("mms_generate", path)
    spec = importlib.util.spec_from_loader("mms_generate", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def bit_counts(words):
    """pfns per bit set in an iterable of u64 words."""
    counts = [0] * 64
    for x in words:
        while x:
            low = x & -x
            counts[low.bit_length() - 1] += 1
            x ^= low
    return counts


class Dir:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.tdir = os.path.join(path, "truth")

    def raw(self, name):
        with open(os.path.join(self.tdir, name), "rb") as f:
            return f.read()

    def text(self, name):
        return self.raw(name).decode("latin-1")

    def usage(self, run):
        out = {}
        for line in self.text("kcore.%s.usage" % run).splitlines():
            k, v = line.split()
            out[k] = int(v)
        return out

    def rss_pages(self, run):
        return self.usage(run)["maxrss_kb"] // 4


def buddy_map(text):
    return {(b["node"], b["zone"]): b["free"] for b in truthmod.parse_buddyinfo(text)}


def check_dir(d, vmlinux, current_sha):
    with open(os.path.join(d.path, "summary.json")) as f:
        summary = json.load(f)
    made_by = (summary.get("kcore") or {}).get("mmscope_sha256")
    if current_sha and made_by != current_sha:
        print("NOTE: %s was made by another mmscope build (%s, build/ has %s): "
              "fixtures/generate --mmscope build/tools/mmscope redoes it"
              % (d.name, (made_by or "?")[:16], current_sha[:16]), flush=True)
    t = truthmod.build(d.tdir)

    # K1
    for r in RUNS:
        rc = int(d.text("kcore.%s.rc" % r).strip())
        err = d.text("kcore.%s.stderr" % r).strip().splitlines()
        u = d.usage(r)
        print("%s: %-10s rc %d, %.1f ms, peak RSS %d kB%s" % (
            d.name, r, rc, u["run_us"] / 1000, u["maxrss_kb"],
            ", %d stderr lines" % len(err) if err else ""), flush=True)
        check(rc == 0, "%s: K1 mmscope %s on /proc/kcore exited %d: %s" % (
            d.name, r, rc, " | ".join(err[:4]) + (" | ... (%d lines)" % len(err)
                                                  if len(err) > 4 else "")))

    # K2
    info = json.loads(d.text("kcore.info"))
    check(info.get("release") == t["osrelease"], "%s: K2 release %s != guest's %s"
          % (d.name, info.get("release"), t["osrelease"]))
    bid = elf_build_id(vmlinux)
    check(bid and info.get("build_id") == bid, "%s: K2 build-id %s != vmlinux's %s"
          % (d.name, info.get("build_id"), bid))

    # K3
    zi = {(z["node"], z["zone"]): z for z in json.loads(d.text("kcore.zoneinfo"))}
    for tz in t["zoneinfo"]:
        key = (tz["node"], tz["zone"])
        z = zi.get(key)
        if not check(z is not None, "%s: K3 zone %s missing" % (d.name, key)):
            continue
        # an empty zone's section stops before start_pfn
        fields = ("spanned", "present", "managed") + (("start_pfn",) if tz.get("present")
                                                      else ())
        for f in fields:
            check(f in tz and z.get(f) == tz[f], "%s: K3 zone %s %s: mmscope %s, kernel %s"
                  % (d.name, key, f, z.get(f), tz.get(f)))

    # K4
    mine = buddy_map(d.text("kcore.buddyinfo"))
    before = buddy_map(d.text("kcore.buddyinfo.before.buddyinfo"))
    after = buddy_map(d.text("kcore.buddyinfo.after.buddyinfo"))
    check(set(mine) == set(before), "%s: K4 zones %s, kernel %s"
          % (d.name, sorted(mine), sorted(before)))
    for key in sorted(before):
        m, b, a = mine.get(key), before[key], after.get(key, before[key])
        if m is None:
            continue
        drift = [abs(x - y) for x, y in zip(b, a)]
        outside = [max(0, min(x, y) - v, v - max(x, y)) for v, x, y in zip(m, b, a)]
        print("%s: K4 zone %s: mmscope %s\n%s         before %s\n%s         after  %s"
              % (d.name, key, m, " " * len(d.name), b, " " * len(d.name), a), flush=True)
        check(len(m) == len(b), "%s: K4 zone %s: %d orders, kernel %d"
              % (d.name, key, len(m), len(b)))
        for o, out in enumerate(outside):
            check(out <= BUDDY_SLACK, "%s: K4 zone %s order %d: mmscope %d, kernel %d "
                  "before and %d after (drift %d, %d outside, tolerance %d)"
                  % (d.name, key, o, m[o], b[o], a[o], drift[o], out, BUDDY_SLACK))

    # K5
    truth_kpf = load_kpf(os.path.join(d.tdir, "kpageflags"))
    with_page = sum(1 for v in truth_kpf if not v >> KPF["NOPAGE"] & 1)
    pt = json.loads(d.text("kcore.page-types"))
    check(pt.get("total") == with_page and pt.get("excluded") == 0,
          "%s: K5 page-types total %s, pfns with a struct page %d, excluded %s"
          % (d.name, pt.get("total"), with_page, pt.get("excluded")))

    # K6
    mm = load_kpf(os.path.join(d.tdir, "kcore.kpageflags.out"))
    kb = load_kpf(os.path.join(d.tdir, "kcore.kpageflags.before.kpageflags"))
    ka = load_kpf(os.path.join(d.tdir, "kcore.kpageflags.after.kpageflags"))
    check(len(mm) == len(truth_kpf) == len(kb) == len(ka),
          "%s: K6 %d entries, kernel %d (before %d, after %d)"
          % (d.name, len(mm), len(truth_kpf), len(kb), len(ka)))
    n = min(len(mm), len(kb), len(ka))
    r_pages = d.rss_pages("kpageflags")
    unexplained = bit_counts((mm[i] ^ kb[i]) & (mm[i] ^ ka[i]) for i in range(n))
    drift = bit_counts(kb[i] ^ ka[i] for i in range(n))
    vs_after = bit_counts(mm[i] ^ ka[i] for i in range(n))
    print("%s: K6 peak RSS %d pages; per bit: drift (before^after) / mmscope^after / "
          "unexplained / tolerance" % (d.name, r_pages), flush=True)
    for b in range(64):
        tol = r_pages + PROCESS_SLACK if b in PROCESS_BITS else OTHER_SLACK
        name = KPF_NAME.get(b, "bit%d" % b)
        if drift[b] or vs_after[b] or unexplained[b]:
            print("    %-14s %6d %6d %6d %6d" % (name, drift[b], vs_after[b],
                                               unexplained[b], tol), flush=True)
        check(unexplained[b] <= tol, "%s: K6 KPF %s: %d pfns agree with neither the "
              "kernel's before nor after (tolerance %d; %d differ from after, drift %d)"
              % (d.name, name, unexplained[b], tol, vs_after[b], drift[b]))

    # K7
    vm = json.loads(d.text("kcore.vmstat"))
    vb = truthmod.parse_vmstat(d.text("kcore.vmstat.before.vmstat"))
    va = truthmod.parse_vmstat(d.text("kcore.vmstat.after.vmstat"))
    r_pages = d.rss_pages("vmstat")
    worst = (0, "")
    for k, x in vb.items():
        y = va.get(k, x)
        v = vm.get(k)
        if not check(v is not None, "%s: K7 vmstat %s missing" % (d.name, k)):
            continue
        out = max(0, min(x, y) - v, v - max(x, y))
        worst = max(worst, (out, k))
        check(out <= r_pages, "%s: K7 vmstat %s: mmscope %d, kernel %d before and %d "
              "after (%d outside, tolerance %d)" % (d.name, k, v, x, y, out, r_pages))
    print("%s: K7 %d counters, farthest outside [before, after]: %s by %d (tolerance %d)"
          % (d.name, len(vb), worst[1], worst[0], r_pages), flush=True)


def main():
    gen = generator()
    cache = gen.default_cache()
    dumps = os.path.join(cache, "dumps")
    dirs = []
    for n in sorted(os.listdir(dumps)) if os.path.isdir(dumps) else []:
        s = os.path.join(dumps, n, "summary.json")
        summary = gen.read_json(s)
        if summary and summary.get("config") == "kcore":
            dirs.append((Dir(os.path.join(dumps, n)), summary["release"]))
    if not dirs:
        print("FAIL: no kcore dir in %s: run fixtures/generate --mmscope "
              "build/tools/mmscope" % dumps)
        return 1
    current = None
    exe = os.path.join(ROOT, "build", "tools", "mmscope")
    if os.path.exists(exe):
        try:
            current = gen.mmscope_files(exe)["sha256"]
        except gen.GenError as e:
            print("note: cannot tell which mmscope build is current: %s" % e)
    for d, release in dirs:
        try:
            check_dir(d, os.path.join(cache, "kernels", release, "vmlinux"), current)
        except Exception as e:  # a crash of the checker is a failure
            failures.append("%s: %s: %s" % (d.name, type(e).__name__, e))
            print("FAIL: %s: %s: %s" % (d.name, type(e).__name__, e), flush=True)
    print("%d checks on %d kcore dirs, %d failed" % (checks(), len(dirs), len(failures)))
    return 1 if failures or not checks() else 0


if __name__ == "__main__":
    sys.exit(main())
