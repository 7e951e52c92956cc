# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the test scripts share: the tally of checks and failures, and
reading the files the kernel and the toolchain give."""
import array
import subprocess

failures = []
_count = [0]


def check(cond, what, out=None):
    """Counts one check; a failure is printed (with the tail of out) and
    kept in failures.  Returns cond."""
    _count[0] += 1
    if not cond:
        failures.append(what)
        if out is None:
            print("FAIL: " + what, flush=True)
        else:
            print("FAIL: %s\n%s" % (what, out[-2000:]), flush=True)
    return cond


def checks():
    """How many checks ran."""
    return _count[0]


def elf_build_id(path):
    """The GNU build-id note of an ELF file, as readelf prints it."""
    out = subprocess.run(["readelf", "-n", path], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if "Build ID:" in line:
            return line.split("Build ID:")[1].strip()
    return None


def load_kpf(path):
    """A /proc/kpageflags file: one 64-bit word per pfn."""
    a = array.array("Q")
    with open(path, "rb") as f:
        a.frombytes(f.read())
    return a
