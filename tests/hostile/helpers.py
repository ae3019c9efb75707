"""Small hostile exports and a subprocess runner that measures time and peak memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_exports" / "district"
USERS_HEADER = (SAMPLE / "users.csv").read_bytes().split(b"\n", 1)[0]

# The child runs the CLI's main and reports its own peak RSS: VmHWM, which belongs to the
# new address space (ru_maxrss survives execve and would report the test runner's peak).
_CHILD = """
import json, resource, sys
from roster_lint.cli import main

def peak_kb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

code = 0
try:
    main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
finally:
    with open(sys.argv[1], "w") as fh:
        json.dump({"rss_kb": peak_kb()}, fh)
sys.exit(code)
"""


@dataclass
class Measured:
    code: int
    out: str
    err: str
    seconds: float
    rss_mb: float


def export_with(tmp: Path, files: dict[str, bytes], name: str = "export") -> Path:
    """The sample district with some files replaced."""
    folder = tmp / name
    shutil.copytree(SAMPLE, folder)
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return folder


def measure(tmp: Path, *args: str, stdout: int | None = None) -> Measured:
    report = tmp / "rss.json"
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(report), *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    seconds = time.monotonic() - start
    rss = json.loads(report.read_text())["rss_kb"] / 1024 if report.exists() else -1.0
    return Measured(done.returncode, done.stdout or "", done.stderr, seconds, rss)


def one_line_error(err: str) -> bool:
    lines = err.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("roster-lint: ") and "Traceback" not in err


def corrupt_users_entry(archive: Path) -> None:
    """Flip 200 bytes of users.csv's compressed data in `archive` (its deflate stream breaks
    while the zip's directory stays readable)."""
    data = bytearray(archive.read_bytes())
    start = data.find(b"users.csv") + len(b"users.csv") + 40
    for i in range(start, start + 200):
        data[i] ^= 0x5A
    archive.write_bytes(bytes(data))
