"""A run the system stops (Rust's abort on a failed allocation, the OOM killer's SIGKILL)
is one line and exit 2, never 134; its temporary files are removed (cli/guard.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the guard forks (POSIX)")


def _guarded(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`body` as the supervised run; it may write the child's TMPDIR to tmp_path/dir."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys, tempfile, time
        from pathlib import Path
        from roster_lint.cli.guard import supervised

        def run():
            Path({str(tmp_path / "dir")!r}).write_text(tempfile.mkdtemp())
        {textwrap.indent(textwrap.dedent(body), "    ")}
        sys.exit(supervised(run))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "ROSTER_LINT_NO_FORK"}
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize("how", ["os.abort()", "os.kill(os.getpid(), signal.SIGKILL)"])
def test_a_run_stopped_for_memory_is_one_line_and_exit_2(tmp_path: Path, how: str) -> None:
    done = _guarded(how, tmp_path)
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("roster-lint: stopped by the system, most likely out of memory")
    # the child's temporary folder lived under the parent's, and is gone
    assert not Path((tmp_path / "dir").read_text()).exists()


def test_the_childs_exit_code_passes_through(tmp_path: Path) -> None:
    done = _guarded("return 3", tmp_path)
    assert done.returncode == 3 and done.stderr == ""


def test_a_signal_to_the_parent_reaches_the_child(tmp_path: Path) -> None:
    """kill PID (a CI timeout) stops the work too: nothing is left running."""
    marker = tmp_path / "child"
    # written under another name and renamed, so the marker never exists half-written
    part = tmp_path / "child.part"
    body = (
        f"Path({str(part)!r}).write_text(str(os.getpid())); "
        f"os.replace({str(part)!r}, {str(marker)!r}); time.sleep(60); return 0"
    )
    script_dir = tmp_path
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time, tempfile\n"
            "from pathlib import Path\n"
            "from roster_lint.cli.guard import supervised\n"
            f"def run():\n    {body}\n"
            "sys.exit(supervised(run))\n",
        ],
        stderr=subprocess.PIPE,
        text=True,
        cwd=script_dir,
    )
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the supervised child never started"
    child = int(marker.read_text())
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.strip().splitlines()[-1] == "roster-lint: stopped by signal SIGTERM"
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_the_console_script_goes_through_the_guard(tmp_path: Path) -> None:
    """`python -m roster_lint` and the `roster-lint` script both call cli.entry."""
    main = Path(__file__).resolve().parents[2] / "roster_lint" / "__main__.py"
    assert "entry()" in main.read_text("utf-8")
    export = Path(__file__).resolve().parents[2] / "sample_exports" / "district"
    done = subprocess.run(
        [sys.executable, "-m", "roster_lint", "check", str(export), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("{")
