#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs synth-check for one layout, then checks that answers.json is valid
JSON and consistent with itself, and that the vmlinux's DWARF names the
kernel's types, members, enums and globals."""
import json
import re
import subprocess
import sys

failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)
        print("FAIL:", msg, file=sys.stderr)


def buddyinfo(a):
    out = ""
    for z in a["zones"]:
        if z["populated"]:
            out += "Node %d, zone %8s " % (z["nid"], z["name"])
            out += "".join("%6d " % n for n in z["nr_free"]) + "\n"
    return out


def check_answers(a):
    check(a["buddyinfo"] == buddyinfo(a), "buddyinfo text")
    c = a["corruption"]
    total_free = 0
    for z in a["zones"]:
        where = "node %d zone %s" % (z["nid"], z["name"])
        check(len(z["nr_free"]) == a["nr_orders"], where + ": nr_free length")
        if not z["populated"]:
            check(z["present"] == 0 and z["free"] == 0, where + ": empty zone")
            continue
        total_free += z["free"]
        check(z["managed"] <= z["present"] <= z["spanned"], where + ": sizes")
        check(z["min"] < z["low"] < z["high"], where + ": watermarks")
        nmt = max(1, len(a["migratetypes"]))
        listed = 0
        for o, per_mt in enumerate(z["blocks"]):
            check(len(per_mt) == nmt, where + ": blocks width")
            hit = c is not None and c["node"] == z["nid"] and \
                c["zone"] == z["zone"] and c["order"] == o
            if hit and c["kind"] == "count_mismatch":
                check(z["nr_free"][o] == sum(per_mt) + 3, where + ": mismatch")
            elif hit and c["kind"] in ("loop", "wild_pointer"):
                check(sum(per_mt) < z["nr_free"][o], where + ": truncated list")
            else:
                check(sum(per_mt) == z["nr_free"][o],
                      "%s order %d: blocks %s vs nr_free %d"
                      % (where, o, per_mt, z["nr_free"][o]))
            listed += z["nr_free"][o] << o
        if c is None or c["kind"] != "count_mismatch":
            check(listed == z["free"], where + ": free %d, lists %d"
                  % (z["free"], listed))
        for p in z["pcp"]:
            check(0 <= p["count"] <= p["high"], where + ": pcp count")
    check(a["vmstat"]["nr_free_pages"] == total_free, "vmstat nr_free_pages")
    for n in a["nodes"]:
        zs = [z for z in a["zones"] if z["nid"] == n["nid"]]
        check(n["present"] == sum(z["present"] for z in zs),
              "node %d present" % n["nid"])
        for z in zs:
            if z["populated"]:
                check(n["start_pfn"] <= z["start_pfn"] and
                      z["start_pfn"] + z["spanned"] <= n["start_pfn"] + n["spanned"],
                      "node %d zone %s outside the node" % (n["nid"], z["name"]))
    kinds = set()
    for p in a["pages"]:
        kinds.add(p["kind"])
        if p["kind"] == "buddy_head" and (c is None or p["pfn"] != c.get("pfn")):
            check(p["buddy"] and isinstance(p["order"], int), "buddy page %d" % p["pfn"])
        if p["kind"] in ("anon", "file", "pcp", "buddy_tail"):
            check(not p["buddy"], "page %d marked buddy" % p["pfn"])
    for k in ("buddy_head", "buddy_tail", "pcp", "anon", "file", "memblock"):
        check(k in kinds, "no %s page in the sample" % k)
    if a["layout"].startswith("pagetype-"):
        for k in ("thp_head", "slab_compound_head", "compound_tail"):
            check(k in kinds, "no %s page in the sample" % k)
    if a["layout"] == "pagetype-6.12":
        check("zsmalloc" in kinds, "no zsmalloc page in the sample")
    if c is not None:
        check(c["addr"].startswith("0x"), "corruption addr")


def dwarf_names(vmlinux):
    out = subprocess.run(["readelf", "--debug-dump=info", vmlinux],
                         check=True, capture_output=True, text=True).stdout
    names = set()
    for m in re.finditer(r"DW_AT_name\s*:\s*(?:\(.*?\):\s*)?(\S+)", out):
        names.add(m.group(1))
    return names


