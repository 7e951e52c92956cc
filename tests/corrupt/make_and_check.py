#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The corruption corpus: makes hostile dumps from the committed real
fixture (fixtures/small) and from synthetic dumps (tests/synth), runs
mmscope on each, and checks that every run ends well.

Cases (each a file, the type info to use, and the commands to run):
  truncate     the file cut at many offsets (headers, bitmaps, page
               descriptors, notes, page data), also in flattened form
  elf-header   ELF header and program header fields set to bad values
  mem_map      struct pages of free-list entries and others: lru.next to
               itself, its list head, 0, LIST_POISON1, non-canonical,
               misaligned, another zone, kernel text; lru.prev, private,
               page_type, flags, random bytes
  zone         every 8-byte word of a struct zone (free_area included) set
               to all-ones, a huge value and random bytes
  free_area    named list-head and nr_free corruptions
  pagetable    each level's entry on the way to a struct page (vmemmap)
               set to 0, all-ones, a self-reference, its page-size bit
               flipped
  loop-wild    free lists with 2-cycles, self-loops, loops to the head's
               first entry, pointers into holes and other zones
  kernel-data  pgdat fields, node_data[], mem_section roots and
               section_mem_map, __per_cpu_offset, cpu_online_mask,
               nr_cpu_ids, vmstat_text, migratetype_names
  vmcoreinfo   no VMCOREINFO; each key removed in turn; hostile values
               (sizes, offsets, lengths, section bits, symbols, paths in
               OSRELEASE / BUILD-ID, a 300,000-line note)
  typeinfo     a profile or vmlinux of another kernel (wrong build-id),
               with and without --force; truncated and flipped profiles
  excluded     pages left out as makedumpfile's filtering does: the page
               holding a zone, a mem_map page, a section root, page
               tables, per-cpu data; the synthetic -d 16 dump
  flattened    flattened versions, truncated, with bad records
  layouts      the synthetic corrupt layouts (loop, wild, badorder,
               notbuddy, nr-free-mismatch) as they are

Rules: every run exits 0 or 1, never by a signal or a sanitizer report;
within --timeout seconds and --mem-mb of address space (ASan builds: of
RSS, through ASAN_OPTIONS); with exit 1, stderr is non-empty and every
line of it is "mmscope: FILE: ..." naming an address (0x...) or a field,
header, record or the format at fault.

usage: make_and_check.py --mmscope MMSCOPE --synth SYNTH_OUT_DIR
           [--fixture DIR] [--work DIR] [--timeout S] [--mem-mb N]
           [--jobs N] [--summary FILE] [--only CATEGORY,...] [--verbose]
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dumpfile  # noqa: E402
from dumpfile import PAGE, KERNEL_MAP  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ALL_CMDS = ["buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat"]
WALK_CMDS = ["buddyinfo", "pagetypeinfo"]
POISON1 = 0xDEAD000000000100
# an address, a VMCOREINFO-style fact, a kernel constant or member name,
# or a named part of the file
FIELD_RE = re.compile(
    r"0x[0-9a-fA-F]+|\b[A-Z_]+\([^)]*\)|\b[A-Z][A-Z0-9_]{2,}\b|"
    r"\b[a-z_]+\.[a-z_]+\b|header|record|note|VMCOREINFO|build-id|bitmap|"
    r"section|offset|format|truncated|pfn|node|zone|cpu|symbol|type info|"
    r"struct|page|mem_map|arch|profile|DWARF|facts|ELF|counter")


# ---- the dumps the cases start from ---------------------------------------

class Source:
    """A clean dump, its type info, and what make_and_check knows of it."""

    def __init__(self, name, path, typeargs, mmscope, work):
        self.name = name
        self.path = path
        self.typeargs = typeargs
        self.dump = dumpfile.load(path)
        self.ext = ".elf" if self.dump.fmt == "elf" else ".kdump"
        p = subprocess.run([mmscope, "info", "--json", "--no-auto"] +
                           typeargs + [path], capture_output=True, text=True,
                           timeout=60)
        if p.returncode != 0:
            raise SystemExit("%s: mmscope info failed: %s" % (path, p.stderr))
        self.info = json.loads(p.stdout)
        self.vmci = self.dump.vmcoreinfo()
        self.facts = dict(self.vmci)
        for a, b in zip(typeargs, typeargs[1:]):
            if a == "--profile":
                with open(b) as f:
                    for line in f:
                        if "=" in line and not line.startswith("#"):
                            k, v = line.rstrip("\n").split("=", 1)
                            self.facts.setdefault(k, v)
        self.kern = dumpfile.Kernel(self.dump, self.info, self.vmci)
        self.layout = Layout(self)


