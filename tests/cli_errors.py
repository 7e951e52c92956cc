#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bad input gets a clear one-line error naming the file or field at fault,
a non-zero exit, and never a crash: missing file, not a dump, a truncated
dump, a flattened dump cut short, a profile of another kernel, VMCOREINFO
alone asked for what it lacks, a debug file whose DWARF once hung
libdwarf."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "fixtures", "small")
DUMP = os.path.join(FIX, "vmcore.zlib-d31.kdump")
PROFILE = os.path.join(FIX, "kernel.profile")
SIBLING_LOOP = os.path.join(ROOT, "tests", "fuzz", "corpus", "dwarf",
                            "sibling-points-at-itself.o")
failures = 0
cases = 0


def expect_error(mmscope, args, needle, what, timeout=120):
    global failures, cases
    cases += 1
    try:
        p = subprocess.run([mmscope] + args, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        failures += 1
        print("FAIL %s: still running after %d s" % (what, timeout))
        return
    err = p.stderr.strip()
    ok = (p.returncode == 1 and needle in err and len(err.splitlines()) == 1
          and err.startswith("mmscope: "))
    if not ok:
        failures += 1
        print("FAIL %s: rc=%d stderr=%r" % (what, p.returncode, err))
    else:
        print("ok   %s: %s" % (what, err))


def main():
    mmscope = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        expect_error(mmscope, ["info", os.path.join(tmp, "nope")],
                     "nope: No such file", "missing file")
        junk = os.path.join(tmp, "junk")
        with open(junk, "wb") as f:
            f.write(b"hello, not a dump\n" * 100)
        expect_error(mmscope, ["info", junk], "junk: not a dump",
                     "not a dump")
        with open(DUMP, "rb") as f:
            data = f.read()
        for cut in (100, 4096, 8192, len(data) // 2):
            trunc = os.path.join(tmp, "trunc%d" % cut)
            with open(trunc, "wb") as f:
                f.write(data[:cut])
            # a header cut short fails to open; a dump cut in its page
            # data opens, and the first read past the end names the address
            p = subprocess.run([mmscope, "buddyinfo", "--profile", PROFILE,
                                "--no-auto", trunc], capture_output=True,
                               text=True, timeout=120)
            global cases, failures
            cases += 1
            if p.returncode not in (0, 1) or (p.returncode == 1 and
                                              "mmscope: " not in p.stderr):
                failures += 1
                print("FAIL truncated at %d: rc=%d %r" % (cut, p.returncode,
                                                         p.stderr))
            else:
                print("ok   truncated at %d: rc=%d %s" % (
                    cut, p.returncode, p.stderr.strip().splitlines()[:1]))
        flat = os.path.join(tmp, "cut.flat")
        with open(flat, "wb") as f:
            hdr = bytearray(4096)
            hdr[0:12] = b"makedumpfile"
            hdr[16:24] = (1).to_bytes(8, "big")
            hdr[24:32] = (1).to_bytes(8, "big")
            f.write(hdr + (0).to_bytes(8, "big") + (1 << 20).to_bytes(8, "big")
                    + b"x" * 100)
        expect_error(mmscope, ["info", flat], "bad flattened record",
                     "flattened dump cut short")
        wrong = os.path.join(tmp, "wrong.profile")
        with open(PROFILE) as f, open(wrong, "w") as g:
            for line in f:
                g.write("BUILD-ID=00112233445566778899aabbccddeeff00112233\n"
                        if line.startswith("BUILD-ID=") else line)
        expect_error(mmscope, ["info", "--profile", wrong, DUMP],
                     "wrong kernel", "profile of another build")
        expect_error(mmscope, ["zoneinfo", "--vmcoreinfo-only", DUMP],
                     "VMCOREINFO does not carry", "zoneinfo from VMCOREINFO")
        # page tables: each failure named, one line, status 1
        prof = ["--profile", PROFILE, "--no-auto"]
        with open(os.path.join(FIX, "truth", "userbuf.json")) as f:
            ub = json.load(f)
        expect_error(mmscope, ["vtop"] + prof + ["--pid", str(ub["pid"]), DUMP,
                     "%x" % ub["vaddr"]], "page excluded from the dump",
                     "vtop of a user page a -d 31 dump leaves out")
        expect_error(mmscope, ["vtop"] + prof + [DUMP, "800000000000"],
                     "not a canonical 48-bit address", "non-canonical vtop")
        expect_error(mmscope, ["vtop"] + prof + ["--pid", "99999", DUMP, "0"],
                     "no process with pid 99999", "vtop of a missing pid")
        expect_error(mmscope, ["ptdump"] + prof + ["--pid", "2", DUMP],
                     "is a kernel thread", "ptdump of a kernel thread")
        expect_error(mmscope, ["vtop"] + prof + [DUMP, "ffffffffff600000"],
                     "is not mapped (none entry)", "vtop of an unmapped page")
        expect_error(mmscope, ["ps", "--vmcoreinfo-only", DUMP],
                     "tasks need a vmlinux or a profile", "ps from VMCOREINFO")
        # the dwarf fuzzer's timeout input: a DW_AT_sibling pointing at its
        # own DIE kept libdwarf's dwarf_siblingof_b busy for minutes; now
        # refused in milliseconds (lib/dwarf.c subtree_safe)
        expect_error(mmscope, ["profile", "extract", "--vmlinux",
                               SIBLING_LOOP, "-o",
                               os.path.join(tmp, "loop.profile")],
                     "corrupt DWARF", "DW_AT_sibling pointing at itself",
                     timeout=20)
    print("%d passed, %d failed" % (cases - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
