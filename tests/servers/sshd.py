"""A real OpenSSH sshd on a loopback port, key-only, for SFTP tests (see shared testing_recipes.md).

The server runs in the foreground (``sshd -D``) as a child of the test process, with a temporary
host key, an ``authorized_keys`` holding a temporary user key, password login off. Files are
served from ``<root>/data`` (absolute remote paths). It is killed by :meth:`stop` and after
``lifetime`` seconds at most.
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional

SSHD = "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sshd_available() -> bool:
    return os.path.exists(SSHD) and os.path.exists("/usr/bin/ssh-keygen")


class LoopbackSshd:
    def __init__(self, root: Path, lifetime: float = 600.0):
        self.root = Path(root).resolve()
        self.data = self.root / "data"
        self.port = 0
        self.user = getpass.getuser()
        self.host_key = self.root / "hostkey"
        self.user_key = self.root / "userkey"
        self.known_hosts = self.root / "known_hosts"
        self.lifetime = lifetime
        self._proc: Optional[subprocess.Popen] = None
        self._timer: Optional[threading.Timer] = None

    def start(self) -> "LoopbackSshd":
        self.data.mkdir(parents=True, exist_ok=True)
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)
        for key in (self.host_key, self.user_key):
            if not key.exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        auth = self.root / "authorized_keys"
        auth.write_text(self.user_key.with_suffix(".pub").read_text())
        auth.chmod(0o600)
        self.port = free_port()
        config = self.root / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {self.host_key}",
            f"AuthorizedKeysFile {auth}", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "StrictModes no", "UsePAM no",
            f"PidFile {self.root / 'sshd.pid'}", "Subsystem sftp internal-sftp", "MaxStartups 50",
        ]) + "\n")
        self._proc = subprocess.Popen([SSHD, "-D", "-f", str(config), "-E", str(self.root / "sshd.log")],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError("sshd exited at start: " + (self.root / "sshd.log").read_text(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("sshd did not start listening within 10 s")
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
