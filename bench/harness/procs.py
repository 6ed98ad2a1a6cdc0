"""Child processes of a benchmark: start, wait until ready, peak RSS, stop."""

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set size (``VmHWM``) in MB, from /proc."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return parse_vm_hwm_mb(text)


def parse_vm_hwm_mb(status_text: str) -> float | None:
    for line in status_text.splitlines():
        if line.startswith("VmHWM:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return round(int(parts[1]) / 1024, 1)
    return None


def reset_peak_rss(pid: int) -> bool:
    """Reset ``VmHWM`` to the current RSS (``clear_refs`` 5); False when not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Child:
    """One child process running ``python -m <module>`` with its log in a file."""

    name: str
    module: str
    port: int
    env: Mapping[str, str]
    log_path: Path
    ready_path: str = "/readyz"
    args: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.module, *self.args],
                env=dict(self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    async def wait_ready(self, timeout_s: float) -> str | None:
        """None when ready; otherwise why not (exit code or timeout, with the log's tail)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
            while loop.time() < end:
                if not self.alive():
                    code = self.proc.returncode if self.proc else None
                    return f"{self.name} exited with {code}: {self.log_tail()}"
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.get(self.base_url + self.ready_path)
                    if response.status_code == 200:
                        return None
                await asyncio.sleep(0.25)
        return f"{self.name} not ready after {timeout_s:.0f}s: {self.log_tail()}"

    def log_tail(self, lines: int = 3) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        tail = [line.strip() for line in text.strip().splitlines()[-lines:]]
        return " | ".join(tail)[-400:] or "(empty log)"

    def peak_rss_mb(self) -> float | None:
        return peak_rss_mb(self.proc.pid) if self.alive() and self.proc else None

    def reset_peak_rss(self) -> bool:
        return reset_peak_rss(self.proc.pid) if self.alive() and self.proc else False

    def stop(self, timeout_s: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def base_env() -> dict[str, str]:
    """The bench's environment for children, without the caller's service settings."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PYTHONUNBUFFERED"] = "1"
    return env
