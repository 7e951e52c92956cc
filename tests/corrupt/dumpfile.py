# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reading and patching dump files in memory, for the corruption corpus:
an ELF vmcore or a zlib kdump-compressed file as a bytearray with
physical-address reads and writes, VMCOREINFO replaced or removed, pages
excluded as makedumpfile's filtering would, and x86-64 kernel virtual
addresses translated through the dump's own page tables.

Only what make_and_check.py needs: little-endian ELF64, kdump header
version 6 with zlib (or uncompressed) pages.
"""
import os
import struct
import zlib

PAGE = 4096
KERNEL_MAP = 0xFFFFFFFF80000000
PT_LOAD, PT_NOTE = 1, 4
KDUMP_ZLIB = 0x1


class Unsupported(Exception):
    pass


class Patched:
    """A dump file as its clean bytes (shared, never copied) plus the
    writes and appends made to it: a 50 MB dump with one word changed is
    written by copying the clean file in the kernel and patching it."""

    def __init__(self, base, base_path=None):
        self.base = base
        self.base_path = base_path
        self.extra = bytearray()
        self.patches = []           # (offset, bytes), applied in order

    def __len__(self):
        return len(self.base) + len(self.extra)

    def _slice(self, key):
        if isinstance(key, int):
            if key < 0:
                key += len(self)
            return key, key + 1
        start, stop, _ = key.indices(len(self))
        return start, max(start, stop)

    def __getitem__(self, key):
        a, b = self._slice(key)
        nb = len(self.base)
        out = bytearray(self.base[a:min(b, nb)])
        if b > nb:
            out += self.extra[max(a, nb) - nb:b - nb]
        for off, data in self.patches:
            lo, hi = max(a, off), min(b, off + len(data))
            if lo < hi:
                out[lo - a:hi - a] = data[lo - off:hi - off]
        return out[0] if isinstance(key, int) else bytes(out)

    def __setitem__(self, key, value):
        a, b = self._slice(key)
        value = bytes([value]) if isinstance(key, int) else bytes(value)
        if len(value) != b - a:
            raise ValueError("a patch cannot change the file's size")
        self.patches.append((a, value))

    def __iadd__(self, more):
        self.extra += more
        return self

    def write(self, path):
        if self.base_path:
            with open(self.base_path, "rb") as src, open(path, "wb") as dst:
                n = len(self.base)
                while n:
                    got = os.copy_file_range(src.fileno(), dst.fileno(), n)
                    if got <= 0:
                        raise OSError("copy_file_range stopped")
                    n -= got
        else:
            with open(path, "wb") as dst:
                dst.write(self.base)
        with open(path, "r+b") as f:
            f.seek(len(self.base))
            f.write(self.extra)
            for off, data in self.patches:
                f.seek(off)
                f.write(data)


def get(data, fmt, off):
    return struct.unpack(fmt, data[off:off + struct.calcsize(fmt)])


def put(data, fmt, off, *vals):
    data[off:off + struct.calcsize(fmt)] = struct.pack(fmt, *vals)


def parse_notes(blob):
    """[(name, type, desc)] of an ELF note segment."""
    notes, pos = [], 0
    while pos + 12 <= len(blob):
        namesz, descsz, ntype = struct.unpack_from("<III", blob, pos)
        name_end = pos + 12 + namesz
        desc_off = pos + 12 + (namesz + 3) // 4 * 4
        if desc_off + descsz > len(blob):
            break
        name = bytes(blob[pos + 12:name_end]).rstrip(b"\0")
        notes.append((name, ntype, bytes(blob[desc_off:desc_off + descsz])))
        pos = desc_off + (descsz + 3) // 4 * 4
    return notes


def build_notes(notes):
    out = bytearray()
    for name, ntype, desc in notes:
        n = name + b"\0"
        out += struct.pack("<III", len(n), len(desc), ntype)
        out += n + b"\0" * (-len(n) % 4)
        out += desc + b"\0" * (-len(desc) % 4)
    return bytes(out)


class Dump:
    """Common part: physical reads and writes in whole pages."""

    def read_phys(self, paddr, n):
        out = bytearray()
        while n:
            pfn, off = divmod(paddr, PAGE)
            page = self.read_page(pfn)
            if page is None:
                raise KeyError("pfn 0x%x not in the dump" % pfn)
            take = min(n, PAGE - off)
            out += page[off:off + take]
            paddr += take
            n -= take
        return bytes(out)

    def write_phys(self, paddr, data):
        while data:
            pfn, off = divmod(paddr, PAGE)
            page = self.read_page(pfn)
            if page is None:
                raise KeyError("pfn 0x%x not in the dump" % pfn)
            take = min(len(data), PAGE - off)
            page = bytearray(page)
            page[off:off + take] = data[:take]
            self.write_page(pfn, bytes(page))
            paddr += take
            data = data[take:]

    def u64(self, paddr):
        return struct.unpack("<Q", self.read_phys(paddr, 8))[0]

    def put_u64(self, paddr, v):
        self.write_phys(paddr, struct.pack("<Q", v & (2**64 - 1)))

    def vmcoreinfo(self):
        text = self.vmcoreinfo_text()
        facts = {}
        for line in text.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                facts[k] = v
        return facts


class ElfDump(Dump):
    fmt = "elf"

    def __init__(self, data, path=None):
        self.data = data
        self.path = path
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2:
            raise Unsupported("not ELF64")
        self._parse()

    def _parse(self):
        d = self.data
        self.phoff, = get(d, "<Q", 32)
        self.phnum, = get(d, "<H", 56)
        self.phdrs = [list(get(d, "<IIQQQQQQ", self.phoff + i * 56))
                      for i in range(self.phnum)]

    def copy(self):
        """A copy whose writes land in a Patched file."""
        c = ElfDump.__new__(ElfDump)
        c.path = self.path
        c.data = Patched(self.data, self.path)
        c._parse()
        return c

    def _locs(self, pfn):
        """File offsets of pfn's page, one per PT_LOAD holding it whole."""
        paddr = pfn * PAGE
        locs = []
        for ph in self.phdrs:
            p_type, _, off, _, p_paddr, filesz, _, _ = ph
            if p_type != PT_LOAD or p_paddr == 2**64 - 1:
                continue
            if p_paddr <= paddr and paddr + PAGE <= p_paddr + filesz:
                locs.append(off + paddr - p_paddr)
        return locs

    def read_page(self, pfn):
        locs = self._locs(pfn)
        if not locs or locs[0] + PAGE > len(self.data):
            return None
        return bytes(self.data[locs[0]:locs[0] + PAGE])

    def write_page(self, pfn, page):
        for off in self._locs(pfn):
            self.data[off:off + PAGE] = page

    def _note_phdr(self):
        for i, ph in enumerate(self.phdrs):
            if ph[0] == PT_NOTE:
                return i
        raise Unsupported("no PT_NOTE")

    def notes(self):
        ph = self.phdrs[self._note_phdr()]
        return parse_notes(self.data[ph[2]:ph[2] + ph[5]])

    def vmcoreinfo_text(self):
        for name, _, desc in self.notes():
            if name == b"VMCOREINFO":
                return desc.decode("latin-1")
        return ""

    def set_notes(self, notes):
        """Appends a new note segment at the end of the file."""
        i = self._note_phdr()
        blob = build_notes(notes)
        off = len(self.data)
        self.data += blob
        self.phdrs[i][2] = off
        self.phdrs[i][5] = len(blob)
        put(self.data, "<IIQQQQQQ", self.phoff + i * 56, *self.phdrs[i])

    def set_vmcoreinfo(self, text):
        notes = [(n, t, text.encode("latin-1") if n == b"VMCOREINFO" else d)
                 for n, t, d in self.notes()]
        self.set_notes(notes)

    def drop_vmcoreinfo(self):
        self.set_notes([x for x in self.notes() if x[0] != b"VMCOREINFO"])

    def set_phdrs(self, phdrs):
        """Writes a new program header table at the end of the file."""
        off = len(self.data)
        for ph in phdrs:
            self.data += struct.pack("<IIQQQQQQ", *ph)
        put(self.data, "<Q", 32, off)
        put(self.data, "<H", 56, len(phdrs))
        self._parse()

    def exclude_page(self, pfn):
        """Cuts pfn out of every PT_LOAD (splitting it in two)."""
        paddr = pfn * PAGE
        out = []
        for ph in self.phdrs:
            p_type, flags, off, vaddr, p_paddr, filesz, memsz, align = ph
            if (p_type != PT_LOAD or not p_paddr <= paddr < p_paddr + filesz):
                out.append(ph)
                continue
            head = paddr - p_paddr
            if head:
                out.append([p_type, flags, off, vaddr, p_paddr, head, head,
                            align])
            tail = head + PAGE
            if tail < filesz:
                out.append([p_type, flags, off + tail, vaddr + tail,
                            p_paddr + tail, filesz - tail, memsz - tail,
                            align])
        self.set_phdrs(out)


