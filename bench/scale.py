#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: the page scan at scale.  Writes the ELF vmcore of a fake
x86-64 machine with 1 TiB of RAM in one node (SPARSEMEM_EXTREME without
vmemmap: 8192 present online 128 MiB sections, 16 GiB of mem_map) and runs
`mmscope page-types --json --threads N` over it for N = 1 and 2, each run
twice (first after posix_fadvise(DONTNEED) on the dump, then warm), next to
a plain pread() copy of the same 16 GiB in 2 MiB chunks in the order the
scan reads them (the copy limit); then the same for a 64 GiB machine made
the same way, to show that peak RSS does not grow with the dump.

The dump costs a few MiB of disk: each section's struct page array
(32768 x sizeof(struct page)) lies in a PT_LOAD whose file range is a hole
of a sparse file (ftruncate, never written), so those struct pages read as
zeros; only the first FILL sections (default 4, 512 MiB of RAM) have
written struct pages (reserved, free order-10 blocks on the DMA32 free
list, THPs, anonymous, file, dirty and slab pages), so the decode path
sees some real pages.  The speed figure is therefore mostly that of
zero-filled struct pages read from page-cache pages of a file hole (which
page-types counts as "mmap": a zero _mapcount means mapped once).  The
arrays are separate allocations placed top-down, as memblock places them
(section 0 highest), so sections do not decode to one vmemmap base.

Every struct layout and symbol address comes from the type profile of the
vmlinux given (`mmscope profile extract`); its loadable segments (name
tables, init_uts_ns) are copied into the image, and the few symbols the
profile does not name (per-cpu bounds, this_cpu_off, cpu_number,
init_uts_ns, __cpu_present_mask, _totalram_pages) come from its symbol
table.  KASLR is off
(KERNELOFFSET=0, phys_base 0, page_offset_base 0xffff888000000000).

Checks (exit 1 when one fails): every scan reports exactly
nr_sections x 32768 struct pages and none excluded; the buddy pages it
finds are the free blocks written; mmscope buddyinfo finds them on the
free list; the 1 TiB peak RSS is at most twice the 64 GiB one.

usage: scale.py MMSCOPE VMLINUX [--dir DIR] [--keep] [--fill N]
                [--gib 1024] [--ref-gib 64]
