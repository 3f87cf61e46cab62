"""Start-up time of the command and the package, beside a bare interpreter, in fresh processes.

Run with ``python benchmarks/bench_startup.py [ROUNDS]``. Every round starts each command
once, in turn, so a busy machine slows all of them alike; each row prints the median
wall time over the rounds with its spread (fastest-slowest), then the median of the
per-round differences to its reference, against the target:

* ``symconv --version`` and ``symconv --help`` within 0.15 s of ``python -c pass``;
* ``import symconv`` within 0.1 s of ``import sympy, numpy``;
* ``symconv matrix "Conv2d((1, 4, 4), 1, 2, stride=2)"`` within 0.3 s of that.

The command is the installed console script when there is one beside this Python,
else ``python -m symconv``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = [sys.executable]
_script = Path(sys.executable).with_name("symconv")
SYMCONV = [str(_script)] if _script.exists() else [*PYTHON, "-m", "symconv"]

BARE = "python -c pass"
SCIENTIFIC = 'python -c "import sympy, numpy"'
COMMANDS: dict[str, list[str]] = {
    BARE: [*PYTHON, "-c", "pass"],
    SCIENTIFIC: [*PYTHON, "-c", "import sympy, numpy"],
    "symconv --version": [*SYMCONV, "--version"],
    "symconv --help": [*SYMCONV, "--help"],
    'python -c "import symconv"': [*PYTHON, "-c", "import symconv"],
    'symconv matrix "Conv2d((1, 4, 4), 1, 2, stride=2)"':
        [*SYMCONV, "matrix", "Conv2d((1, 4, 4), 1, 2, stride=2)"],
}
ENVIRONMENT = {**os.environ, "MPLBACKEND": "Agg"}
TARGETS = {
    "symconv --version": (BARE, 0.15),
    "symconv --help": (BARE, 0.15),
    'python -c "import symconv"': (SCIENTIFIC, 0.1),
    'symconv matrix "Conv2d((1, 4, 4), 1, 2, stride=2)"': (SCIENTIFIC, 0.3),
}


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process, its output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=ENVIRONMENT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime



def main(rounds: int = 9) -> None:
    for command in COMMANDS.values():  # warm the file cache; not counted
        run_once(command)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            times[name].append(run_once(command))
    width = max(map(len, COMMANDS))
    print(f"start-up: {rounds} rounds of fresh processes, symconv is {' '.join(SYMCONV)}")
    print("wall: median (fastest-slowest); over reference: median per-round difference, "
          "wall and CPU (user + system; steadier on a busy machine)")
    print(f"{'command':<{width}}  wall                    over reference (CPU)  target  met")
    for name, values in times.items():
        walls = [wall for wall, _ in values]
        line = (f"{name:<{width}}  {statistics.median(walls):5.3f}s "
                f"({min(walls):.3f}-{max(walls):.3f})")
        if name in TARGETS:
            reference, target = TARGETS[name]
            pairs = list(zip(values, times[reference], strict=True))
            extra = statistics.median(t[0] - r[0] for t, r in pairs)
            extra_cpu = statistics.median(t[1] - r[1] for t, r in pairs)
            met = "yes" if extra <= target else "NO"
            line += f"  {extra:+6.3f}s ({extra_cpu:+6.3f}s)     {target:.2f}s   {met}"
        print(line)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
