#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks mmscope against synthetic dumps with known answers
(tests/synth: FLATMEM 2.6 with PG_buddy, node_mem_map, SPARSEMEM_EXTREME
without vmemmap, 4.18 page_type, 6.12 top-byte page types with vmemmap,
and corrupt free lists), in every format the generator writes.

usage: synth_answers.py MMSCOPE OUTDIR

Rules:
  S1  info: release, build-id, KASLR offset, phys_base, direct-map base and
      memory model equal the answers.
  S2  clean layouts: buddyinfo text equals the answers byte for byte, exit
      0; the free-list walk finds no problem and its per-migratetype block
      counts equal the answers; zoneinfo's sizes, free pages, watermarks,
      protection and per-cpu lists equal the answers; every /proc/vmstat
      counter the answers give equals mmscope's.
  S3  corrupt layouts: exit 1, nr_free still printed, and the walk reports
      the planted fault at the planted struct page (and next pointer);
      a loop is reported as the bad back-link where it is planted.
  S4  VMCOREINFO alone gives the same buddyinfo as DWARF.
  S5  every sample page of the answers decodes (`mmscope page`) to its
      known flags, buddy mark and order; the page scan's buddy-marked pages
      add up to the free lists' pages.
  S6  page tables (init_top_pgt maps RAM, the image and the vmemmap with
      2 MiB pages): vtop of a direct-map address of each RAM range gives
      its physical address through a PMD leaf; addr of a sampled struct
      page names the vmemmap and its pfn (vmemmap layouts); ptdump walks
      the whole space with no table missing, and its W+X pages are
      exactly the kernel image's (the generator maps it RW and
      executable).
