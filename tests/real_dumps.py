#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks mmscope against real dumps of real kernels and what each kernel
reported about itself (/proc files captured just before the dump).

usage: real_dumps.py MMSCOPE [--committed | --cache]

Rules, stated once here and applied to every dump file of every fixture:
  R1  VMCOREINFO: OSRELEASE is the booted kernel's release (the guest's
      captured /proc/sys/kernel/osrelease); BUILD-ID equals the GNU
      build-id of the debug vmlinux (or of the profile made from it).
  R2  zoneinfo: start_pfn, spanned, present, managed, protection and the
      min/low/high watermarks equal the captured /proc/zoneinfo exactly.
  R3  single-vCPU guests are stopped within milliseconds of the capture
      (through QMP; the kdump-path guest panics from the capturing process
      itself, with nothing freed or forked in between):
      buddyinfo and pagetypeinfo text equal the captured files byte for
      byte, and each zone's free pages at the moment of the dump
      (NR_FREE_PAGES plus every CPU's unfolded vm_stat_diff) equal the
      captured buddyinfo weighted by order.
  R4  multi-vCPU guests keep changing between capture and dump: there the
      free-list walk must equal free_area[].nr_free order by order with no
      problem found (an independent count of the same dump), and free plus
      per-cpu pages must agree with the capture within the drift measured
      between two captures of the same guest (below).
  R5  counters (zoneinfo per-zone and per-node, vmstat): |dump - capture|
      <= tolerance, tolerance = 32 + 8 * drift, where drift is how far the
      guest moved while it was being captured: |numa_hit in /proc/vmstat -
      sum of numa_hit in /proc/zoneinfo| (read a few ms apart).
  R5k the kdump-path guest writes its capture to disk (O_DIRECT) after
      reading it and before it panics; that write moves exactly the I/O
      counters it causes, which are therefore not compared there:
      nr_foll_pin_acquired, nr_foll_pin_released (pages pinned for direct
      I/O) and pgpgout.
  R6  the type profile alone (no vmlinux) gives byte-identical output to
      DWARF, and VMCOREINFO alone gives identical buddyinfo.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
import truth as truthmod  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmstest import check, checks, elf_build_id, failures  # noqa: E402



def run(mmscope, args, ok=True):
    p = subprocess.run([mmscope] + args, capture_output=True, text=True,
                       timeout=600)
    if ok and p.returncode != 0:
        raise RuntimeError("mmscope %s failed (%d): %s" %
                           (" ".join(args), p.returncode, p.stderr.strip()))
    return p


def zone_key(z):
    return (z["node"], z["zone"])


def numa_drift(t):
    zsum = sum(z.get("stats", {}).get("numa_hit", 0) for z in t["zoneinfo"])
    v = t["vmstat"].get("numa_hit")
    return abs(v - zsum) if v is not None and zsum else 0


KDUMP_WRITE_COUNTERS = ("nr_foll_pin_acquired", "nr_foll_pin_released",
                        "pgpgout")


def check_dump(mmscope, dumpdir, dumpfile, t, typeargs, vcpus, tag,
               skip=()):
    path = os.path.join(dumpdir, dumpfile)
    name = "%s/%s" % (os.path.basename(dumpdir.rstrip("/")), dumpfile)
    info = json.loads(run(mmscope, ["info", "--json"] + typeargs + [path]).stdout)
    check(info["release"] == t["osrelease"],
          "%s: R1 OSRELEASE %s != booted %s" % (name, info["release"], t["osrelease"]))
    bid = tag.get("build_id")
    check(bid and info["build_id"] == bid,
          "%s: R1 BUILD-ID %s != vmlinux %s" % (name, info["build_id"], bid))

    # R2
    zi = {zone_key(z): z for z in json.loads(
        run(mmscope, ["zoneinfo", "--json"] + typeargs + [path]).stdout)}
    drift = numa_drift(t)
    tol = 32 + 8 * drift
    for tz in t["zoneinfo"]:
        z = zi.get(zone_key(tz))
        check(z is not None, "%s: R2 zone %s missing" % (name, zone_key(tz)))
        if z is None:
            continue
        for f in ("start_pfn", "spanned", "present", "managed", "min", "low",
                  "high", "protection"):
            if f in tz:
                check(z.get(f) == tz[f], "%s: R2 zone %s %s: dump %s, kernel %s"
                      % (name, zone_key(tz), f, z.get(f), tz[f]))
        # R5 per-zone counters
        for k, v in tz.get("stats", {}).items():
            got = z.get("counters", {}).get(k)
            check(got is not None and abs(got - v) <= tol,
                  "%s: R5 zone %s %s: dump %s, kernel %s (tol %d)"
                  % (name, zone_key(tz), k, got, v, tol))

    # R3 / R4
    buddy_text = run(mmscope, ["buddyinfo"] + typeargs + [path]).stdout
    bj = json.loads(run(mmscope, ["buddyinfo", "--json"] + typeargs + [path]).stdout)
    for b in bj:
        w = b["walk"]
        per_order = [sum(row) for row in w["blocks"]]
        check(per_order == b["nr_free"] and not w["partial"]
              and w["nr_problems"] == 0,
              "%s: R4 zone %s/%s free-list walk %s != nr_free %s (problems %d)"
              % (name, b["node"], b["zone"], per_order, b["nr_free"],
                 w["nr_problems"]))
    tb = {(b["node"], b["zone"]): b["free"] for b in t["buddyinfo"]}
    if vcpus == 1:
        with open(os.path.join(dumpdir, "truth", "buddyinfo")) as f:
            check(buddy_text == f.read(), "%s: R3 buddyinfo differs" % name)
        pt = run(mmscope, ["pagetypeinfo"] + typeargs + [path]).stdout
        with open(os.path.join(dumpdir, "truth", "pagetypeinfo")) as f:
            check(pt == f.read(), "%s: R3 pagetypeinfo differs" % name)
        for key, free in tb.items():
            z = zi.get(key)
            want = sum(n << o for o, n in enumerate(free))
            got = z and z.get("pages_free_snapshot")
            check(got == want, "%s: R3 zone %s free pages %s != buddyinfo "
                  "sum %d" % (name, key, got, want))
    else:
        for tz in t["zoneinfo"]:
            z = zi.get(zone_key(tz))
            if not z or "pagesets" not in tz:
                continue
            mine = z["pages_free"] + sum(p["count"] for p in z.get("pagesets", []))
            theirs = tz["pages_free"] + sum(p["count"] for p in tz["pagesets"])
            check(abs(mine - theirs) <= tol,
                  "%s: R4 zone %s free+pcp %d vs kernel %d (tol %d)"
                  % (name, zone_key(tz), mine, theirs, tol))

    # R5 vmstat
    vm = json.loads(run(mmscope, ["vmstat", "--json"] + typeargs + [path]).stdout)
    for k, v in t["vmstat"].items():
        if k in skip:
            continue
        got = vm.get(k)
        limit = tol if not k.startswith("nr_dirty") else tol + v // 5
        check(got is not None and abs(got - v) <= limit,
              "%s: R5 vmstat %s: dump %s, kernel %s (tol %d)"
              % (name, k, got, v, limit))
    return buddy_text


def check_fixture(mmscope, dumpdir, cache):
    with open(os.path.join(dumpdir, "summary.json")) as f:
        summary = json.load(f)
    t = truthmod.build(os.path.join(dumpdir, "truth"))
    vcpus = summary.get("vcpus", 1)
    # the debug vmlinux sits in the cache beside the dumps, whatever path
    # the summary recorded when the cache was made
    vmlinux = summary.get("vmlinux")
    if vmlinux and os.path.isabs(vmlinux):
        vmlinux = os.path.join(os.path.dirname(os.path.dirname(dumpdir.rstrip("/"))),
                               "kernels", summary["release"], "vmlinux")
    profile = os.path.join(dumpdir, "kernel.profile")
    outputs = {}
    if vmlinux and os.path.isabs(vmlinux):
        tag = {"build_id": elf_build_id(vmlinux)}
        typeargs = ["--vmlinux", vmlinux, "--cache-dir", cache]
        profile = os.path.join(cache, "test.profile")
        run(mmscope, ["profile", "extract", "--vmlinux", vmlinux, "-o", profile])
    else:
        # the committed fixture: no debuginfo, only its profile
        tag = {"build_id": summary["kernel"]["build_id"]}
        typeargs = ["--profile", profile, "--no-auto"]
    dumps = sorted(summary["dumps"])
    print("%s: %d dump files, rules %s" % (dumpdir, len(dumps),
          "R3" if vcpus == 1 else "R4"), flush=True)
    for d in dumps:
        outputs[d] = check_dump(mmscope, dumpdir, d, t, typeargs, vcpus, tag,
                                KDUMP_WRITE_COUNTERS if summary.get("kdump")
                                else ())
    # R6 on one file per fixture: profile alone == DWARF, VMCOREINFO alone
    d = os.path.join(dumpdir, dumps[0])
    # DWARF for certain: --no-auto and no cache dir, so no cached profile
    dwarf_args = (["--no-auto", "--vmlinux", vmlinux]
                  if vmlinux and os.path.isabs(vmlinux) else typeargs)
    for cmd in ("buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat"):
        a = run(mmscope, [cmd] + dwarf_args + [d]).stdout
        b = run(mmscope, [cmd, "--no-auto", "--profile", profile, d]).stdout
        check(a == b, "%s: R6 %s from the profile differs from DWARF" % (d, cmd))
    v = run(mmscope, ["buddyinfo", "--vmcoreinfo-only", d], ok=False)
    check(v.returncode == 0 and v.stdout == outputs[dumps[0]],
          "%s: R6 buddyinfo from VMCOREINFO alone differs: %s"
          % (d, v.stderr.strip()))


def cache_dirs():
    root = subprocess.run([os.path.join(ROOT, "fixtures", "generate"),
                           "--print-cache"], capture_output=True, text=True,
                          check=True).stdout.strip()
    dumps = os.path.join(root, "dumps")
    dirs = []
    for n in sorted(os.listdir(dumps)) if os.path.isdir(dumps) else []:
        if os.path.exists(os.path.join(dumps, n, "summary.json")):
            dirs.append(os.path.join(dumps, n))
    return dirs


def main():
    mmscope = os.path.abspath(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "--committed"
    if mode == "--committed":
        dirs = [os.path.join(ROOT, "fixtures", "small")]
    else:
        dirs = cache_dirs()
        if not dirs:
            print("no generated dumps: run fixtures/generate first")
            return 1
    with tempfile.TemporaryDirectory() as cache:
        for d in dirs:
            try:
                check_fixture(mmscope, d, cache)
            except Exception as e:  # a crash of the checker is a failure
                failures.append("%s: %s" % (d, e))
                print("FAIL: %s: %s" % (d, e), flush=True)
    print("%d checks on %d fixture dirs, %d failed" %
          (checks(), len(dirs), len(failures)))
    return 1 if failures or not checks() else 0


if __name__ == "__main__":
    sys.exit(main())