def check_dwarf(a, vmlinux):
    names = dwarf_names(vmlinux)
    want = """page zone pglist_data pg_data_t free_area list_head per_cpu_pages
        per_cpu_zonestat per_cpu_nodestat mem_section mem_section_usage
        vm_event_state pageflags zone_type zone_stat_item node_stat_item
        vm_event_item pageblock_bits node_states flags lru private _mapcount
        compound_head _refcount mapping index _watermark watermark_boost
        lowmem_reserve zone_pgdat per_cpu_pageset per_cpu_zonestats
        zone_start_pfn managed_pages spanned_pages present_pages cma_pages
        name free_list nr_free vm_stat node_zones nr_zones node_start_pfn
        node_present_pages node_spanned_pages node_id kswapd_failures
        per_cpu_nodestats count high batch lists vm_stat_diff stat_threshold
        section_mem_map usage subsection_map pageblock_flags event
        page_offset_base vmemmap_base vmalloc_base __per_cpu_offset
        __cpu_online_mask nr_cpu_ids vm_event_states vm_zone_stat
        vm_node_stat vmstat_text zone_names node_states init_top_pgt
        init_uts_ns uts_namespace _totalram_pages
        NR_FREE_PAGES PG_lru PG_head PG_reserved N_ONLINE
        ZONE_DMA ZONE_DMA32 ZONE_NORMAL""".split()
    if a["migratetypes"]:
        want += ["migratetype", "migratetype_names", "MIGRATE_MOVABLE"]
    want += ["node_data", "vm_numa_event", "numa_stat_item"] \
        if a["model"] != "flatmem" else ["contig_page_data", "mem_map"]
    if a["model"] == "discontigmem":
        want.append("node_mem_map")
    if a["model"].startswith("sparsemem"):
        want.append("mem_section")
    if a["buddy_encoding"] in ("page_type", "page_type_top_byte"):
        want += ["page_type", "pageflag_names", "trace_print_flags"]
    if a["buddy_encoding"] == "page_type_top_byte":
        want += ["pagetype", "PGTY_buddy", "PGTY_slab", "buddy_list"]
    elif a["buddy_encoding"] == "pg_buddy":
        want.append("PG_buddy")
    check("writeback_stat_item" in names or "vm_stat_item" in names,
          "no writeback_stat_item/vm_stat_item")
    for n in want:
        check(n in names, "vmlinux DWARF lacks %s" % n)


def cli(synth, out):
    """The generator's own command line: list, one layout, errors."""
    r = subprocess.run([synth, "--list"], capture_output=True, text=True)
    check(r.returncode == 0 and "pagetype-6.12" in r.stdout, "--list")
    r = subprocess.run([synth, "--layout", "pagetype-6.12", "--out", out])
    check(r.returncode == 0, "mms-synth --layout pagetype-6.12")
    for f in ("vmcore.elf", "vmcore.zlib.kdump", "vmcore.lzo.kdump",
              "vmcore.snappy.kdump", "vmcore.zstd.kdump",
              "vmcore.filtered.kdump", "vmlinux", "vmcoreinfo.txt"):
        with open(out + "/" + f, "rb") as fh:
            head = fh.read(8)
        if f.startswith("vmcore.") and f.endswith(".kdump"):
            check(head == b"KDUMP   ", f + " signature")
        elif f in ("vmcore.elf", "vmlinux"):
            check(head[:4] == b"\x7fELF", f + " is not ELF")
    with open(out + "/answers.json") as fh:
        check(json.load(fh)["layout"] == "pagetype-6.12", "answers.json")
    r = subprocess.run([synth, "--layout", "no-such", "--out", out],
                       capture_output=True, text=True)
    check(r.returncode != 0 and "unknown layout" in r.stderr, "unknown layout")
    r = subprocess.run([synth], capture_output=True)
    check(r.returncode == 2, "usage error")
    print("cli: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


def main():
    if sys.argv[1] == "--cli":
        cli(sys.argv[2], sys.argv[3])
    check_bin, layout, out = sys.argv[1:4]
    r = subprocess.run([check_bin, "--layout", layout, "--out", out])
    check(r.returncode == 0, "synth-check failed")
    with open(out + "/answers.json") as f:
        a = json.load(f)
    check(a["layout"] == layout, "layout name")
    check_answers(a)
    check_dwarf(a, out + "/vmlinux")
    print("%s: answers and DWARF: %d failed" % (layout, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
