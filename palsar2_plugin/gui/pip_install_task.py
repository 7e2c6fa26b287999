"""Install Python packages with pip for QGIS's own interpreter, in a background QgsTask.

The interpreter comes from :func:`..dependencies.python_info` (under QGIS ``sys.executable`` is the
QGIS program). The task checks that the interpreter is the same Python version as QGIS's, bootstraps
pip with ensurepip when the bundle lacks it (macOS), pins the numpy QGIS runs so that installing
rasterio cannot replace it, streams pip's output (progress in the task manager, cancel stops pip)
and finally imports the packages in a fresh interpreter to prove they work there. QGIS must then be
restarted: the running Python keeps its import paths and half-loaded modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import List, Optional, Sequence

from qgis.core import QgsTask
from qgis.PyQt.QtCore import QCoreApplication, pyqtSignal

from .. import dependencies

CONTEXT = "PipInstallTask"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _run(args: List[str], timeout: float = 120.0) -> subprocess.CompletedProcess:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)       # no console window flashing on Windows
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, creationflags=flags)


class PipInstallTask(QgsTask):
    """``pip install`` of ``modules`` (names of :data:`dependencies.DEPENDENCIES`) for ``info.executable``.

    Results (read in ``on_done``, main thread): ``ok``, ``error`` (message) and ``output`` (pip's lines).
    """

    line = pyqtSignal(str)          # each line of output, for a dialog's log (queued to the main thread)

    def __init__(self, modules: Sequence[str], info: dependencies.PythonInfo, on_done=None):
        super().__init__(tr("Installing Python packages: {}").format(", ".join(modules)), QgsTask.CanCancel)
        self.modules = list(modules)
        self.info = info
        self.on_done = on_done
        self.output: List[str] = []
        self.error: Optional[str] = None
        self.ok = False
        self._process: Optional[subprocess.Popen] = None

    # ------------------------------------------------------------------ worker thread
    def _say(self, text: str) -> None:
        self.output.append(text)
        self.line.emit(text)

    def _check_interpreter(self) -> bool:
        python = self.info.executable
        if not python:
            self.error = tr("QGIS's Python interpreter was not found next to QGIS; install the packages with the "
                            "commands shown.")
            return False
        done = _run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        want = "%d.%d" % sys.version_info[:2]
        if done.returncode != 0 or done.stdout.strip() != want:
            self.error = tr("{} is not QGIS's Python {} ({}); install the packages with the commands shown.").format(
                python, want, (done.stdout or done.stderr).strip()[:200])
            return False
        return True

    def _ensure_pip(self) -> bool:
        python = self.info.executable
        if _run([python, "-m", "pip", "--version"]).returncode == 0:
            return True
        self._say(tr("pip is missing: installing it with ensurepip."))
        args = [python, "-m", "ensurepip", "--upgrade"] + ([] if self.info.in_environment else ["--user"])
        done = _run(args, timeout=300)
        self.output += (done.stdout + done.stderr).splitlines()
        if done.returncode != 0 or _run([python, "-m", "pip", "--version"]).returncode != 0:
            self.error = tr("pip is missing and ensurepip could not install it.")
            return False
        return True

    def _pip(self, constraints: Optional[str]) -> bool:
        args = [self.info.executable, "-m"] + dependencies.pip_arguments(self.modules, self.info, constraints)
        self._say(" ".join(args))
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        env = dict(os.environ, PIP_NO_INPUT="1", PYTHONUNBUFFERED="1")
        self._process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                         bufsize=1, env=env, creationflags=flags)
        steps = 0
        for raw in self._process.stdout:
            text = raw.rstrip()
            if not text:
                continue
            self._say(text)
            if text.startswith(("Collecting", "Requirement already satisfied", "Downloading", "Processing",
                                "Using cached")):
                steps += 1
                self.setProgress(10 + 60 * (1 - 0.85 ** steps))
            elif text.startswith("Installing collected packages"):
                self.setProgress(80)
            elif text.startswith("Successfully installed"):
                self.setProgress(90)
            if self.isCanceled():
                self._process.terminate()
        code = self._process.wait()
        if self.isCanceled():
            return False
        if code != 0:
            last = [line for line in self.output if line.strip()][-3:]
            self.error = tr("pip failed (exit code {}): {}").format(code, " / ".join(last))
            return False
        return True

    def _verify(self) -> bool:
        names = [m for d in (dependencies.BY_MODULE[m] for m in self.modules) for m in (d.module,) + d.extra_modules]
        done = _run([self.info.executable, "-c", "import " + ", ".join(names)])
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [""])[-1]
            self.error = tr("pip finished, but QGIS's Python still cannot import them: {}").format(last)
            return False
        return True

    def run(self) -> bool:
        try:
            self.setProgress(1)
            if not self._check_interpreter() or not self._ensure_pip():
                return False
            self.setProgress(5)
            constraint = dependencies.numpy_constraint() if "numpy" not in self.modules else None
            with tempfile.TemporaryDirectory(prefix="palsar2-pip-") as folder:
                path = None
                if constraint:
                    path = os.path.join(folder, "constraints.txt")
                    with open(path, "w", encoding="utf-8") as handle:
                        handle.write(constraint + "\n")
                if not self._pip(path):
                    return False
            self.ok = self._verify()
            self.setProgress(100)
            return self.ok
        except (OSError, subprocess.SubprocessError) as error:
            self.error = tr("pip could not be run: {}").format(error)
            return False

    # ------------------------------------------------------------------ main thread
    def finished(self, result: bool) -> None:
        if not result and self.error is None:
            self.error = tr("Cancelled.")
        if self.on_done is not None:
            self.on_done(self)