"""
import json
import os
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmstest import check, checks, failures  # noqa: E402

DUMPS = ["vmcore.elf", "vmcore.zlib.kdump", "vmcore.lzo.kdump",
         "vmcore.snappy.kdump", "vmcore.zstd.kdump", "vmcore.filtered.kdump"]
MODELS = {"flatmem": "FLATMEM", "discontigmem": "DISCONTIGMEM (node_mem_map)",
          "sparsemem": "SPARSEMEM", "sparsemem_extreme": "SPARSEMEM_EXTREME",
          "sparsemem_vmemmap": "SPARSEMEM_VMEMMAP"}
# a planted fault and the problem kinds that name it
KINDS = {"loop": ("bad_link", "loop"), "wild_pointer": ("wild_pointer",),
         "wrong_order": ("wrong_order",), "not_buddy": ("not_buddy",),
         "count_mismatch": ("count_mismatch",)}



def run(mmscope, args):
    return subprocess.run([mmscope] + args, capture_output=True, text=True,
                          timeout=300)


def jrun(mmscope, args, what):
    p = run(mmscope, args)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        check(False, "%s: no JSON (rc %d): %s" % (what, p.returncode,
                                                 p.stderr.strip()))
        return p, None


def u64(s):
    return int(s, 16) & 0xffffffffffffffff


def check_layout(mmscope, ldir, cache):
    a = json.load(open(os.path.join(ldir, "answers.json")))
    lay = a["layout"]
    targs = ["--no-auto", "--vmlinux", os.path.join(ldir, "vmlinux"),
             "--cache-dir", cache]
    corrupt = a["corruption"]
    for dump in DUMPS:
        path = os.path.join(ldir, dump)
        name = "%s/%s" % (lay, dump)
        _, info = jrun(mmscope, ["info", "--json"] + targs + [path], name)
        if info is None:
            continue
        check(info["release"] == a["osrelease"], "%s: S1 release" % name)
        # kernels before 5.9 write no BUILD-ID into VMCOREINFO
        with open(os.path.join(ldir, "vmcoreinfo.txt")) as f:
            has_id = "BUILD-ID=" in f.read()
        want_id = a.get("build_id") if has_id else None
        check(info["build_id"] == want_id, "%s: S1 build-id %s != %s"
              % (name, info["build_id"], want_id))
        check(info["memory_model"] == MODELS[a["model"]],
              "%s: S1 model %s != %s" % (name, info["memory_model"], a["model"]))
        check(u64(info["kernel_offset"]) == u64(a["kernel_offset"]),
              "%s: S1 kernel_offset" % name)
        check(u64(info["phys_base"]) == u64(a["phys_base"]),
              "%s: S1 phys_base %s != %s" % (name, info["phys_base"],
                                             a["phys_base"]))
        check(u64(info["page_offset_base"]) == u64(a["page_offset_base"]),
              "%s: S1 page_offset_base" % name)

        # S6
        pob = u64(a["page_offset_base"])
        for r in a["ram"]:
            pa = (r["start_pfn"] + 1) * 4096 + 0x10
            _, v = jrun(mmscope, ["vtop", "--json"] + targs +
                        [path, "%x" % (pob + pa)], name)
            check(v and v["mapped"] and u64(v["paddr"]) == pa and
                  v["page_size"] == 2 << 20 and len(v["steps"]) == 3,
                  "%s: S6 vtop of the direct map at pfn %d: %s"
                  % (name, r["start_pfn"] + 1, v))
        if a["model"] == "sparsemem_vmemmap":
            for pg in a["pages"][:3]:
                _, ad = jrun(mmscope, ["addr", "--json"] + targs +
                             [path, pg["addr"][2:]], name)
                check(ad and ad["region"] == "vmemmap" and ad["mapped"] and
                      ad["struct_page_pfn"] == pg["pfn"] and
                      ad["struct_page_offset"] == 0,
                      "%s: S6 addr of the struct page of pfn %d: %s"
                      % (name, pg["pfn"], ad))
        _, pt = jrun(mmscope, ["ptdump", "--json"] + targs + [path], name)
        image = [r for r in pt["regions"]
                 if r["region"] == "kernel image"] if pt else []
        image_bytes = sum(m["size"] for r in image for m in r["mappings"]
                          if m["kind"] == "present")
        check(pt and not pt["partial"] and image_bytes and
              pt["stats"]["wx_pages"] * 4096 == image_bytes and
              pt["stats"]["page_sizes"]["2M"]["entries"] > 0,
              "%s: S6 ptdump: image %d bytes, %s" % (name, image_bytes,
                                                     pt and pt["stats"]))

        p = run(mmscope, ["buddyinfo"] + targs + [path])
        check(p.stdout == a["buddyinfo"], "%s: S2/S3 buddyinfo text differs:\n%s"
              % (name, p.stdout))
        check(p.returncode == (1 if corrupt else 0),
              "%s: exit %d (%s)" % (name, p.returncode, p.stderr.strip()))
        _, bj = jrun(mmscope, ["buddyinfo", "--json"] + targs + [path], name)
        if bj is None:
            continue
        zones = {(z["nid"], z["name"]): z for z in a["zones"]}
        problems = []
        for b in bj:
            problems += [dict(pr, node=b["node"], zone=b["zone"])
                         for pr in b["walk"]["problems"]]
            z = zones.get((b["node"], b["zone"]))
            if not corrupt and z:
                check(b["walk"]["blocks"] == z["blocks"],
                      "%s: S2 zone %s blocks per migratetype differ"
                      % (name, b["zone"]))
        if corrupt:
            want = KINDS[corrupt["kind"]]
            hit = [pr for pr in problems
                   if pr["kind"] == want[0] and pr["zone"] == corrupt["zone_name"]
                   and pr["order"] == corrupt["order"]
                   and u64(pr["addr"]) == u64(corrupt["addr"])
                   and (not corrupt.get("target")
                        or u64(pr["target"]) == u64(corrupt["target"]))]
            check(hit, "%s: S3 planted %s at %s not reported; got %s"
                  % (name, corrupt["kind"], corrupt["addr"], problems))
            if corrupt["kind"] == "loop":
                check(any(pr["kind"] == "loop" for pr in problems),
                      "%s: S3 loop not reported as a loop" % name)
            continue
        check(not problems, "%s: S2 problems on a clean layout: %s"
              % (name, problems))

        _, zi = jrun(mmscope, ["zoneinfo", "--json"] + targs + [path], name)
        for zj in zi or []:
            z = zones.get((zj["node"], zj["zone"]))
            check(z is not None, "%s: S2 zone %s unknown" % (name, zj["zone"]))
            if not z:
                continue
            for f, g in (("start_pfn", "start_pfn"), ("spanned", "spanned"),
                         ("present", "present"), ("managed", "managed"),
                         ("pages_free", "free"), ("min", "min"), ("low", "low"),
                         ("high", "high"), ("protection", "protection")):
                if g in z and (z.get("populated") or f not in ("pages_free",)):
                    check(zj.get(f) == z[g], "%s: S2 zone %s %s: %s != %s"
                          % (name, z["name"], f, zj.get(f), z[g]))
            if z.get("populated") and "pcp" in z:
                got = [(q["cpu"], q["count"], q["high"], q["batch"])
                       for q in zj.get("pagesets", [])]
                want = [(q["cpu"], q["count"], q["high"], q["batch"])
                        for q in z["pcp"]]
                check(got == want, "%s: S2 zone %s pagesets %s != %s"
                      % (name, z["name"], got, want))

        _, vm = jrun(mmscope, ["vmstat", "--json"] + targs + [path], name)
        for k, v in a["vmstat"].items():
            check(vm is not None and vm.get(k) == v,
                  "%s: S2 vmstat %s: %s != %s" % (name, k,
                                                  vm and vm.get(k), v))
    if not corrupt:
        path = os.path.join(ldir, DUMPS[0])
        for pg in a.get("pages", []):
            _, got = jrun(mmscope, ["page", "--json"] + targs +
                          [path, str(pg["pfn"])], "%s pfn %d" % (lay, pg["pfn"]))
            if got is None:
                continue
            check(u64(got["flags"]) == u64(pg["flags"]),
                  "%s: S5 pfn %d flags %s != %s" % (lay, pg["pfn"],
                                                   got["flags"], pg["flags"]))
            check(got["buddy"] == pg["buddy"] and
                  (not pg["buddy"] or got.get("order") == pg["order"]),
                  "%s: S5 pfn %d buddy %s/%s != %s/%s (%s)" % (
                      lay, pg["pfn"], got["buddy"], got.get("order"),
                      pg["buddy"], pg["order"], pg.get("kind")))
        with tempfile.NamedTemporaryFile() as kf:
            p = run(mmscope, ["kpageflags"] + targs + ["-o", kf.name, path])
            data = open(kf.name, "rb").read()
            marked = sum(1 for i in range(0, len(data), 8)
                         if data[i + 1] & 4)   # KPF_BUDDY is bit 10
            free = sum(sum(int(x) << o for o, x in enumerate(l.split()[4:]))
                       for l in a["buddyinfo"].splitlines())
            check(p.returncode == 0 and marked == free,
                  "%s: S5 %d pages marked buddy, free lists hold %d (%s)"
                  % (lay, marked, free, p.stderr.strip()))
        p = run(mmscope, ["buddyinfo", "--vmcoreinfo-only", path])
        check(p.stdout == a["buddyinfo"], "%s: S4 VMCOREINFO-only buddyinfo "
              "differs (rc %d: %s)" % (lay, p.returncode, p.stderr.strip()))


def main():
    mmscope, out = sys.argv[1], sys.argv[2]
    layouts = sorted(d for d in os.listdir(out)
                     if os.path.exists(os.path.join(out, d, "answers.json")))
    with tempfile.TemporaryDirectory() as cache:
        for l in layouts:
            check_layout(mmscope, os.path.join(out, l), cache)
    print("%d checks on %d layouts, %d failed" % (checks(), len(layouts),
                                                  len(failures)))
    return 1 if failures or not layouts else 0


if __name__ == "__main__":
    sys.exit(main())