class Layout:
    """Where the mm structures of a Source are, from its facts."""

    def __init__(self, src):
        self.src = src
        f = src.facts
        kern = src.kern

        def num(*keys, default=None):
            for k in keys:
                if k in f:
                    return int(f[k], 0)
            return default

        def sym(name):
            if "SYMBOL(%s)" % name in src.vmci:
                return int(src.vmci["SYMBOL(%s)" % name], 16)
            if "ELFSYM(%s)" % name in f:
                return int(f["ELFSYM(%s)" % name], 16) + \
                    int(src.vmci.get("KERNELOFFSET", "0"), 16)
            return None
        self.sym = sym
        self.page_sz = num("SIZE(page)")
        self.lru = num("OFFSET(page.lru)", "OFFSET(page.buddy_list)")
        self.private = num("OFFSET(page.private)")
        self.mapcount = num("OFFSET(page._mapcount)")
        self.page_type = num("OFFSET(page.page_type)", default=self.mapcount)
        self.flags = num("OFFSET(page.flags)", default=0)
        self.zone_sz = num("SIZE(zone)")
        self.free_area = num("OFFSET(zone.free_area)")
        self.fa_sz = num("SIZE(free_area)")
        self.free_list = num("OFFSET(free_area.free_list)", default=0)
        self.orders = num("LENGTH(zone.free_area)")
        self.nmt = num("LENGTH(free_area.free_list)", default=1)
        self.node_zones = num("OFFSET(pglist_data.node_zones)")
        self.nr_zones_off = num("OFFSET(pglist_data.nr_zones)")
        self.pgdat_fields = {k.split(".", 1)[1][:-1]: int(v, 0)
                             for k, v in f.items()
                             if k.startswith("OFFSET(pglist_data.")}
        self.zone_fields = {k.split(".", 1)[1][:-1]: int(v, 0)
                            for k, v in f.items()
                            if k.startswith("OFFSET(zone.")}
        nd = sym("node_data")
        if nd:
            self.node_data = nd
            self.pgdat = kern.u64(nd)
        else:
            self.node_data = None
            self.pgdat = sym("contig_page_data")
        self.nr_zones = kern.read(self.pgdat + self.nr_zones_off, 4)[0] \
            if self.nr_zones_off is not None else 3
        self.nr_zones = max(1, min(self.nr_zones, 5))

    def zone(self, i):
        return self.pgdat + self.node_zones + i * self.zone_sz

    def head(self, zone, order, mt):
        return (zone + self.free_area + order * self.fa_sz + self.free_list +
                mt * 16)

    def entries(self, head, limit=64):
        """[(struct page, its lru.next)] along a free list."""
        kern = self.src.kern
        out, nxt = [], kern.u64(head)
        while nxt != head and len(out) < limit:
            page = nxt - self.lru
            nxt = kern.u64(nxt)
            out.append((page, nxt))
        return out

    def populated_zones(self):
        zs = []
        for i, z in enumerate(self.src.info["nodes"][0]["zones"]):
            if z.get("present", z.get("spanned", 0)):
                zs.append(i)
        return zs

    def list_entries(self, per_zone=6):
        """Free-list entries of every populated zone: [(zone idx, order,
        mt, head, page, next)], a few per zone spread over orders."""
        out = []
        for zi in self.populated_zones():
            zone = self.zone(zi)
            got = 0
            for order in range(self.orders - 1, -1, -1):
                for mt in range(self.nmt):
                    h = self.head(zone, order, mt)
                    try:
                        ents = self.entries(h, 3)
                    except KeyError:
                        continue
                    for page, nxt in ents[:2]:
                        out.append((zi, order, mt, h, page, nxt))
                        got += 1
                    if got >= per_zone:
                        break
                if got >= per_zone:
                    break
        return out


# ---- cases -----------------------------------------------------------------

class Case:
    def __init__(self, category, name, src, make, cmds, typeargs=None,
                 ext=None, expect=None):
        self.category = category
        self.name = name
        self.src = src            # Source or None
        self.make = make          # () -> bytes, or a path to use as is
        self.cmds = cmds
        self.typeargs = typeargs if typeargs is not None else \
            (src.typeargs if src else [])
        self.ext = ext or (src.ext if src else ".dump")
        self.expect = expect      # None, or a substring the error must hold


def patched(src, fn):
    """A case maker: a copy of the source dump, fn(dump copy) applied."""
    def make():
        d = src.dump.copy()
        k = dumpfile.Kernel(d, src.info, src.vmci)
        fn(d, k)
        return d.data
    return make