"""
import argparse
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

KERNEL_MAP = 0xffffffff80000000      # __START_KERNEL_map
PAGE_OFFSET = 0xffff888000000000     # page_offset_base without KASLR
VMALLOC_BASE = 0xffffc90000000000
VMEMMAP_BASE = 0xffffea0000000000
PHYS_BASE = 0
KERNEL_PHYS = 0x1000000              # where the vmlinux says it loads
SMALL_SIZE = 4 << 20                 # written region: image + globals
SECTION_SIZE_BITS = 27
MAX_PHYSMEM_BITS = 46
PAGE_SHIFT = 12
# 6.1 include/linux/page-flags.h page types (macros: in no type info)
PG_BUDDY_TYPE = 0x80
PG_OFFLINE_TYPE = 0x100
# 6.1 enum compound_dtor_id with CONFIG_HUGETLB_PAGE
TRANSHUGE_PAGE_DTOR = 3
TAIL_MAPPING = 0xdead000000000400
# mem_section flag bits (6.1 mmzone.h)
SECTION_MARKED_PRESENT = 1
SECTION_HAS_MEM_MAP = 2
SECTION_IS_ONLINE = 4
SECTION_IS_EARLY = 8
KPF_BUDDY = 10
M64 = (1 << 64) - 1


def die(msg):
    print("scale: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


# ---- type info -----------------------------------------------------------

class Profile:
    def __init__(self, path):
        self.kv = {}
        with open(path) as f:
            for line in f:
                if line.startswith("#") or "=" not in line:
                    continue
                k, v = line.rstrip("\n").split("=", 1)
                self.kv[k] = v

    def off(self, tm):
        return int(self.kv["OFFSET(%s)" % tm])

    def size(self, t):
        return int(self.kv["SIZE(%s)" % t])

    def length(self, tm):
        return int(self.kv["LENGTH(%s)" % tm])

    def num(self, n):
        return int(self.kv["NUMBER(%s)" % n])

    def sym(self, n):
        return int(self.kv["ELFSYM(%s)" % n], 16)

    def symsize(self, n):
        return int(self.kv["SYMSIZE(%s)" % n])


class Vmlinux:
    """PT_LOAD segments and the symbol table of an ELF64 vmlinux."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            die("%s: not a little-endian ELF64 file" % path)
        (phoff, shoff) = struct.unpack_from("<QQ", d, 32)
        (phentsize, phnum, shentsize, shnum) = struct.unpack_from("<HHHH", d, 54)
        self.loads = []
        for i in range(phnum):
            (typ, _fl, off, vaddr, paddr, filesz, memsz, _al) = \
                struct.unpack_from("<IIQQQQQQ", d, phoff + i * phentsize)
            if typ == 1:
                self.loads.append((off, vaddr, paddr, filesz, memsz))
        shdrs = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize)
                 for i in range(shnum)]
        self.syms = {}
        for sh in shdrs:
            if sh[1] != 2:   # SHT_SYMTAB
                continue
            strtab = shdrs[sh[6]]
            for j in range(sh[5] // 24):
                (name, _info, _oth, _shn, value, _size) = \
                    struct.unpack_from("<IBBHQQ", d, sh[4] + j * 24)
                s = d[strtab[4] + name:d.index(b"\0", strtab[4] + name)]
                self.syms[s.decode()] = value

    def sym(self, name):
        if name not in self.syms:
            die("the vmlinux has no symbol %s" % name)
        return self.syms[name]


# ---- the memory image ----------------------------------------------------

class Small:
    """The written physical range [base, base + size): the kernel image,
    then memblock-style allocations in the direct map."""

    def __init__(self, base, size):
        self.base, self.buf = base, bytearray(size)
        self.next = base

    def phys(self, va):
        if va >= KERNEL_MAP:
            pa = va - KERNEL_MAP + PHYS_BASE
        elif va >= PAGE_OFFSET:
            pa = va - PAGE_OFFSET
        else:
            raise ValueError("0x%x is no kernel address" % va)
        if not self.base <= pa < self.base + len(self.buf):
            raise ValueError("0x%x (phys 0x%x) outside the written region"
                             % (va, pa))
        return pa - self.base

    def w(self, va, data):
        o = self.phys(va)
        self.buf[o:o + len(data)] = data

    def w64(self, va, v):
        struct.pack_into("<Q", self.buf, self.phys(va), v & M64)

    def w32(self, va, v):
        struct.pack_into("<I", self.buf, self.phys(va), v & 0xffffffff)

    def w8(self, va, v):
        self.buf[self.phys(va)] = v & 0xff

    def r64(self, va):
        return struct.unpack_from("<Q", self.buf, self.phys(va))[0]

    def alloc(self, size, align=64):
        pa = (self.next + align - 1) // align * align
        if pa + size > self.base + len(self.buf):
            die("the written region (%d MiB) is too small" % (len(self.buf) >> 20))
        self.next = pa + size
        return PAGE_OFFSET + pa


def list_init(m, va):
    m.w64(va, va)
    m.w64(va + 8, va)


class Machine:
    def __init__(self, gib, prof, vml, fill):
        self.P, self.V = prof, vml
        self.ram = gib << 30
        if self.ram & ((1 << SECTION_SIZE_BITS) - 1) or gib < 8:
            die("RAM must be a whole number of 128 MiB sections, >= 8 GiB")
        self.pfns = self.ram >> PAGE_SHIFT
        self.sec_pfns = 1 << (SECTION_SIZE_BITS - PAGE_SHIFT)
        self.nr_sections = self.ram >> SECTION_SIZE_BITS
        self.page_sz = prof.size("page")
        self.map_bytes = self.sec_pfns * self.page_sz     # per section
        self.mm_size = self.nr_sections * self.map_bytes
        self.mm_phys = self.ram - self.mm_size              # top of RAM
        self.fill = min(fill, self.nr_sections)
        self.m = Small(KERNEL_PHYS + PHYS_BASE, SMALL_SIZE)

    # Each section's struct page array is its own memblock allocation,
    # top-down as memblock allocates: section 0 highest.  (One contiguous
    # array in section order would decode to a single vmemmap-like base.)
    def map_phys(self, sec):
        return self.ram - (sec + 1) * self.map_bytes

    def page_va(self, pfn):
        sec = pfn // self.sec_pfns
        return PAGE_OFFSET + self.map_phys(sec) + \
            (pfn - sec * self.sec_pfns) * self.page_sz

    def ksym(self, name):
        """The profile's address; the vmlinux symbol table for the few
        names mmscope does not use (so the profile lacks them)."""
        if "ELFSYM(%s)" % name in self.P.kv:
            return self.P.sym(name)
        return self.V.sym(name)

    def zone_of(self, pfn):
        return 0 if pfn < 4096 else 1 if pfn < (1 << 20) else 2

    def build(self):
        V, m = self.V, self.m
        # the kernel image at its load address
        for (off, vaddr, paddr, filesz, memsz) in V.loads:
            if filesz:
                m.w(KERNEL_MAP + paddr, V.data[off:off + filesz])
        m.next = (self.ksym("_end") - KERNEL_MAP + PHYS_BASE + 4095) & ~4095
        m.w64(self.ksym("page_offset_base"), PAGE_OFFSET)
        m.w64(self.ksym("vmalloc_base"), VMALLOC_BASE)
        m.w64(self.ksym("vmemmap_base"), VMEMMAP_BASE)
        m.w64(self.ksym("phys_base"), PHYS_BASE)
        m.w64(self.ksym("max_pfn"), self.pfns)
        self.page_tables()
        self.percpu()
        self.sections()
        self.node()
        self.pages = self.struct_pages()
        self.zones_and_lists()
        self.vmcoreinfo = self.make_vmcoreinfo()

    def page_tables(self):
        """init_top_pgt: the direct map with 1 GiB pages, the kernel
        image with 2 MiB pages, so page-table walks work too."""
        m = self.m
        pgd = self.ksym("init_top_pgt")
        tbl = 0x63                     # present, rw, accessed, dirty
        leaf = 0xe3                    # ... and PS
        gib = 1 << 30
        nr_gib = (self.ram + gib - 1) // gib
        for i in range((nr_gib + 511) // 512):
            pud = m.alloc(4096, 4096)
            m.w64(pgd + 8 * (((PAGE_OFFSET >> 39) & 511) + i),
                  (pud - PAGE_OFFSET) | tbl)
            for j in range(min(512, nr_gib - 512 * i)):
                m.w64(pud + 8 * j, ((512 * i + j) * gib) | leaf)
        kpud = m.alloc(4096, 4096)
        kpmd = m.alloc(4096, 4096)
        m.w64(pgd + 8 * 511, (kpud - PAGE_OFFSET) | tbl)
        m.w64(kpud + 8 * ((KERNEL_MAP >> 30) & 511), (kpmd - PAGE_OFFSET) | tbl)
        for j in range(256):           # 512 MiB of kernel image mapping
            m.w64(kpmd + 8 * j, (PHYS_BASE + (j << 21)) | leaf)

    def percpu(self):
        """One CPU: its per-cpu unit is a copy of .data..percpu plus the
        dynamic per_cpu_pages / zone and node stats."""
        P, V, m = self.P, self.V, self.m
        start, stop = V.sym("__per_cpu_start"), V.sym("__per_cpu_end")
        load = V.sym("__per_cpu_load")
        self.unit = m.alloc(64 << 10, 4096)
        m.w(self.unit, m.buf[m.phys(load):m.phys(load) + stop - start])
        offs = self.ksym("__per_cpu_offset")
        for c in range(P.symsize("__per_cpu_offset") // 8):
            m.w64(offs + 8 * c, (self.unit - start) if c == 0 else (load - start))
        m.w64(self.unit + V.sym("this_cpu_off") - start, self.unit - start)
        m.w32(self.unit + V.sym("cpu_number") - start, 0)
        for mask in ("__cpu_possible_mask", "__cpu_online_mask",
                     "__cpu_present_mask"):
            m.w64(self.ksym(mask), 1)
        m.w32(self.ksym("nr_cpu_ids"), 1)
        self.pcpu_next = (stop - start + 63) & ~63

    def pcpu_alloc(self, size):
        off = (self.pcpu_next + 63) & ~63
        self.pcpu_next = off + size
        assert self.pcpu_next <= 64 << 10
        return off

    def sections(self):
        """SPARSEMEM_EXTREME: mem_section -> root array -> 4 KiB tables of
        struct mem_section, each with its mem_section_usage."""
        P, m = self.P, self.m
        ms_sz = P.size("mem_section")
        per_root = 4096 // ms_sz
        self.nr_roots = (1 << (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS)) // per_root
        roots = m.alloc(self.nr_roots * 8, 4096)
        self.roots = roots
        m.w64(self.ksym("mem_section"), roots)
        o_map = P.off("mem_section.section_mem_map")
        o_usage = P.off("mem_section.usage")
        pb_off = P.off("mem_section_usage.pageblock_flags")
        pageblocks = self.sec_pfns >> (21 - PAGE_SHIFT)
        nbits = P.num("NR_PAGEBLOCK_BITS")
        self.usage_sz = (pb_off + pageblocks * nbits // 8 + 7) & ~7
        usage = m.alloc(self.nr_sections * self.usage_sz, 64)
        self.usage = usage
        movable = P.num("MIGRATE_MOVABLE")
        pb_byte = movable | (movable << nbits)
        pb = bytes([pb_byte]) * (pageblocks * nbits // 8)
        submap = bytes([0xff]) * pb_off
        flags = SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | \
            SECTION_IS_ONLINE | SECTION_IS_EARLY
        table = 0
        for sec in range(self.nr_sections):
            if sec % per_root == 0:
                table = m.alloc(4096, 4096)
                m.w64(roots + 8 * (sec // per_root), table)
            ms = table + (sec % per_root) * ms_sz
            enc = PAGE_OFFSET + self.map_phys(sec) - \
                sec * self.sec_pfns * self.page_sz
            m.w64(ms + o_map, enc | flags)
            u = usage + sec * self.usage_sz
            m.w64(ms + o_usage, u)
            m.w(u, submap + pb)

    def set_pageblock_mt(self, pfn, mt):
        nbits = self.P.num("NR_PAGEBLOCK_BITS")
        sec = pfn // self.sec_pfns
        blk = (pfn % self.sec_pfns) >> (21 - PAGE_SHIFT)
        u = self.usage + sec * self.usage_sz + \
            self.P.off("mem_section_usage.pageblock_flags")
        byte = u + blk * nbits // 8
        o = self.m.phys(byte)
        shift = (blk * nbits) % 8
        self.m.buf[o] = (self.m.buf[o] & ~(0xf << shift)) | (mt << shift)

    def node(self):
        P, m = self.P, self.m
        self.pgdat = m.alloc(P.size("pglist_data"), 4096)
        nd = self.ksym("node_data")
        m.w64(nd, self.pgdat)
        # one word per state of node_states[] (nodemask_t of MAX_NUMNODES)
        nodemask = (P.symsize("node_data") // 8 + 63) // 64 * 8
        self.nodemask = nodemask
        for i in range(P.symsize("node_states") // nodemask):
            m.w64(self.ksym("node_states") + i * nodemask, 1)
        self.nr_zones_max = P.length("pglist_data.node_zones")
        self.zone_va = [self.pgdat + P.off("pglist_data.node_zones") +
                        z * P.size("zone") for z in range(self.nr_zones_max)]
        self.anon_vma = m.alloc(128)
        self.address_space = m.alloc(256)
        self.kmem_cache = m.alloc(256)

    def struct_pages(self):
        """The struct pages of the first self.fill sections (the rest is
        the hole): returns {section: bytearray}, and the free blocks."""
        P = self.P
        o = {n: P.off("page." + n) for n in
             ("flags", "lru", "mapping", "index", "private", "_mapcount",
              "_refcount", "compound_head", "compound_dtor",
              "compound_order", "compound_mapcount")}
        pg = {n: P.num(n) for n in
              ("PG_reserved", "PG_lru", "PG_active", "PG_swapbacked",
               "PG_uptodate", "PG_dirty", "PG_referenced", "PG_head",
               "PG_slab")}
        sec_w = MAX_PHYSMEM_BITS - SECTION_SIZE_BITS
        node_w = max(1, (P.symsize("node_data") // 8 - 1).bit_length())
        zone_w = (P.num("__MAX_NR_ZONES") - 1).bit_length()
        sec_shift = 64 - sec_w
        zone_shift = sec_shift - node_w - zone_w
        small_lo = self.m.base >> PAGE_SHIFT
        small_hi = (self.m.base + len(self.m.buf)) >> PAGE_SHIFT
        self.free_heads = {}        # zone -> [pfn of order-10 heads]
        self.kinds = {}
        out = {}
        sz = self.page_sz

        def f(*names):
            v = 0
            for n in names:
                v |= 1 << pg["PG_" + n]
            return v

        for sec in range(self.fill):
            buf = bytearray(self.map_bytes)
            out[sec] = buf
            for i in range(self.sec_pfns):
                pfn = sec * self.sec_pfns + i
                b = i * sz
                base = (sec << sec_shift) | (self.zone_of(pfn) << zone_shift)
                flags, mapping, index, private = base, 0, 0, 0
                mapcount, refcount, head = -1, 1, 0
                c, sub = pfn >> 10, pfn & 1023
                if pfn < 0x100 or small_lo <= pfn < small_hi:
                    kind = "reserved"
                    flags |= f("reserved")
                elif c == 0:
                    kind = "anon"
                elif c % 4 == 0:
                    kind = "free"
                    refcount = 0
                    if sub == 0:
                        self.free_heads.setdefault(self.zone_of(pfn), []).append(pfn)
                        mapcount = ~PG_BUDDY_TYPE      # page_type: buddy
                        private = 10
                elif c % 4 == 1:
                    kind = "thp"
                    h = pfn & ~511
                    if pfn == h:
                        flags |= f("head", "lru", "active", "swapbacked",
                                   "uptodate")
                        mapping = self.anon_vma | 1
                        index = 0x7f0000000 + (pfn >> 9 << 9)
                    else:
                        refcount = 0
                        head = self.page_va(h) | 1
                        mapping = TAIL_MAPPING
                elif c % 4 == 2 and sub < 512:
                    kind = "anon"
                elif c % 4 == 2:
                    kind = "file"
                    flags |= f("lru", "uptodate") | (f("active", "referenced")
                                                     if pfn % 3 == 0 else 0)
                    mapping, index = self.address_space, pfn
                    if pfn % 4 == 0:
                        mapcount, refcount = 0, 2
                elif sub < 512:
                    kind = "slab"
                    flags |= f("slab")
                    mapping = self.kmem_cache
                else:
                    kind = "file_dirty"
                    flags |= f("lru", "uptodate", "dirty")
                    mapping, index = self.address_space, pfn
                if kind == "anon":
                    flags |= f("lru", "swapbacked", "uptodate") | \
                        (f("active") if pfn % 2 else 0)
                    mapping = self.anon_vma | 1
                    index = 0x7f0000000 + pfn
                    mapcount = 0
                self.kinds[kind] = self.kinds.get(kind, 0) + 1
                struct.pack_into("<Q", buf, b + o["flags"], flags)
                struct.pack_into("<Q", buf, b + o["mapping"], mapping)
                struct.pack_into("<Q", buf, b + o["index"], index)
                struct.pack_into("<Q", buf, b + o["private"], private)
                struct.pack_into("<i", buf, b + o["_mapcount"], mapcount)
                struct.pack_into("<i", buf, b + o["_refcount"], refcount)
                if head:
                    struct.pack_into("<Q", buf, b + o["compound_head"], head)
                    if (pfn & 511) == 1:   # first tail: the THP's order
                        buf[b + o["compound_dtor"]] = TRANSHUGE_PAGE_DTOR
                        buf[b + o["compound_order"]] = 9
                        struct.pack_into("<i", buf, b + o["compound_mapcount"], 0)
            # slab pageblocks are unmovable, reserved ones too
            for blk in range(self.sec_pfns >> 9):
                pfn = sec * self.sec_pfns + (blk << 9)
                c = pfn >> 10
                if (c % 4 == 3 and not pfn & 512) or pfn < 0x100 or \
                        small_lo <= pfn < small_hi:
                    self.set_pageblock_mt(pfn, P.num("MIGRATE_UNMOVABLE"))
        return out

    def zones_and_lists(self):
        P, m = self.P, self.m
        pfns = self.pfns
        spans = [(1, 4096), (4096, 1 << 20), (1 << 20, pfns)]
        mm_pages = self.mm_size >> PAGE_SHIFT
        small_pages = SMALL_SIZE >> PAGE_SHIFT
        self.sizes = []
        zone_names = self.ksym("zone_names")
        o_fa, fa_sz = P.off("zone.free_area"), P.size("free_area")
        o_fl, o_nf = P.off("free_area.free_list"), P.off("free_area.nr_free")
        nr_orders = P.length("zone.free_area")
        nr_mt = P.length("free_area.free_list")
        movable = P.num("MIGRATE_MOVABLE")
        o_lru = P.off("page.lru")
        managed_total = 0
        for z, (lo, hi) in enumerate(spans):
            present = hi - lo
            managed = present - (0x100 if z == 0 else 0) - \
                (small_pages if z == 1 else 0) - (mm_pages if z == 2 else 0)
            managed_total += managed
            self.sizes.append((lo, hi, present, managed))
        min_free_kb = min(int(math.sqrt(managed_total * 4 * 16)), 262144)
        min_pages = min_free_kb // 4
        total_free = 0
        lowmem = [[0] * self.nr_zones_max for _ in range(self.nr_zones_max)]
        ratio = [256, 256, 32, 0, 0]
        for i in range(3):
            acc = 0
            for j in range(i + 1, 3):
                acc += self.sizes[j][3]
                lowmem[i][j] = acc // ratio[i] if ratio[i] else 0
        totalreserve = 0
        for z in range(self.nr_zones_max):
            zv = self.zone_va[z]
            m.w64(zv + P.off("zone.name"), m.r64(zone_names + 8 * z))
            m.w64(zv + P.off("zone.zone_pgdat"), self.pgdat)
            m.w32(zv + P.off("zone.node"), 0)
            pcp = self.pcpu_alloc(P.size("per_cpu_pages"))
            zs = self.pcpu_alloc(P.size("per_cpu_zonestat"))
            m.w64(zv + P.off("zone.per_cpu_pageset"), pcp)
            m.w64(zv + P.off("zone.per_cpu_zonestats"), zs)
            for j in range(self.nr_zones_max):
                m.w64(zv + P.off("zone.lowmem_reserve") + 8 * j, lowmem[z][j])
            if z >= 3:
                continue           # Movable, Device: empty, zeroed
            lo, hi, present, managed = self.sizes[z]
            wmin = min_pages * managed // managed_total
            step = max(wmin // 4, managed * 10 // 10000)
            wm = [wmin, wmin + step, wmin + 2 * step]
            for i, v in enumerate(wm):
                m.w64(zv + P.off("zone._watermark") + 8 * i, v)
            m.w64(zv + P.off("zone.zone_start_pfn"), lo)
            m.w64(zv + P.off("zone.managed_pages"), managed)
            m.w64(zv + P.off("zone.spanned_pages"), hi - lo)
            m.w64(zv + P.off("zone.present_pages"), present)
            m.w32(zv + P.off("zone.initialized"), 1)
            m.w8(zv + P.off("zone.contiguous"), 1)
            batch = 63
            m.w32(zv + P.off("zone.pageset_high"), 6 * batch)
            m.w32(zv + P.off("zone.pageset_batch"), batch)
            unit_pcp = self.unit + pcp
            m.w32(unit_pcp + P.off("per_cpu_pages.high"), 6 * batch)
            m.w32(unit_pcp + P.off("per_cpu_pages.batch"), batch)
            for i in range(P.length("per_cpu_pages.lists")):
                list_init(m, unit_pcp + P.off("per_cpu_pages.lists") + 16 * i)
            m.w8(self.unit + zs + P.off("per_cpu_zonestat.stat_threshold"), 125)
            for o in range(nr_orders):
                for mt in range(nr_mt):
                    list_init(m, zv + o_fa + o * fa_sz + o_fl + 16 * mt)
            heads = self.free_heads.get(z, [])
            if heads:
                lh = zv + o_fa + 10 * fa_sz + o_fl + 16 * movable
                vas = [lh] + [self.page_va(p) + o_lru for p in heads] + [lh]
                for k in range(1, len(vas) - 1):
                    sec = heads[k - 1] // self.sec_pfns
                    b = (heads[k - 1] % self.sec_pfns) * self.page_sz + o_lru
                    struct.pack_into("<QQ", self.pages[sec], b, vas[k + 1],
                                     vas[k - 1])
                m.w64(lh, vas[1])
                m.w64(lh + 8, vas[-2])
                m.w64(zv + o_fa + 10 * fa_sz + o_nf, len(heads))
            free = len(heads) << 10
            total_free += free
            m.w64(zv + P.off("zone.vm_stat") + 8 * P.num("NR_FREE_PAGES"), free)
            totalreserve += min(max(lowmem[z]) + wm[2], managed)
        pd = self.pgdat
        m.w32(pd + P.off("pglist_data.nr_zones"), 3)
        m.w64(pd + P.off("pglist_data.node_start_pfn"), 0)
        m.w64(pd + P.off("pglist_data.node_present_pages"),
              sum(s[2] for s in self.sizes))
        m.w64(pd + P.off("pglist_data.node_spanned_pages"), pfns)
        m.w32(pd + P.off("pglist_data.node_id"), 0)
        m.w64(pd + P.off("pglist_data.totalreserve_pages"), totalreserve)
        ns = self.pcpu_alloc(P.size("per_cpu_nodestat"))
        m.w64(pd + P.off("pglist_data.per_cpu_nodestats"), ns)
        m.w8(self.unit + ns + P.off("per_cpu_nodestat.stat_threshold"), 125)
        m.w64(self.ksym("vm_zone_stat") + 8 * P.num("NR_FREE_PAGES"), total_free)
        m.w64(self.ksym("_totalram_pages"), managed_total)
        m.w64(self.ksym("totalreserve_pages"), totalreserve)
        self.total_free = total_free

    def make_vmcoreinfo(self):
        """As kernel/crash_core.c and x86's arch_crash_save_vmcoreinfo()
        write it for 6.1 (the keys tests/synth/vmcoreinfo.c writes)."""
        P, V, m = self.P, self.V, self.m
        uts = V.sym("init_uts_ns")
        raw = bytes(m.buf[m.phys(uts):m.phys(uts) + 512])
        name_off = raw.find(b"Linux\0")
        release = raw[name_off + 130:raw.index(b"\0", name_off + 130)].decode()
        L = []

        def sym(n, v):
            L.append("SYMBOL(%s)=%x" % (n, v))

        def off(tm):
            L.append("OFFSET(%s)=%d" % (tm, P.off(tm)))

        def size(t):
            L.append("SIZE(%s)=%d" % (t, P.size(t)))

        def number(n, v):
            L.append("NUMBER(%s)=%d" % (n, v))

        L.append("OSRELEASE=%s" % release)
        L.append("BUILD-ID=%s" % P.kv["BUILD-ID"])
        L.append("PAGESIZE=%d" % (1 << PAGE_SHIFT))
        sym("init_uts_ns", uts)
        L.append("OFFSET(uts_namespace.name)=%d" % name_off)
        sym("node_online_map", self.ksym("node_states") + self.nodemask * 1)
        sym("swapper_pg_dir", self.ksym("init_top_pgt"))
        sym("_stext", self.ksym("_stext"))
        sym("mem_section", self.roots)
        L.append("LENGTH(mem_section)=%d" % self.nr_roots)
        size("mem_section")
        off("mem_section.section_mem_map")
        number("SECTION_SIZE_BITS", SECTION_SIZE_BITS)
        number("MAX_PHYSMEM_BITS", MAX_PHYSMEM_BITS)
        for t in ("page", "pglist_data", "zone", "free_area", "list_head"):
            size(t)
        L.append("SIZE(nodemask_t)=%d" % self.nodemask)
        for tm in ("page.flags", "page._refcount", "page.mapping", "page.lru",
                   "page._mapcount", "page.private", "page.compound_dtor",
                   "page.compound_order", "page.compound_head",
                   "pglist_data.node_zones", "pglist_data.nr_zones",
                   "pglist_data.node_start_pfn",
                   "pglist_data.node_spanned_pages", "pglist_data.node_id",
                   "zone.free_area", "zone.vm_stat", "zone.spanned_pages",
                   "free_area.free_list", "list_head.next", "list_head.prev"):
            off(tm)
        L.append("LENGTH(zone.free_area)=%d" % P.length("zone.free_area"))
        L.append("LENGTH(free_area.free_list)=%d"
                 % P.length("free_area.free_list"))
        for n in ("NR_FREE_PAGES", "PG_lru", "PG_private", "PG_swapcache",
                  "PG_swapbacked", "PG_slab", "PG_hwpoison"):
            number(n, P.num(n))
        number("PG_head_mask", 1 << P.num("PG_head"))
        number("PAGE_BUDDY_MAPCOUNT_VALUE", ~PG_BUDDY_TYPE)
        number("PAGE_OFFLINE_MAPCOUNT_VALUE", ~PG_OFFLINE_TYPE)
        number("phys_base", PHYS_BASE)
        sym("init_top_pgt", self.ksym("init_top_pgt"))
        number("pgtable_l5_enabled", 0)
        sym("node_data", self.ksym("node_data"))
        L.append("LENGTH(node_data)=%d" % (P.symsize("node_data") // 8))
        L.append("KERNELOFFSET=0")
        number("KERNEL_IMAGE_SIZE", 1 << 30)
        L.append("CRASHTIME=1700000000")
        return ("\n".join(L) + "\n").encode()


# ---- the ELF file --------------------------------------------------------

def note(name, typ, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), typ) + pad(n) + pad(desc)


def write_elf(mc, path):
    notes = note("CORE", 1, b"\0" * 32 + struct.pack("<I", 1) + b"\0" * 300) + \
        note("VMCOREINFO", 0, mc.vmcoreinfo)
    align = 2 << 20
    note_off = 4096
    small_off = align
    mm_off = (small_off + SMALL_SIZE + align - 1) // align * align
    total = mm_off + mc.mm_size
    phdrs = [
        (4, 0, note_off, 0, 0, len(notes), len(notes), 0),          # PT_NOTE
        (1, 7, small_off, PAGE_OFFSET + mc.m.base, mc.m.base,
         SMALL_SIZE, SMALL_SIZE, 0),
        (1, 7, mm_off, PAGE_OFFSET + mc.mm_phys, mc.mm_phys,
         mc.mm_size, mc.mm_size, 0),
    ]
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 + struct.pack(
        "<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, len(phdrs), 0, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
    if os.path.exists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.pwrite(fd, eh + ph, 0)
        os.pwrite(fd, notes, note_off)
        os.pwrite(fd, bytes(mc.m.buf), small_off)
        for sec, buf in mc.pages.items():
            os.pwrite(fd, bytes(buf), mm_off + mc.map_phys(sec) - mc.mm_phys)
        try:
            os.ftruncate(fd, total)
        except OSError as e:
            die("%s: cannot make a %d GiB sparse file here: %s"
                % (path, total >> 30, e.strerror))
        os.fsync(fd)
    finally:
        os.close(fd)
    st = os.stat(path)
    if st.st_blocks * 512 > 256 << 20:
        die("%s: the filesystem did not keep the file sparse (%d MiB "
            "allocated)" % (path, st.st_blocks * 512 >> 20))
    return mm_off, total, st.st_blocks * 512


# ---- measuring -----------------------------------------------------------

def drop_file_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def cached_fraction(path):
    """Share of the file's pages in the page cache (util-linux fincore)."""
    if not shutil.which("fincore"):
        return None
    p = subprocess.run(["fincore", "--bytes", "--noheadings", "--raw",
                        "--output", "RES,SIZE", path],
                       capture_output=True, text=True)
    try:
        res, size = p.stdout.split()
        return int(res) / int(size)
    except ValueError:
        return None


def timed(cmd):
    with tempfile.NamedTemporaryFile("r") as tf:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f",
                            "%M %U %S"] + cmd,
                           capture_output=True, text=True, timeout=3600)
        secs = time.perf_counter() - t0
        rss, user, sys_ = tf.read().split()[-3:]
    return secs, int(rss), float(user) + float(sys_), p


def copy_main(path, off, length, threads):
    """--copy: pread() length bytes at off into reused 2 MiB buffers, in
    the order the scan reads them (section 0 first: the mem_map arrays are
    laid out top-down, so from the end of the range backwards), threads
    taking the next chunk as the scan's workers do; prints bytes, seconds."""
    chunk = 2 << 20
    fd = os.open(path, os.O_RDONLY)
    order = iter(range((length + chunk - 1) // chunk - 1, -1, -1))
    lock = threading.Lock()
    done = [0] * threads

    def run(i):
        buf = bytearray(chunk)
        while True:
            with lock:
                c = next(order, None)
            if c is None:
                return
            n = min(chunk, length - c * chunk)
            done[i] += os.preadv(fd, [memoryview(buf)[:n]], off + c * chunk)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    secs = time.perf_counter() - t0
    os.close(fd)
    print(sum(done), secs)
    return 0 if sum(done) == length else 1


def fmt_rate(pages, secs):
    return "%6.1f M pages/s" % (pages / secs / 1e6) if secs > 0 else "   n/a"


def measure(args, mc, path, mm_off):
    """Runs the scans and the copy on one dump; returns (peak RSS per
    thread count, ok, the set of pages_scanned seen)."""
    want = mc.nr_sections * mc.sec_pfns
    base = ["--vmlinux", args.vmlinux, "--no-auto", path]
    ok = True
    rss, scanned = {}, set()
    # a quick look first: the dump opens and its free list is what we wrote
    p = subprocess.run([args.mmscope, "buddyinfo", "--json"] + base,
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("  FAIL: mmscope buddyinfo: %s" % p.stderr.strip())
        return rss, False, scanned
    bi = {z["zone"]: z for z in json.loads(p.stdout)}
    got = bi.get("DMA32", {}).get("nr_free", [0] * 11)[10]
    want_free = len(mc.free_heads.get(1, []))
    print("  buddyinfo: %s; DMA32 order-10 free blocks %d (written %d)"
          % (", ".join("%s %d pages free" % (n, z["walk"]["free_pages"])
                       for n, z in bi.items()), got, want_free))
    if got != want_free:
        print("  FAIL: buddyinfo does not find the free blocks written")
        ok = False
    for th in (1, 2):
        for run in (1, 2):
            if run == 1:
                drop_file_cache(path)
            frac = cached_fraction(path)
            load = os.getloadavg()[0]
            secs, r, cpu, p = timed([args.mmscope, "page-types", "--json",
                                "--threads", str(th)] + base)
            if p.returncode != 0:
                print("  FAIL: mmscope page-types --threads %d: exit %d: %s"
                      % (th, p.returncode, p.stderr.strip()))
                ok = False
                continue
            j = json.loads(p.stdout)
            pages, scan = j["pages_scanned"], j["scan_microseconds"] / 1e6
            buddy = sum(f["pages"] for f in j["flags"]
                        if int(f["flags"], 16) >> KPF_BUDDY & 1)
            rss[th] = max(rss.get(th, 0), r)
            scanned.add(pages)
            print("  mmscope %d thread%s run %d (%s): %11d pages, scan "
                  "%6.2f s, %s, wall %6.2f s, cpu %6.2f s, peak RSS %5.1f MiB"
                  % (th, "s" if th > 1 else " ", run,
                     "cache dropped" if run == 1 else "warm  ", pages, scan,
                     fmt_rate(pages, scan), secs, cpu, r / 1024)
                  + ("" if frac is None else
                     ", dump cached before %3.0f%%" % (100 * frac))
                  + ", load %.1f" % load, flush=True)
            if pages != want or j["excluded"] != 0:
                print("  FAIL: %d pages scanned, %d excluded; want %d = %d "
                      "sections x %d, none excluded"
                      % (pages, j["excluded"], want, mc.nr_sections,
                         mc.sec_pfns))
                ok = False
            if buddy != mc.total_free:
                print("  FAIL: %d buddy pages found, %d written"
                      % (buddy, mc.total_free))
                ok = False
    for th in (1, 2):
        for run in (1, 2):
            if run == 1:
                drop_file_cache(path)
            frac = cached_fraction(path)
            load = os.getloadavg()[0]
            secs, r, cpu, p = timed(["/usr/bin/python3", os.path.abspath(__file__),
                                "--copy", path, str(mm_off), str(mc.mm_size),
                                str(th)])
            try:
                n, csecs = p.stdout.split()
                n, csecs = int(n), float(csecs)
            except ValueError:
                print("  FAIL: pread copy: %s" % p.stderr.strip())
                ok = False
                continue
            print("  pread copy %d thread%s run %d (%s): %5.1f GiB in %6.2f s "
                  "= %5.2f GiB/s (%s if decoding were free), wall %6.2f s, "
                  "cpu %6.2f s, peak RSS %5.1f MiB"
                  % (th, "s" if th > 1 else " ", run,
                     "cache dropped" if run == 1 else "warm  ", n / 2**30,
                     csecs, n / 2**30 / csecs,
                     fmt_rate(n / mc.page_sz, csecs), secs, cpu, r / 1024)
                  + ("" if frac is None else
                     ", dump cached before %3.0f%%" % (100 * frac))
                  + ", load %.1f" % load, flush=True)
    drop_file_cache(path)
    return rss, ok, scanned


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--copy":
        return copy_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                         int(sys.argv[5]))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mmscope")
    ap.add_argument("vmlinux", help="the synthetic vmlinux-sparse61")
    ap.add_argument("--dir", help="where to write the dumps (default: "
                    "$TMPDIR/mmscope-scale)")
    ap.add_argument("--gib", type=int, default=1024)
    ap.add_argument("--ref-gib", type=int, default=64)
    ap.add_argument("--fill", type=int, default=4,
                    help="sections with written struct pages (default 4)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the dumps afterwards")
    args = ap.parse_args()
    args.mmscope = os.path.abspath(args.mmscope)
    args.vmlinux = os.path.abspath(args.vmlinux)
    d = args.dir or os.path.join(tempfile.gettempdir(), "mmscope-scale")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists("/usr/bin/time"):
        die("needs GNU time (/usr/bin/time) for peak RSS")
    # real disk: the written region and the filled struct pages per dump
    need = 2 * (SMALL_SIZE + args.fill * (2 << 20) + (4 << 20)) + (32 << 20)
    st = os.statvfs(d)
    free = st.f_bavail * st.f_frsize
    if free < need:
        die("%s: %d MiB free, the dumps need %d MiB of real disk (plus "
            "sparse files of %d and %d GiB apparent size); give --dir "
            "elsewhere" % (d, free >> 20, need >> 20, args.gib >> 6,
                           args.ref_gib >> 6))
    prof_path = os.path.join(d, "sparse61.profile")
    p = subprocess.run([args.mmscope, "profile", "extract", "--vmlinux",
                        args.vmlinux, "-o", prof_path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        die("profile extract: %s" % p.stderr.strip())
    prof, vml = Profile(prof_path), Vmlinux(args.vmlinux)
    print("%d CPUs online, load average %.2f %.2f %.2f (other work on the "
          "machine shares the CPUs: figures are what this run got); "
          "'cache dropped' = posix_fadvise(DONTNEED) on the dump before the "
          "run (no root drop_caches), 'warm' = straight after; pages/s = "
          "pages_scanned / scan_microseconds; cpu = user + system time of the "
          "process (GNU time)" % ((os.cpu_count(),) +
                                                   os.getloadavg()),
          flush=True)
    results, ok = {}, True
    want, scanned = {}, {}
    for gib in (args.gib, args.ref_gib):
        mc = Machine(gib, prof, vml, args.fill)
        t0 = time.perf_counter()
        mc.build()
        path = os.path.join(d, "vmcore-%dg.elf" % gib)
        mm_off, total, disk = write_elf(mc, path)
        print("%d GiB machine: %d sections, %d struct pages, mem_map %.0f GiB "
              "(hole but %d written sections); %s: %.1f GiB apparent, %.1f "
              "MiB on disk, made in %.1f s"
              % (gib, mc.nr_sections, mc.nr_sections * mc.sec_pfns,
                 mc.mm_size / 2**30, mc.fill, path, total / 2**30,
                 disk / 2**20, time.perf_counter() - t0), flush=True)
        want[gib] = (mc.nr_sections, mc.nr_sections * mc.sec_pfns)
        results[gib], good, scanned[gib] = measure(args, mc, path, mm_off)
        ok = ok and good
        if not args.keep:
            os.unlink(path)
    print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())
    for gib in (args.gib, args.ref_gib):
        seen = ", ".join(str(n) for n in sorted(scanned[gib])) or "none"
        good = scanned[gib] == {want[gib][1]}
        print("pages scanned, %d GiB: %s (want %d sections x 32768 = %d)%s"
              % (gib, seen, want[gib][0], want[gib][1],
                 "" if good else " FAIL"))
        ok = ok and good
    for th in (1, 2):
        a, b = results[args.gib].get(th), results[args.ref_gib].get(th)
        if a is None or b is None:
            print("peak RSS, %d thread%s: not measured FAIL"
                  % (th, "s" if th > 1 else ""))
            ok = False
            continue
        print("peak RSS, %d thread%s: %d GiB dump %.1f MiB, %d GiB dump %.1f "
              "MiB (ratio %.2f)" % (th, "s" if th > 1 else "", args.gib,
                                   a / 1024, args.ref_gib, b / 1024, a / b))
        if a > 2 * b:
            print("FAIL: peak RSS grows with the dump")
            ok = False
    if not args.keep:
        os.unlink(prof_path)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