class KdumpDump(Dump):
    fmt = "kdump"

    def __init__(self, data, path=None):
        self.data = data
        self.path = path
        d = self.data
        if d[:8] not in (b"KDUMP   ", b"DISKDUMP"):
            raise Unsupported("not a kdump file")
        self.bs, self.sub_blocks, self.bitmap_blocks = get(d, "<iii", 428)
        self.sub = self.bs
        self.max_mapnr, = get(d, "<Q", self.sub + 96)
        if not self.max_mapnr:
            self.max_mapnr, = get(d, "<I", 440)
        self.bitmap_off = self.bs * (1 + self.sub_blocks)
        half = self.bs * self.bitmap_blocks // 2
        self.bitmap1_off = self.bitmap_off
        self.bitmap2_off = self.bitmap_off + half
        self.desc_off = self.bitmap_off + self.bs * self.bitmap_blocks
        self._index()

    def _index(self):
        bm = self.data[self.bitmap2_off:self.bitmap2_off +
                       (self.max_mapnr + 7) // 8]
        self.index = {}
        n = 0
        for byte_i, byte in enumerate(bm):
            if not byte:
                continue
            for bit in range(8):
                if byte >> bit & 1:
                    self.index[byte_i * 8 + bit] = n
                    n += 1
        # pfns in order need ranks in order: recount in pfn order
        self.index = {pfn: i for i, pfn in enumerate(sorted(self.index))}
        self.nr_dumped = len(self.index)

    def copy(self):
        c = KdumpDump.__new__(KdumpDump)
        c.__dict__.update(self.__dict__)
        c.data = Patched(self.data, self.path)
        c.index = dict(self.index)
        return c

    def desc(self, pfn):
        i = self.index.get(pfn)
        if i is None:
            return None, None
        at = self.desc_off + 24 * i
        return at, get(self.data, "<qIIQ", at)

    def read_page(self, pfn):
        at, desc = self.desc(pfn)
        if desc is None:
            return None
        off, size, flags, _ = desc
        raw = bytes(self.data[off:off + size])
        if flags & KDUMP_ZLIB:
            return zlib.decompress(raw)
        if flags:
            raise Unsupported("page of pfn 0x%x compressed with flags 0x%x"
                              % (pfn, flags))
        return raw

    def write_page(self, pfn, page):
        at, desc = self.desc(pfn)
        if desc is None:
            raise KeyError("pfn 0x%x not in the dump" % pfn)
        comp = zlib.compress(page)
        off = len(self.data)
        self.data += comp
        put(self.data, "<qIIQ", at, off, len(comp), KDUMP_ZLIB, desc[3])

    def _sub(self, fmt, off):
        return get(self.data, fmt, self.sub + off)[0]

    def vmcoreinfo_text(self):
        off, size = self._sub("<q", 32), self._sub("<Q", 40)
        return bytes(self.data[off:off + size]).decode("latin-1")

    def notes(self):
        off, size = self._sub("<q", 48), self._sub("<Q", 56)
        return parse_notes(self.data[off:off + size])

    def _set_notes(self, notes):
        blob = build_notes(notes)
        off = len(self.data)
        self.data += blob
        put(self.data, "<qQ", self.sub + 48, off, len(blob))

    def set_vmcoreinfo(self, text):
        raw = text.encode("latin-1")
        off = len(self.data)
        self.data += raw
        put(self.data, "<qQ", self.sub + 32, off, len(raw))
        self._set_notes([(n, t, raw if n == b"VMCOREINFO" else d)
                         for n, t, d in self.notes()])

    def drop_vmcoreinfo(self):
        put(self.data, "<qQ", self.sub + 32, 0, 0)
        self._set_notes([x for x in self.notes() if x[0] != b"VMCOREINFO"])

    def exclude_page(self, pfn):
        """Leaves pfn out of the 2nd (dumped) bitmap and of the page
        descriptors, as makedumpfile's filtering does."""
        i = self.index.get(pfn)
        if i is None:
            return
        byte = self.bitmap2_off + pfn // 8
        self.data[byte] = self.data[byte] & ~(1 << (pfn % 8)) & 0xFF
        start = self.desc_off + 24 * i
        end = self.desc_off + 24 * self.nr_dumped
        self.data[start:end - 24] = self.data[start + 24:end]
        self.data[end - 24:end] = bytes(24)
        self._index()


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x7fELF":
        return ElfDump(data, path)
    return KdumpDump(data, path)


class Kernel:
    """x86-64 address translation over a Dump, from mmscope info's bases
    and VMCOREINFO's init_top_pgt (the kernel's own page tables)."""

    def __init__(self, dump, info, vmci):
        self.dump = dump
        self.pob = int(info["page_offset_base"], 16)
        self.phys_base = int(info["phys_base"], 16)
        self.max_pfn = info["max_pfn"]
        pgt = vmci.get("SYMBOL(init_top_pgt)") or \
            vmci.get("SYMBOL(init_level4_pgt)")
        self.pgd = (int(pgt, 16) - KERNEL_MAP + self.phys_base) % 2**64 \
            if pgt else None

    def v2p(self, v, trace=None):
        if KERNEL_MAP <= v < KERNEL_MAP + (1 << 30):
            # phys_base may be negative (printed as a huge hex number)
            return (v - KERNEL_MAP + self.phys_base) % 2**64
        if self.pob and self.pob <= v < self.pob + (self.max_pfn << 12):
            return v - self.pob
        return self.walk(v, trace)

    def walk(self, v, trace=None):
        """4-level walk; trace gets the physical address of each entry."""
        if self.pgd is None:
            raise KeyError("no init_top_pgt")
        table = self.pgd
        for level, shift in ((4, 39), (3, 30), (2, 21), (1, 12)):
            at = table + ((v >> shift) & 511) * 8
            e = self.dump.u64(at)
            if trace is not None:
                trace.append((level, at, e))
            if not e & 1:
                raise KeyError("0x%x not mapped (level %d)" % (v, level))
            base = e & 0x000FFFFFFFFFF000
            if level in (3, 2) and e & 0x80:     # 1 GiB / 2 MiB page
                return (base & ~((1 << shift) - 1)) + (v & ((1 << shift) - 1))
            table = base
        return base + (v & 4095)

    def read(self, v, n):
        out = b""
        while n:
            take = min(n, PAGE - v % PAGE)
            out += self.dump.read_phys(self.v2p(v), take)
            v += take
            n -= take
        return out

    def u64(self, v):
        return struct.unpack("<Q", self.read(v, 8))[0]

    def write(self, v, data):
        while data:
            take = min(len(data), PAGE - v % PAGE)
            self.dump.write_phys(self.v2p(v), data[:take])
            v += take
            data = data[take:]

    def put_u64(self, v, val):
        self.write(v, struct.pack("<Q", val & (2**64 - 1)))