def truncate_cases(src, extra_offsets=()):
    d = src.dump
    size = len(d.data)
    offs = {0, 1, 7, 8, 16, 63, 64, 100, 447, 448, 4095, 4096, 4097,
            size - 1, size - 4096}
    offs.update(int(size * p / 100) for p in (5, 10, 25, 40, 50, 60, 75,
                                                 90, 99))
    if d.fmt == "kdump":
        offs.update({d.bitmap_off - 1, d.bitmap_off + 1, d.bitmap2_off + 3,
                     d.desc_off - 1, d.desc_off + 5,
                     d.desc_off + 24 * d.nr_dumped // 2,
                     d.desc_off + 24 * d.nr_dumped + 1})
    else:
        offs.update({d.phoff + 1, d.phoff + 56 * d.phnum - 1})
        for ph in d.phdrs:
            offs.update({ph[2] + 1, ph[2] + ph[5] // 2})
    offs.update(extra_offsets)
    cases = []
    for off in sorted(o for o in offs if 0 <= o < size):
        cases.append(Case("truncate", "%s cut at %d" % (src.name, off), src,
                          lambda off=off: bytes(d.data[:off]),
                          ["buddyinfo", "zoneinfo"]))
    return cases


def elf_header_cases(src):
    d = src.dump
    muts = [("e_phentsize=0", 54, "<H", 0), ("e_phentsize=1", 54, "<H", 1),
            ("e_shentsize=0 e_shnum=64", 58, "<HH", (0, 64)),
            ("e_phnum=0", 56, "<H", 0), ("e_phnum=65535", 56, "<H", 0xFFFF),
            ("e_phoff past end", 32, "<Q", len(d.data) + 8),
            ("e_phoff huge", 32, "<Q", 0x62000023D9840),
            ("class 32", 4, "<B", 1), ("class 0", 4, "<B", 0),
            ("big-endian", 5, "<B", 2), ("e_machine 183", 18, "<H", 183),
            ("e_type ET_EXEC", 16, "<H", 2),
            ("e_shoff huge", 40, "<QIHHHHHH",
             (1 << 62, 0, 64, 56, d.phnum, 64, 3, 0))]
    cases = []
    for name, off, fmt, val in muts:
        def fn(dd, k, off=off, fmt=fmt, val=val):
            dumpfile.put(dd.data, fmt, off,
                         *(val if isinstance(val, tuple) else (val,)))
        cases.append(Case("elf-header", "%s %s" % (src.name, name), src,
                          patched(src, fn), ["buddyinfo"]))
    vals = {"p_type": (0, 8, "<I", (0, 4, 0x6474E550)),
            "p_offset": (8, 8, "<Q", (len(d.data), 2**64 - 1, 1 << 62)),
            "p_paddr": (24, 8, "<Q", (2**64 - 4096, 1 << 52, 0)),
            "p_filesz": (32, 8, "<Q", (0, 1, 2**64 - 1, 1 << 62)),
            "p_memsz": (40, 8, "<Q", (0, 2**64 - 1, 1 << 40))}
    for i in range(min(d.phnum, 3)):
        for field, (off, _, fmt, choices) in vals.items():
            for v in choices:
                def fn(dd, k, i=i, off=off, fmt=fmt, v=v):
                    dumpfile.put(dd.data, fmt, dd.phoff + 56 * i + off, v)
                cases.append(Case("elf-header", "%s phdr %d %s=0x%x" %
                                  (src.name, i, field, v), src,
                                  patched(src, fn), ["buddyinfo"]))
    return cases


def mem_map_cases(src, rng, nr_pages=6):
    L = src.layout
    ents = L.list_entries(per_zone=max(2, nr_pages // 2))[:nr_pages]
    other_head = None
    zs = L.populated_zones()
    if len(zs) > 1:
        other_head = L.head(L.zone(zs[-1]), 0, 0)
    cases = []
    for zi, order, mt, head, page, nxt in ents:
        lru = page + L.lru
        muts = [("lru.next=itself", L.lru, lru),
                ("lru.next=its head", L.lru, head),
                ("lru.next=0", L.lru, 0),
                ("lru.next=LIST_POISON1", L.lru, POISON1),
                ("lru.next=non-canonical", L.lru, 0x00FF000000000000),
                ("lru.next=misaligned", L.lru, nxt + 8 if nxt != head
                 else lru + 8),
                ("lru.next=kernel text", L.lru, KERNEL_MAP + 0x1000000),
                ("lru.next=-1", L.lru, 2**64 - 1),
                ("lru.prev=garbage", L.lru + 8, 0x4141414141414141),
                ("flags=all-ones", L.flags, 2**64 - 1)]
        if other_head is not None:
            muts.append(("lru.next=another zone's list", L.lru, other_head))
        if L.private is not None:
            muts.append(("private=2^63", L.private, 1 << 63))
        if L.page_type is not None:
            muts.append(("page_type/_mapcount=0", L.page_type, 0))
        for label, off, val in muts:
            def fn(dd, k, page=page, off=off, val=val):
                k.put_u64(page + off, val)
            cases.append(Case("mem_map", "%s zone %d order %d page 0x%x %s" %
                              (src.name, zi, order, page, label), src,
                              patched(src, fn), WALK_CMDS))
        junk = rng.randbytes(L.page_sz)

        def fn(dd, k, page=page, junk=junk):
            k.write(page, junk)
        cases.append(Case("mem_map", "%s page 0x%x random bytes" %
                          (src.name, page), src, patched(src, fn), WALK_CMDS))
    return cases


def zone_word_cases(src, rng, values, stride=1):
    """values: [(name, every how many words)]"""
    L = src.layout
    zi = L.populated_zones()[-1]
    zone = L.zone(zi)
    cases = []
    for w in range(0, L.zone_sz // 8):
        for vname, every in values:
            if w % every:
                continue
            v = {"all-ones": 2**64 - 1, "2^62": 1 << 62,
                 "random": rng.getrandbits(64), "0": 0}[vname]

            def fn(dd, k, at=zone + 8 * w, v=v):
                k.put_u64(at, v)
            cases.append(Case("zone", "%s zone %d word %d (+0x%x) = %s" %
                              (src.name, zi, w, 8 * w, vname), src,
                              patched(src, fn), ALL_CMDS))
    return cases


def free_area_cases(src):
    L = src.layout
    cases = []
    for zi in L.populated_zones():
        zone = L.zone(zi)
        for order in (0, L.orders // 2, L.orders - 1):
            fa = zone + L.free_area + order * L.fa_sz
            h = L.head(zone, order, 0)
            nr_free_off = L.fa_sz - 8
            muts = [("nr_free=2^63", fa + nr_free_off, 1 << 63),
                    ("nr_free=-1", fa + nr_free_off, 2**64 - 1),
                    ("free_list[0].next=0", h, 0),
                    ("free_list[0].next=head+8", h, h + 8),
                    ("free_list[0].next=POISON", h, POISON1),
                    ("free_list[0].prev=garbage", h + 8, 0x12345678)]
            for label, at, v in muts:
                def fn(dd, k, at=at, v=v):
                    k.put_u64(at, v)
                cases.append(Case("free_area", "%s zone %d order %d %s" %
                                  (src.name, zi, order, label), src,
                                  patched(src, fn), WALK_CMDS))
    return cases


def loop_wild_cases(src):
    L = src.layout
    kern = src.kern
    vmemmap = int(src.info["vmemmap_base"], 16)
    cases = []
    heads = []
    for zi, order, mt, head, page, nxt in L.list_entries(per_zone=3):
        if head not in [h for _, _, h in heads]:
            heads.append((zi, order, head))
    for zi, order, head in heads[:4]:
        e = [p + L.lru for p, _ in L.entries(head, 3)]
        if not e:
            continue
        muts = [("head.next=head+8",
                 lambda k, h=head: k.put_u64(h, h + 8)),
                ("self-loop at the first entry",
                 lambda k, e=e: k.put_u64(e[0], e[0]))]
        if len(e) >= 2:
            muts.append(("2-cycle", lambda k, e=e: k.put_u64(e[1], e[0])))
        if len(e) >= 3:
            muts.append(("3-cycle missing the head",
                         lambda k, e=e: k.put_u64(e[2], e[0])))
        if vmemmap:
            muts.append(("next into the hole at pfn 0x9f",
                         lambda k, e=e: k.put_u64(
                             e[0], vmemmap + 0x9F * L.page_sz + L.lru)))
            muts.append(("next past the last pfn",
                         lambda k, e=e: k.put_u64(
                             e[0], vmemmap + L.page_sz *
                             (src.info["max_pfn"] + 7) + L.lru)))
        muts.append(("next 2^30 struct pages on",
                     lambda k, e=e: k.put_u64(e[0], e[0] +
                                              L.page_sz * (1 << 30))))
        for label, f in muts:
            def fn(dd, k, f=f):
                f(k)
            cases.append(Case("loop-wild", "%s zone %d order %d %s" %
                              (src.name, zi, order, label), src,
                              patched(src, fn), WALK_CMDS))
    return cases


def pagetable_cases(src):
    kern = src.kern
    L = src.layout
    if kern.pgd is None:
        return []
    ents = L.list_entries(per_zone=1)
    addrs = [ents[0][4]] if ents else []
    addrs.append(int(src.info["vmalloc_base"], 16) or KERNEL_MAP - (1 << 30))
    cases = []
    seen = set()
    for v in addrs:
        trace = []
        try:
            kern.walk(v, trace)
        except KeyError:
            pass
        for level, at, e in trace:
            if at in seen:
                continue
            seen.add(at)
            table = at & ~4095
            for label, val in (("0", 0), ("all-ones", 2**64 - 1),
                               ("itself", table | 0x63),
                               ("PS flipped", e ^ 0x80),
                               ("frame past RAM", (1 << 45) | (e & 0xFFF))):
                def fn(dd, k, at=at, val=val):
                    dd.write_phys(at, struct.pack("<Q", val))
                cases.append(Case("pagetable", "%s level-%d entry at 0x%x "
                                  "(for 0x%x) = %s" % (src.name, level, at, v,
                                                       label), src,
                                  patched(src, fn), ALL_CMDS))
    return cases


def kernel_data_cases(src):
    L = src.layout
    kern = src.kern
    cases = []

    def add(label, fn, cmds=ALL_CMDS):
        cases.append(Case("kernel-data", "%s %s" % (src.name, label), src,
                          patched(src, fn), cmds))
    for field, off in sorted(L.pgdat_fields.items()):
        for vname, v in (("all-ones", 2**64 - 1), ("2^40", 1 << 40)):
            add("pglist_data.%s = %s" % (field, vname),
                lambda dd, k, at=L.pgdat + off, v=v: k.put_u64(at, v))
    if L.node_data:
        add("node_data[0] = garbage",
            lambda dd, k: k.put_u64(L.node_data, 0xFFFF888812345000))
        add("node_data[0] = 0", lambda dd, k: k.put_u64(L.node_data, 0))
        add("node_data[1..63] = node_data[0]",
            lambda dd, k: [k.put_u64(L.node_data + 8 * i, L.pgdat)
                           for i in range(1, 64)])
    ms = L.sym("mem_section")
    if ms and "SYMBOL(mem_section)" in src.vmci:
        roots = ms  # VMCOREINFO: the root array itself
        add("mem_section root[0] = garbage",
            lambda dd, k: k.put_u64(roots, 0xFFFF888800001230))
        add("mem_section roots all = root[0]",
            lambda dd, k: [k.put_u64(roots + 8 * i, k.u64(roots))
                           for i in range(1, 64)])
        try:
            root0 = kern.u64(roots)
            sec_sz = int(src.facts.get("SIZE(mem_section)", "16"), 0)
            for label, v in (("0", 0), ("present, map garbage",
                                        0xFFFF000000000003),
                             ("all-ones", 2**64 - 1)):
                add("section 0 section_mem_map = %s" % label,
                    lambda dd, k, v=v: k.put_u64(root0, v))
            add("every section of root 0 present",
                lambda dd, k: [k.put_u64(root0 + i * sec_sz,
                                         k.u64(root0) | 3)
                               for i in range(4096 // sec_sz)])
        except KeyError:
            pass
    for name, vals in (("__per_cpu_offset", (2**64 - 1, 0x4000000000000000)),
                       ("__cpu_online_mask", (2**64 - 1,)),
                       ("nr_cpu_ids", (8192, 2**32 - 1)),
                       ("vmstat_text", (0xFFFF000000000000, 0)),
                       ("migratetype_names", (0xFFFF000000000000, 0)),
                       ("mem_map", (0xFFFF000000000000, 0, 2**64 - 64)),
                       ("vmemmap_base", (0, 2**64 - 4096)),
                       ("page_offset_base", (0, 2**64 - 4096))):
        a = L.sym(name)
        if not a:
            continue
        for v in vals:
            add("%s = 0x%x" % (name, v),
                lambda dd, k, a=a, v=v: k.put_u64(a, v))
    return cases


def vmcoreinfo_text(src):
    return src.dump.vmcoreinfo_text()


def vmcoreinfo_cases(src, all_keys=True, both=True):
    text = vmcoreinfo_text(src)
    lines = text.splitlines()
    cases = []

    def add(label, new_text, typeargs, cmds=ALL_CMDS):
        def fn(dd, k, t=new_text):
            if t is None:
                dd.drop_vmcoreinfo()
            else:
                dd.set_vmcoreinfo(t)
        cases.append(Case("vmcoreinfo", "%s %s%s" % (
            src.name, label, " (vmcoreinfo only)" if "--vmcoreinfo-only"
            in typeargs else ""), src, patched(src, fn), cmds,
            typeargs=typeargs))
    only = ["--vmcoreinfo-only"]
    add("no VMCOREINFO note", None, src.typeargs, ["buddyinfo"])
    add("empty VMCOREINFO", "", src.typeargs, ["buddyinfo"])
    if all_keys:
        for i, line in enumerate(lines):
            if "=" not in line:
                continue
            rest = "\n".join(lines[:i] + lines[i + 1:]) + "\n"
            key = line.split("=", 1)[0]
            add("without %s" % key, rest, only, ["buddyinfo", "zoneinfo"])
            if both:
                add("without %s" % key, rest, src.typeargs,
                    ["buddyinfo", "zoneinfo"])
    hostile = [("SIZE(page)", "100000"), ("SIZE(page)", "0"),
               ("SIZE(page)", "-1"), ("OFFSET(page.lru)", "99999"),
               ("OFFSET(page.lru)", "-8"), ("LENGTH(zone.free_area)", "1000"),
               ("LENGTH(zone.free_area)", "-1"),
               ("LENGTH(free_area.free_list)", "-5"),
               ("LENGTH(free_area.free_list)", "0"),
               ("SIZE(zone)", "9999999999"), ("SIZE(free_area)", "1"),
               ("OFFSET(zone.free_area)", "1000000"),
               ("NUMBER(SECTION_SIZE_BITS)", "1"),
               ("NUMBER(SECTION_SIZE_BITS)", "62"),
               ("NUMBER(SECTION_SIZE_BITS)", "13"),
               ("NUMBER(MAX_PHYSMEM_BITS)", "64"),
               ("NUMBER(MAX_PHYSMEM_BITS)", "52"),
               ("SYMBOL(mem_section)", "0"),
               ("SYMBOL(mem_section)", "ffffffffffffffff"),
               ("SYMBOL(mem_section)", "deadbeef"),
               ("LENGTH(mem_section)", "1"),
               ("SIZE(mem_section)", "4096"),
               ("OFFSET(mem_section.section_mem_map)", "4095"),
               ("KERNELOFFSET", "ffffffffffffffff"),
               ("NUMBER(phys_base)", "-9223372036854775808"),
               ("PAGESIZE", "0"), ("OSRELEASE", "../../../../etc/passwd"),
               ("OSRELEASE", ""), ("BUILD-ID", "zz/../../x"),
               ("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "0"),
               ("NUMBER(PG_buddy)", "200"),
               ("SYMBOL(node_data)", "1"), ("LENGTH(node_data)", "100000"),
               ("SYMBOL(node_online_map)", "0"),
               ("NUMBER(NR_FREE_PAGES)", "99999"),
               ("OFFSET(pglist_data.nr_zones)", "-1"),
               ("OFFSET(pglist_data.node_zones)", "99999999"),
               ("SYMBOL(init_top_pgt)", "0"),
               ("NUMBER(pgtable_l5_enabled)", "1"),
               ("OFFSET(list_head.next)", "4096")]
    for key, val in hostile:
        t = text + ("\n" if text and not text.endswith("\n") else "") + \
            "%s=%s\n" % (key, val)
        add("%s=%s" % (key, val), t, only, ALL_CMDS)
        if both:
            add("%s=%s" % (key, val), t, src.typeargs, ALL_CMDS)
    big = text + "".join("JUNK%d=%d\n" % (i, i) for i in range(300000))
    add("300000 extra lines", big, only, ["buddyinfo"])
    add("binary junk", text + "".join(chr(c) for c in range(1, 256)) * 40,
        only, ["buddyinfo"])
    return cases


def typeinfo_cases(sources, work, mmscope):
    cases = []
    by = {s.name: s for s in sources}
    profiles = {s.name: s.typeargs[1] for s in sources
                if s.typeargs[:1] == ["--profile"]}
    pairs = [("real", "synth-sparse"), ("synth-sparse", "real"),
             ("synth-sparse", "synth-6.12"), ("synth-6.12", "synth-sparse"),
             ("synth-flatmem", "synth-sparse"),
             ("synth-sparse", "synth-flatmem")]
    for dump_name, prof_name in pairs:
        if dump_name not in by or prof_name not in profiles:
            continue
        src = by[dump_name]
        for force in ([], ["--force"]):
            cases.append(Case("typeinfo", "%s with the profile of %s%s" % (
                dump_name, prof_name, " --force" if force else ""), src,
                src.path, ALL_CMDS,
                typeargs=["--profile", profiles[prof_name]] + force,
                expect=None if force or "flatmem" in dump_name
                else "wrong kernel"))
    vml = {s.name: os.path.join(os.path.dirname(s.path), "vmlinux")
           for s in sources if s.name.startswith("synth")}
    for dump_name, vm_name in (("synth-sparse", "synth-6.12"),
                               ("real", "synth-sparse")):
        if dump_name in by and vm_name in vml:
            src = by[dump_name]
            for force in ([], ["--force"]):
                cases.append(Case("typeinfo", "%s with the vmlinux of %s%s" % (
                    dump_name, vm_name, " --force" if force else ""), src,
                    src.path, ALL_CMDS,
                    typeargs=["--vmlinux", vml[vm_name]] + force,
                    expect=None if force else "wrong kernel"))
    # hostile debug files: the dwarf fuzzer's committed seeds (one has a
    # DW_AT_sibling pointing at itself, which hung libdwarf)
    fuzz_dwarf = os.path.join(ROOT, "tests", "fuzz", "corpus", "dwarf")
    if "synth-sparse" in by and os.path.isdir(fuzz_dwarf):
        src = by["synth-sparse"]
        for f in sorted(os.listdir(fuzz_dwarf)):
            cases.append(Case("typeinfo", "synth-sparse with vmlinux %s "
                              "--force" % f, src, src.path, ["buddyinfo"],
                              typeargs=["--vmlinux",
                                        os.path.join(fuzz_dwarf, f),
                                        "--force"]))
    # damaged profiles of the right kernel
    for name, prof in profiles.items():
        src = by[name]
        with open(prof, "rb") as f:
            pdata = f.read()
        for cut in (0, 10, 40, len(pdata) // 3, len(pdata) // 2,
                    len(pdata) - 10):
            p = os.path.join(work, "profile-%s-cut%d" % (name, cut))
            with open(p, "wb") as f:
                f.write(pdata[:cut])
            cases.append(Case("typeinfo", "%s profile cut at %d" % (name, cut),
                              src, src.path, ALL_CMDS,
                              typeargs=["--profile", p]))
        rng = random.Random(name)
        for n in range(8):
            b = bytearray(pdata)
            for _ in range(20):
                i = rng.randrange(len(b))
                b[i] = rng.choice(b"0123456789abcdef-=\n(")
            p = os.path.join(work, "profile-%s-flip%d" % (name, n))
            with open(p, "wb") as f:
                f.write(b)
            cases.append(Case("typeinfo", "%s profile with 20 flipped bytes "
                              "#%d" % (name, n), src, src.path, ALL_CMDS,
                              typeargs=["--profile", p]))
    return cases


def excluded_cases(src):
    L = src.layout
    kern = src.kern
    targets = []

    def pfn_of(v):
        return kern.v2p(v) // PAGE
    try:
        targets.append(("the page of struct zone",
                        pfn_of(L.zone(L.populated_zones()[-1]))))
        targets.append(("the first page of pg_data_t", pfn_of(L.pgdat)))
        ents = L.list_entries(per_zone=2)
        for e in ents[:2]:
            targets.append(("the mem_map page of 0x%x" % e[4],
                            pfn_of(e[4])))
        if kern.pgd is not None:
            targets.append(("init_top_pgt", kern.pgd // PAGE))
            if ents:
                trace = []
                try:
                    kern.walk(ents[0][4], trace)
                except KeyError:
                    pass
                for level, at, e in trace[1:]:
                    targets.append(("page table level %d" % level,
                                    at // PAGE))
        ms = L.sym("mem_section")
        if ms and "SYMBOL(mem_section)" in src.vmci:
            targets.append(("the mem_section root array", pfn_of(ms)))
            targets.append(("mem_section root 0", pfn_of(kern.u64(ms))))
        pco = L.sym("__per_cpu_offset")
        if pco:
            targets.append(("cpu 0's per-cpu area", pfn_of(kern.u64(pco))))
        vt = L.sym("vmstat_text")
        if vt:
            targets.append(("the first vmstat_text string",
                            pfn_of(kern.u64(vt))))
    except (KeyError, IndexError):
        pass
    cases = []
    for label, pfn in targets:
        if pfn >= 1 << 40:
            continue

        def fn(dd, k, pfn=pfn):
            dd.exclude_page(pfn)
        cases.append(Case("excluded", "%s without %s (pfn 0x%x)" % (
            src.name, label, pfn), src, patched(src, fn), ALL_CMDS))
    return cases


def flatten(data, rng, rec=4096, shuffle=True):
    hdr = bytearray(4096)
    hdr[0:12] = b"makedumpfile"
    hdr[16:24] = (1).to_bytes(8, "big")
    hdr[24:32] = (1).to_bytes(8, "big")
    offs = list(range(0, len(data), rec))
    if shuffle:
        rng.shuffle(offs)
    out = bytearray(hdr)
    for off in offs:
        blob = data[off:off + rec]
        out += off.to_bytes(8, "big") + len(blob).to_bytes(8, "big") + blob
    out += b"\xff" * 16
    return bytes(out)


def flattened_cases(src, rng):
    flat = flatten(bytes(src.dump.data), rng)
    cases = [Case("flattened", "%s flattened" % src.name, src,
                  lambda: flat, ALL_CMDS, ext=".flat")]
    for pct in (0.01, 10, 50, 99.9):
        cut = int(len(flat) * pct / 100)
        cases.append(Case("flattened", "%s flattened, cut at %d" %
                          (src.name, cut), src, lambda cut=cut: flat[:cut],
                          ["buddyinfo"], ext=".flat"))
    bad = [("record offset 2^50", 1 << 50, 4096),
           ("record offset 2^62", 1 << 62, 16),
           ("record size 2^40", 0, 1 << 40),
           ("record size -2", 0, 2**64 - 2),
           ("record offset -5", 2**64 - 5, 8)]
    for label, off, size in bad:
        def make(off=off, size=size):
            b = bytearray(flat)
            struct.pack_into(">QQ", b, 4096, off, size)
            return bytes(b)
        cases.append(Case("flattened", "%s flattened, first %s" %
                          (src.name, label), src, make, ["buddyinfo"],
                          ext=".flat"))
    return cases


def layout_cases(synth, mmscope, work):
    cases = []
    for layout in ("loop", "wild", "badorder", "notbuddy",
                   "nr-free-mismatch"):
        d = os.path.join(synth, layout)
        if not os.path.isdir(d):
            continue
        for f in ("vmcore.elf", "vmcore.zlib.kdump", "vmcore.filtered.kdump"):
            cases.append(Case("layouts", "synthetic %s %s" % (layout, f),
                              None, os.path.join(d, f), ALL_CMDS,
                              typeargs=["--vmlinux",
                                        os.path.join(d, "vmlinux")],
                              ext=""))
    d = os.path.join(synth, "sparse")
    cases.append(Case("excluded", "synthetic sparse vmcore.filtered.kdump "
                      "(-d 16)", None, os.path.join(d, "vmcore.filtered.kdump"),
                      ALL_CMDS, typeargs=["--vmlinux",
                                          os.path.join(d, "vmlinux")]))
    return cases


# ---- running ---------------------------------------------------------------

def message_ok(err, path):
    lines = [x for x in err.splitlines() if x.strip()]
    if not lines:
        return "exit 1 with nothing on stderr"
    for x in lines:
        if not x.startswith("mmscope: "):
            return "stderr line not from mmscope: %r" % x[:200]
        if path not in x:
            return "error does not name the file: %r" % x[:200]
        if not FIELD_RE.search(x.replace(path, "")):
            return "error names no address or field: %r" % x[:200]
    return None


def signame(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return "signal %d" % n


def signal_note(r, sender, rc):
    """What mms-runlimit's report says of a signal: who sent it, as far as
    the runner could tell (see runlimit.c), or None."""
    caught = int(r.get("caught", 0))
    if caught:
        return ("the runner's process group got %s %.3f s in (si_code %s, "
                "uid %s; %s)" % (signame(caught), float(r["caught_at"]),
                                r["sender_code"], r["sender_uid"], sender))
    if rc < 0 and r["timedout"] != "1":
        if r.get("group") == "own":
            return ("not sent by the runner (it sends only SIGKILL, at the "
                    "time limit) nor to its process group: a kill() of "
                    "pid %s alone, or raised by mmscope" % r["pid"])
        return "not sent by the runner (it sends only SIGKILL, at the limit)"
    return None


def run_limited(argv, timeout, mem_mb, asan, env, runner=None):
    """(exit status or -signal, seconds, peak RSS KiB, stderr, timed out,
    who signalled it or None)"""
    if runner:
        fd, rep = tempfile.mkstemp(prefix="mmscope-run-")
        os.close(fd)
        with tempfile.TemporaryFile() as errf:
            subprocess.run([runner, str(timeout), str(0 if asan else mem_mb),
                            rep] + argv, stdout=subprocess.DEVNULL,
                           stderr=errf, stdin=subprocess.DEVNULL, env=env,
                           timeout=timeout + 60, check=True)
            errf.seek(0)
            err = errf.read().decode("utf-8", "replace")
        with open(rep) as f:
            lines = f.read().splitlines()
        os.unlink(rep)
        w = lines[0].split()
        r = dict(zip(w[0::2], w[1::2]))
        rc = -int(r["signal"]) if int(r["signal"]) else int(r["status"])
        return (rc, float(r["seconds"]), int(r["maxrss_kb"]), err,
                r["timedout"] == "1",
                signal_note(r, lines[1] if len(lines) > 1 else "", rc))
    # without mms-runlimit (meson always passes it) there is no telling
    # who sent a signal that ended a run
    def pre():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if not asan:
            lim = mem_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    with tempfile.TemporaryFile() as errf:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errf,
                             stdin=subprocess.DEVNULL, preexec_fn=pre,
                             env=env)
        timed_out = False
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout:
                timed_out = True
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        secs = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read().decode("utf-8", "replace")
    return p.returncode, secs, ru.ru_maxrss, err, timed_out, None


class Runner:
    def __init__(self, args, asan):
        self.args = args
        self.asan = asan
        self.env = dict(os.environ)
        self.env.pop("XDG_CACHE_HOME", None)
        if asan:
            # symbolize=0: LeakSanitizer's symbolizer costs 0.15 s a run
            # (suppressions by module name still apply); rerun a failing
            # case by hand for symbols
            extra = ("hard_rss_limit_mb=%d:malloc_limit_mb=%d:"
                     "allocator_may_return_null=1:symbolize=0"
                     % (args.mem_mb, args.mem_mb))
            self.env["ASAN_OPTIONS"] = (self.env.get("ASAN_OPTIONS", "") +
                                        ":" + extra).lstrip(":")
            self.env.setdefault("LSAN_OPTIONS", "suppressions=%s:"
                                "print_suppressions=0" %
                                os.path.join(ROOT, "tests", "lsan.supp"))
            self.env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:"
                                "print_stacktrace=1")
        self.lock = threading.Lock()
        self.results = []

    def run_case(self, n, case):
        work = self.args.work
        if isinstance(case.make, str):
            path = case.make
            made = False
        else:
            path = os.path.join(work, "case-%04d%s" % (n, case.ext))
            data = case.make()
            if isinstance(data, dumpfile.Patched):
                data.write(path)
            else:
                with open(path, "wb") as f:
                    f.write(data)
            made = True
        out = []
        cache = os.path.join(work, "cache-%d" % n)
        for cmd in case.cmds:
            argv = [self.args.mmscope, cmd, "--no-auto", "--cache-dir",
                    cache] + case.typeargs + [path]
            rc, secs, rss, err, to, note = run_limited(
                argv, self.args.timeout, self.args.mem_mb, self.asan, self.env,
                self.args.runner)
            problem = None
            if to:
                problem = "timed out after %.1f s" % secs
            elif rc < 0:
                problem = "killed by %s%s" % (signame(-rc),
                                              " -- " + note if note else "")
                note = None
            elif rc not in (0, 1):
                problem = "exit status %d" % rc
            elif re.search(r"Sanitizer|runtime error|failed to allocate",
                           err):
                problem = "sanitizer report"
            elif rc == 1:
                problem = message_ok(err, path)
                if not problem and case.expect and case.expect not in err:
                    problem = "expected %r in the error" % case.expect
            elif case.expect:
                problem = "expected failure with %r, got exit 0" % case.expect
            out.append({"cmd": cmd, "rc": rc, "secs": secs, "rss_kb": rss,
                        "problem": problem, "note": note,
                        "stderr": err.strip().splitlines()[:3]})
        if made:
            os.unlink(path)
        shutil.rmtree(cache, ignore_errors=True)
        res = {"n": n, "category": case.category, "name": case.name,
               "runs": out}
        with self.lock:
            self.results.append(res)
            bad = [r for r in out if r["problem"]]
            if bad or self.args.verbose:
                for r in out:
                    print("%s %s [%s] %s: rc=%d %.2fs %dMB%s" % (
                        "FAIL" if r["problem"] else "ok  ", case.category,
                        r["cmd"], case.name, r["rc"], r["secs"],
                        r["rss_kb"] // 1024,
                        (" -- " + r["problem"] + " " +
                         " | ".join(r["stderr"])) if r["problem"] else
                        (" -- " + r["stderr"][0]) if r["stderr"] else ""),
                        flush=True)
            # a signal the runner caught while mmscope ended well: not
            # mmscope's failure, but something is signalling the tests
            for r in out:
                if r["note"]:
                    print("note %s [%s] %s: %s" % (case.category, r["cmd"],
                                                   case.name, r["note"]),
                          flush=True)
        return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mmscope", required=True)
    ap.add_argument("--synth", required=True)
    ap.add_argument("--fixture", default=os.path.join(ROOT, "fixtures",
                                                      "small"))
    ap.add_argument("--work")
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--mem-mb", type=int, default=1024)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--summary")
    ap.add_argument("--runner", help="mms-runlimit (exact peak RSS)")
    ap.add_argument("--only")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    with open(args.mmscope, "rb") as f:
        asan = b"__asan_init" in f.read()
    own_work = not args.work
    if own_work:
        args.work = tempfile.mkdtemp(prefix="mmscope-corrupt-")
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(20240611)
    t_start = time.monotonic()

    # the clean dumps and their type info
    sources = []
    fix = os.path.join(args.fixture, "vmcore.zlib-d31.kdump")
    if os.path.exists(fix):
        sources.append(Source("real", fix, ["--profile", os.path.join(
            args.fixture, "kernel.profile")], args.mmscope, args.work))

    def synth_source(name, layout, fname):
        d = os.path.join(args.synth, layout)
        prof = os.path.join(args.work, "%s.profile" % layout)
        if not os.path.exists(prof):
            subprocess.run([args.mmscope, "profile", "extract", "--vmlinux",
                            os.path.join(d, "vmlinux"), "-o", prof],
                           check=True, timeout=60)
        sources.append(Source(name, os.path.join(d, fname),
                              ["--profile", prof], args.mmscope, args.work))
    synth_source("synth-sparse", "sparse", "vmcore.zlib.kdump")
    synth_source("synth-6.12", "pagetype-6.12", "vmcore.zlib.kdump")
    synth_source("synth-sparse-elf", "sparse", "vmcore.elf")
    synth_source("synth-6.12-elf", "pagetype-6.12", "vmcore.elf")
    synth_source("synth-flatmem", "flatmem-2.6", "vmcore.elf")
    synth_source("synth-node-mem-map", "node-mem-map", "vmcore.zlib.kdump")
    synth_source("synth-4.18", "pagetype-4.18", "vmcore.zlib.kdump")
    by = {s.name: s for s in sources}

    cases = []
    for s in sources:
        if s.name in ("real", "synth-sparse", "synth-sparse-elf",
                      "synth-6.12"):
            cases += truncate_cases(s)
        if s.dump.fmt == "elf":
            cases += elf_header_cases(s)
        n_pages = 6 if s.name in ("real", "synth-6.12", "synth-sparse") else 2
        cases += mem_map_cases(s, rng, n_pages)
        cases += free_area_cases(s)
        cases += loop_wild_cases(s)
        cases += pagetable_cases(s)
        cases += kernel_data_cases(s)
        cases += excluded_cases(s)
    for name, values in (("real", [("all-ones", 1), ("random", 3)]),
                         ("synth-6.12", [("all-ones", 1), ("2^62", 4)]),
                         ("synth-sparse", [("all-ones", 2)]),
                         ("synth-flatmem", [("all-ones", 4)]),
                         ("synth-node-mem-map", [("all-ones", 2)])):
        if name in by:
            cases += zone_word_cases(by[name], rng, values)
    for name, all_keys, both in (("real", True, True),
                                 ("synth-sparse", True, False),
                                 ("synth-sparse-elf", False, True),
                                 ("synth-flatmem", False, False)):
        if name in by:
            cases += vmcoreinfo_cases(by[name], all_keys, both)
    cases += typeinfo_cases(sources, args.work, args.mmscope)
    for name in ("real", "synth-sparse"):
        if name in by:
            cases += flattened_cases(by[name], rng)
    cases += layout_cases(args.synth, args.mmscope, args.work)
    if args.only:
        keep = set(args.only.split(","))
        cases = [c for c in cases if c.category in keep]

    counts = {}
    for c in cases:
        counts[c.category] = counts.get(c.category, 0) + 1
    print("cases per category: " + ", ".join(
        "%s %d" % kv for kv in sorted(counts.items())), flush=True)
    runner = Runner(args, asan)
    print("%d cases from %s (%s build), %d job(s)" % (
        len(cases), ", ".join(s.name for s in sources),
        "ASan/UBSan" if asan else "plain", args.jobs), flush=True)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = [ex.submit(runner.run_case, n, c) for n, c in enumerate(cases)]
        for f in futs:
            f.result()
    res = sorted(runner.results, key=lambda r: r["n"])
    runs = [(r, x) for r in res for x in r["runs"]]
    failed = [r for r in res if any(x["problem"] for x in r["runs"])]
    worst = max(runs, key=lambda rx: rx[1]["secs"])
    fattest = max(runs, key=lambda rx: rx[1]["rss_kb"])
    cats = {}
    for r in res:
        c = cats.setdefault(r["category"], [0, 0, 0, 0])
        c[0] += 1
        c[1] += len(r["runs"])
        c[2] += sum(1 for x in r["runs"] if x["rc"] == 1)
        c[3] += any(x["problem"] for x in r["runs"])
    print("\n%-12s %6s %6s %8s %7s" % ("category", "cases", "runs", "exit 1",
                                       "failed"))
    for c, v in sorted(cats.items()):
        print("%-12s %6d %6d %8d %7d" % (c, *v))
    summary = {
        "build": "asan" if asan else "plain",
        "cases": len(res), "runs": len(runs),
        "failed_cases": len(failed),
        "handled_cases": len(res) - len(failed),
        "exit1_runs": sum(1 for _, x in runs if x["rc"] == 1),
        "worst_seconds": round(worst[1]["secs"], 3),
        "worst_seconds_case": "%s [%s]" % (worst[0]["name"], worst[1]["cmd"]),
        "peak_rss_mb": round(fattest[1]["rss_kb"] / 1024, 1),
        "peak_rss_case": "%s [%s]" % (fattest[0]["name"], fattest[1]["cmd"]),
        "timeout_s": args.timeout, "mem_limit_mb": args.mem_mb,
        "wall_seconds": round(time.monotonic() - t_start, 1),
        "categories": {c: {"cases": v[0], "runs": v[1], "exit1": v[2],
                           "failed": v[3]} for c, v in cats.items()},
        "failures": [{"name": r["name"], "runs": [x for x in r["runs"]
                                                  if x["problem"]]}
                     for r in failed],
        "signal_notes": [{"name": r["name"], "cmd": x["cmd"],
                          "note": x["note"]}
                         for r, x in runs if x["note"]],
    }
    print("\n%d cases, %d runs: %d handled, %d failed; worst %.2f s (%s), "
          "peak RSS %.1f MB (%s)" % (
              summary["cases"], summary["runs"], summary["handled_cases"],
              summary["failed_cases"], summary["worst_seconds"],
              summary["worst_seconds_case"], summary["peak_rss_mb"],
              summary["peak_rss_case"]))
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(summary, f, indent=1)
    if own_work:
        shutil.rmtree(args.work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
