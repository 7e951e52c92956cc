#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fixture generator's own bad inputs give a clear message and a
fallback, never a silent half-made fixture:
  G1  a kernel version the mirror does not have: named, with the newest of
      its series used instead;
  G2  no /dev/kvm (and a /dev/kvm that cannot run Debian kernels) with
      --accel kvm: said in one line, and the dump is made with TCG;
  G3  a boot that does not finish in time: a non-zero exit naming the
      configuration and the serial log, and no summary.json (a dump
      directory counts as made only when summary.json is written last).
The boots use a scratch cache that shares the real cache's kernels."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmstest import check, checks, failures  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "fixtures", "generate")


def gen(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([GEN] + args, capture_output=True, text=True,
                       timeout=900, env=e)
    return p.returncode, p.stdout + p.stderr


def main():
    cache = subprocess.run([GEN, "--print-cache"], capture_output=True,
                           text=True, check=True).stdout.strip()
    kernels = os.path.join(cache, "kernels")
    if not os.path.isdir(kernels):
        print("no kernels in %s: run fixtures/generate first" % cache)
        return 1
    rc, out = gen(["--kernels", "6.1", "--configs", "1node",
                   "--kernel", "6.1.0-9999"])
    check(rc == 0 and "6.1.0-9999 is not on the package mirror" in out
          and "using the newest 6.1 one instead" in out,
          "G1 missing kernel version named, newest of the series used", out)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(cache)) as tmp:
        shutil.copytree(kernels, os.path.join(tmp, "kernels"),
                        copy_function=os.link)
        for f in ("series.json",):
            if os.path.exists(os.path.join(cache, f)):
                shutil.copy(os.path.join(cache, f), tmp)
        rc, out = gen(["--cache", tmp, "--kernels", "6.1", "--configs", "small",
                       "--accel", "kvm"],
                      {"MMSCOPE_KVM_DEVICE": os.path.join(tmp, "no-kvm")})
        made = [d for d in os.listdir(os.path.join(tmp, "dumps"))
                if d.endswith("-small")] if rc == 0 else []
        summ = (json.load(open(os.path.join(tmp, "dumps", made[0],
                                            "summary.json")))
                if made else {})
        check(rc == 0 and "no-kvm is missing" in out and "using TCG" in out
              and summ.get("accel") == "tcg",
              "G2 no /dev/kvm: said once, dump made with TCG", out)
        if os.path.exists("/dev/kvm"):
            shutil.rmtree(os.path.join(tmp, "dumps"))
            rc, out = gen(["--cache", tmp, "--kernels", "6.1", "--configs",
                           "small", "--accel", "kvm"])
            check(rc == 0 and ("using TCG" in out or "using KVM" in out),
                  "G2 /dev/kvm probed: KVM if it boots, else TCG said", out)
        shutil.rmtree(os.path.join(tmp, "dumps"), ignore_errors=True)
        rc, out = gen(["--cache", tmp, "--kernels", "6.1", "--configs",
                       "small", "--timeout", "2"])
        dirs = os.listdir(os.path.join(tmp, "dumps")) \
            if os.path.isdir(os.path.join(tmp, "dumps")) else []
        half = [d for d in dirs if os.path.exists(
            os.path.join(tmp, "dumps", d, "summary.json"))]
        check(rc != 0 and "small" in out and "serial" in out and not half,
              "G3 boot timeout: non-zero, config and serial log named, "
              "no summary.json", out)
    print("%d passed, %d failed" % (checks() - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
