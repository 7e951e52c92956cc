#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Makes the generated part of the fuzz seed corpora and the fuzzers' data
from the synthetic dumps (tests/synth), so nothing of MBs is committed:

  OUT/profiles/<OSRELEASE>.profile  type profile of each synthetic vmlinux
  OUT/seeds/dump/<layout>.elf       each layout's ELF vmcore cut down to
                                    the pages mmscope reads (a few dozen
                                    KiB instead of 50 MB)
  OUT/seeds/dwarf/vmlinux-<variant> the synthetic vmlinux files
  OUT/seeds/profile/<variant>.profile
  OUT/seeds/facts/<layout>.txt      VMCOREINFO texts and the profiles
  OUT/seeds/flat/<layout>.flat      two cut dumps in the flattened format
  OUT/base.elf                      the cut 'sparse' dump the profile
                                    fuzzer opens with each fuzzed profile
  OUT/stamp

Which pages mmscope reads is logged by preadlog.so (an LD_PRELOAD shim)
while mmscope runs every command on the full dump.

usage: make_seeds.py MMSCOPE PREADLOG_SO SYNTH_OUT_DIR OUT STAMP
"""
import os
import shutil
import struct
import subprocess
import sys

LAYOUTS = ["flatmem-2.6", "sparse", "node-mem-map", "pagetype-4.18",
           "pagetype-6.12", "loop", "wild", "badorder", "notbuddy",
           "nr-free-mismatch"]
COMMANDS = ["info", "buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat"]
PAGE = 4096
PT_LOAD, PT_NOTE = 1, 4


def osrelease(layout_dir):
    with open(os.path.join(layout_dir, "vmcoreinfo.txt")) as f:
        for line in f:
            if line.startswith("OSRELEASE="):
                return line.strip().split("=", 1)[1]
    raise SystemExit("no OSRELEASE in %s" % layout_dir)


def pages_read(mmscope, shim, dump, profile, tmp):
    """File pages (offset // PAGE) mmscope reads from dump."""
    log = os.path.join(tmp, "preads.log")
    if os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ, LD_PRELOAD=shim, MMS_PREADLOG=log,
               MMS_PREADLOG_PATH=os.path.realpath(dump))
    runs = [[c, "--profile", profile] for c in COMMANDS]
    runs += [[c, "--vmcoreinfo-only"] for c in ("info", "buddyinfo")]
    for args in runs:
        subprocess.run([mmscope] + args + ["--no-auto", dump], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
    pages = set()
    with open(log) as f:
        for line in f:
            off, n = (int(x) for x in line.split())
            pages.update(range(off // PAGE, (off + n - 1) // PAGE + 1))
    return pages


def cut_elf(src, dst, pages):
    """Writes an ELF core holding src's notes and, of its PT_LOADs, only
    the file pages in pages (each contiguous run its own PT_LOAD)."""
    with open(src, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise SystemExit("%s: not an ELF64 file" % src)
    ehdr = bytearray(data[:64])
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    notes, loads = [], []
    for i in range(phnum):
        ph = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        p_type, p_flags, p_off, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = ph
        if p_type == PT_NOTE:
            notes.append((p_flags, data[p_off:p_off + p_filesz]))
            continue
        if p_type != PT_LOAD or not p_filesz:
            continue
        # runs of wanted pages inside [p_off, p_off + p_filesz)
        first, last = p_off // PAGE, (p_off + p_filesz - 1) // PAGE
        run = None
        for pg in range(first, last + 2):
            if pg <= last and pg in pages:
                if run is None:
                    run = pg
                continue
            if run is not None:
                lo = max(run * PAGE, p_off)
                hi = min(pg * PAGE, p_off + p_filesz)
                loads.append((p_flags, p_vaddr + lo - p_off,
                              p_paddr + lo - p_off, data[lo:hi]))
                run = None
    nph = len(notes) + len(loads)
    out = bytearray()
    pos = 64 + nph * 56
    phdrs = []
    note_blobs = []
    for flags, blob in notes:
        phdrs.append(struct.pack("<IIQQQQQQ", PT_NOTE, flags, pos, 0, 0,
                                 len(blob), 0, 0))
        note_blobs.append(blob)
        pos += len(blob)
    pos = (pos + PAGE - 1) // PAGE * PAGE
    load_blobs = []
    for flags, vaddr, paddr, blob in loads:
        # keep the in-page offset so offsets and addresses stay congruent
        pad = paddr % PAGE
        start = pos + pad
        phdrs.append(struct.pack("<IIQQQQQQ", PT_LOAD, flags, start, vaddr,
                                 paddr, len(blob), len(blob), PAGE))
        load_blobs.append((start, blob))
        pos = (start + len(blob) + PAGE - 1) // PAGE * PAGE
    struct.pack_into("<Q", ehdr, 32, 64)
    struct.pack_into("<HH", ehdr, 54, 56, nph)
    struct.pack_into("<Q", ehdr, 40, 0)      # no section headers
    struct.pack_into("<HHH", ehdr, 58, 64, 0, 0)
    out += ehdr
    for p in phdrs:
        out += p
    for blob in note_blobs:
        out += blob
    for start, blob in load_blobs:
        out += b"\0" * (start - len(out))
        out += blob
    with open(dst, "wb") as f:
        f.write(out)
    return len(out)


def flatten(data):
    """makedumpfile -F's format: a 4 KiB header, then (be64 offset,
    be64 size, data) records, here 4 KiB each in a scrambled order, then
    the end marker offset = size = -1."""
    hdr = bytearray(4096)
    hdr[0:12] = b"makedumpfile"
    hdr[16:24] = (1).to_bytes(8, "big")   # type
    hdr[24:32] = (1).to_bytes(8, "big")   # version
    out = bytearray(hdr)
    chunks = list(range(0, len(data), PAGE))
    order = chunks[1::2] + chunks[0::2]
    for off in order:
        blob = data[off:off + PAGE]
        out += off.to_bytes(8, "big") + len(blob).to_bytes(8, "big") + blob
    out += b"\xff" * 16
    return bytes(out)


def main():
    mmscope, shim, synth, out, stamp = sys.argv[1:6]
    shutil.rmtree(os.path.join(out, "seeds"), ignore_errors=True)
    for sub in ("profiles", "seeds/dump", "seeds/dwarf", "seeds/profile",
                "seeds/facts", "seeds/flat", "tmp"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    tmp = os.path.join(out, "tmp")
    for layout in LAYOUTS:
        ld = os.path.join(synth, layout)
        vmlinux = os.path.join(ld, "vmlinux")
        profile = os.path.join(out, "profiles", osrelease(ld) + ".profile")
        subprocess.run([mmscope, "profile", "extract", "--vmlinux", vmlinux,
                        "-o", profile], check=True, timeout=300)
        shutil.copyfile(os.path.join(ld, "vmcoreinfo.txt"),
                        os.path.join(out, "seeds", "facts", layout + ".txt"))
        # the corrupt layouts share the 'sparse' kernel
        if layout in LAYOUTS[:5]:
            shutil.copyfile(profile, os.path.join(out, "seeds", "profile",
                                                  layout + ".profile"))
            shutil.copyfile(profile, os.path.join(out, "seeds", "facts",
                                                  layout + ".profile"))
            shutil.copyfile(vmlinux, os.path.join(out, "seeds", "dwarf",
                                                  "vmlinux-" + layout))
        dump = os.path.join(ld, "vmcore.elf")
        pages = pages_read(mmscope, shim, dump, profile, tmp)
        if not pages:
            raise SystemExit("%s: no reads logged: is %s preloaded?" %
                             (dump, shim))
        dst = os.path.join(out, "seeds", "dump", layout + ".elf")
        cut_elf(dump, dst, pages)
        if layout == "sparse":
            shutil.copyfile(dst, os.path.join(out, "base.elf"))
        if layout in ("sparse", "pagetype-6.12"):
            with open(dst, "rb") as f, \
                 open(os.path.join(out, "seeds", "flat", layout + ".flat"),
                      "wb") as g:
                g.write(flatten(f.read()))
    shutil.rmtree(tmp)
    with open(stamp, "w"):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
