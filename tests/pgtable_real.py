#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Page tables of real dumps against libkdumpfile and the kernel's own truth.

usage: pgtable_real.py MMSCOPE VTOP_ADDRXLAT [N]

For every fixture fixtures/generate made (none: a failure, not a skip):
  P1  vtop agrees with libaddrxlat's page-table walk (every level's entry,
      the physical address, "not mapped") for N (default 1,000,000) random
      kernel virtual addresses in the unfiltered dump, and N/5 in the
      makedumpfile -d 31 kdump file (a table the dump lacks is never sent to
      libkdumpfile: 0.5.1 crashes on such reads).
  P2  the direct-map accounting derived from the page tables equals the
      guest's /proc/meminfo DirectMap4k, DirectMap2M and DirectMap1G lines,
      in every dump file (and the kernel's own direct_pages_count[]).
  P3  the recorded user buffer (truth/userbuf.json): `vtop --pid` of each of
      its pages gives the pfn the kernel's /proc/PID/pagemap gave
      (truth/userbuf.pagemap), and the bytes read through the process's page
      tables are the recorded pattern, in every unfiltered and -d 1 dump
      file; in the -d 31 files (user pages excluded) the answer is a "page
      excluded" error (6.12's -d 31 files also lack task_structs, which
      makedumpfile 1.7.2 takes for free pages: there the root comes from
      the unfiltered file of the same memory).
  P4  `ps` lists that process with its mm and page-table root, and an
      anonymous RSS that holds the buffer.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmstest import check, checks, failures  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)



def run(args, ok=True):
    p = subprocess.run(args, capture_output=True, text=True, timeout=1200)
    if ok and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args),
                           p.returncode, p.stderr.strip()))
    return p


def cache_dirs():
    root = run([os.path.join(ROOT, "fixtures", "generate"),
                "--print-cache"]).stdout.strip()
    dumps = os.path.join(root, "dumps")
    out = []
    for n in sorted(os.listdir(dumps)) if os.path.isdir(dumps) else []:
        d = os.path.join(dumps, n)
        if os.path.exists(os.path.join(d, "summary.json")):
            out.append(d)
    return out


