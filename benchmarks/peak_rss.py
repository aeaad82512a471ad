"""Run a module as `python -m` would, and write its peak RSS (VmHWM, KiB) to a file at exit.

    python benchmarks/peak_rss.py OUT_FILE MODULE [ARGS...]

`getrusage` of a child is no use here: a child forked from a large process (the
benchmark holds the emulator's answers) inherits its high-water mark. VmHWM belongs to
the process's own memory map, which `exec` starts afresh.
"""

import atexit
import runpy
import sys
from pathlib import Path


def _write_peak(out: Path) -> None:
    status = Path("/proc/self/status").read_text()
    out.write_text(status.split("VmHWM:")[1].split()[0])


out_file, module, *args = sys.argv[1:]
atexit.register(_write_peak, Path(out_file))
sys.argv = [module, *args]
runpy.run_module(module, run_name="__main__", alter_sys=True)