def meminfo_directmap(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("DirectMap"):
                out[line.split(":")[0][len("DirectMap"):]] = int(line.split()[1])
    return out


def check_fixture(mmscope, vtop_addrxlat, d, n, profiles, tmp):
    with open(os.path.join(d, "summary.json")) as f:
        summary = json.load(f)
    name = os.path.basename(d)
    vmlinux = summary["vmlinux"]
    if vmlinux not in profiles:
        prof = os.path.join(tmp, "p%d.profile" % len(profiles))
        run([mmscope, "profile", "extract", "--vmlinux", vmlinux, "-o", prof])
        profiles[vmlinux] = prof
    typeargs = ["--profile", profiles[vmlinux], "--no-auto"]
    dumps = summary["dumps"]
    unfiltered = sorted(f for f, i in dumps.items()
                        if i["filtered"] == "none" and i["format"] != "flattened")
    if not unfiltered and "vmcore.proc.elf" in dumps:
        unfiltered = ["vmcore.proc.elf"]
    # -d 1 leaves out zero pages only: user pages are there
    with_user = unfiltered + sorted(f for f, i in dumps.items()
                                    if i["filtered"] == "d1")
    d31 = sorted(f for f, i in dumps.items() if i["filtered"] == "d31")
    levels = 5 if summary.get("la57") else 4

    # P1
    for f, count in ([(unfiltered[0], n)] if unfiltered else []) + \
            [(x, max(n // 5, 1000)) for x in d31 if x.endswith(".kdump")]:
        p = run([vtop_addrxlat] + typeargs + [os.path.join(d, f), str(count),
                                              "12345"], ok=False)
        out = p.stdout.strip().splitlines()
        print("  " + (out[-1] if out else p.stderr.strip()), flush=True)
        check(p.returncode == 0 and "%d-level" % levels in p.stdout,
              "%s/%s: P1 vtop vs libaddrxlat: %s" %
              (name, f, "\n".join(out[-5:]) or p.stderr.strip()))

    # P2
    truth = meminfo_directmap(os.path.join(d, "truth", "meminfo"))
    for f in sorted(dumps):
        if dumps[f]["format"] == "flattened":
            continue
        j = json.loads(run([mmscope, "ptdump", "--json"] + typeargs +
                           [os.path.join(d, f)]).stdout)
        got = j.get("directmap_kb")
        check(got == truth, "%s/%s: P2 DirectMap %s, /proc/meminfo %s "
              "(derivation %s)" % (name, f, got, truth, j.get("directmap")))
        kc = j.get("directmap", {}).get("kernel_counters")
        if kc:
            mine = {"4k": kc["4k"] * 4, "2M": kc["2M"] * 2048,
                    "1G": kc["1G"] * 1048576}
            check(mine == truth, "%s/%s: P2 direct_pages_count[] in the dump "
                  "%s != /proc/meminfo %s" % (name, f, mine, truth))
        check(not j["stats"]["missing_tables"],
              "%s/%s: P2 kernel page-table pages missing from the dump"
              % (name, f))
    print("  DirectMap %s: equal in %d files" % (truth, len(dumps)), flush=True)

    # P3
    with open(os.path.join(d, "truth", "userbuf.json")) as f:
        ub = json.load(f)
    with open(os.path.join(d, "truth", "userbuf.pagemap"), "rb") as f:
        pm = f.read()
    pagemap = struct.unpack("<%dQ" % (len(pm) // 8), pm)
    pid, vaddr, length = ub["pid"], ub["vaddr"], ub["length"]
    seed = ub["pattern"]["seed"]
    want = b"".join(struct.pack("<Q", (seed + i) & (2**64 - 1))
                    for i in range(length // 8))
    for f in with_user:
        path = os.path.join(d, f)
        # one call for the whole buffer: the pages and the bytes
        p = run([mmscope, "vtop", "--json", "--pid", str(pid), "--read",
                 str(length)] + typeargs + [path, "%x" % vaddr], ok=False)
        check(p.returncode == 0, "%s/%s: P3 vtop --read: %s" %
              (name, f, p.stderr.strip()))
        if p.returncode:
            continue
        j = json.loads(p.stdout)
        got = bytes.fromhex(j.get("bytes", ""))
        check(got == want, "%s/%s: P3 the %d bytes at 0x%x differ from the "
              "pattern (first difference at %s)" % (name, f, length, vaddr,
              next((i for i in range(min(len(got), len(want)))
                    if got[i] != want[i]), "the end")))
        bad = 0
        for i in range(0, length // 4096, 17 if f != unfiltered[0] else 1):
            e = pagemap[i]
            if not e >> 63:
                continue
            q = json.loads(run([mmscope, "vtop", "--json", "--pid", str(pid)]
                               + typeargs + [path, "%x" % (vaddr + i * 4096)]
                               ).stdout)
            bad += q["pfn"] != e & ((1 << 55) - 1)
        check(bad == 0, "%s/%s: P3 %d pages' pfn differ from "
              "/proc/PID/pagemap" % (name, f, bad))
    root = None
    for f in d31:
        p = run([mmscope, "vtop", "--pid", str(pid)] + typeargs +
                [os.path.join(d, f), "%x" % vaddr], ok=False)
        err = p.stderr.strip()
        if "task list" in err and unfiltered:
            # makedumpfile 1.7.2 misreads 6.12's page types and leaves
            # slab pages (task_structs) out of -d 31 files: the process
            # cannot be found there, its page-table root can (the same
            # memory, from the unfiltered file)
            print("  %s: %s: using the page-table root from %s" %
                  (f, err, unfiltered[0]), flush=True)
            if root is None:
                ps = json.loads(run([mmscope, "ps", "--json"] + typeargs +
                                    [os.path.join(d, unfiltered[0])]).stdout)
                root = [x for x in ps if x["pid"] == pid][0]["pgd_phys"]
            p = run([mmscope, "vtop", "--pgd", root] + typeargs +
                    [os.path.join(d, f), "%x" % vaddr], ok=False)
            err = p.stderr.strip()
        check(p.returncode == 1 and "page excluded from the dump" in err
              and len(err.splitlines()) == 1,
              "%s/%s: P3 filtered dump: want a 'page excluded' error, got "
              "rc %d %r" % (name, f, p.returncode, err))
    print("  user buffer of pid %d at 0x%x: pattern and pfns in %d files, "
          "'page excluded' in %d" % (pid, vaddr, len(with_user), len(d31)),
          flush=True)

    # P4
    ps = json.loads(run([mmscope, "ps", "--json"] + typeargs +
                        [os.path.join(d, (unfiltered or d31)[0])]).stdout)
    t = [x for x in ps if x["pid"] == pid]
    check(len(t) == 1 and t[0]["comm"] == "mmhelper" and t[0]["mm"] and
          t[0]["rss_exact"]["anon"] * 4096 >= length,
          "%s: P4 ps: pid %d: %s" % (name, pid, t))
    check(ps and ps[0]["pid"] == 0 and ps[0]["mm"] is None,
          "%s: P4 ps starts at init_task" % name)


def main():
    mmscope = os.path.abspath(sys.argv[1])
    vtop_addrxlat = os.path.abspath(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
    dirs = cache_dirs()
    if not dirs:
        print("FAIL: no generated dumps: run fixtures/generate first")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        profiles = {}
        for d in dirs:
            print(d, flush=True)
            try:
                check_fixture(mmscope, vtop_addrxlat, d, n, profiles, tmp)
            except Exception as e:  # a crash of the checker is a failure
                failures.append("%s: %s" % (d, e))
                print("FAIL: %s: %s" % (d, e), flush=True)
    print("%d checks on %d fixture dirs, %d failed" %
          (checks(), len(dirs), len(failures)))
    return 1 if failures or not checks() else 0


if __name__ == "__main__":
    sys.exit(main())
