"""Compiled kernels when numba is there, numpy otherwise: the one mechanism of the plugin.

A module writes each stage twice, side by side: the numpy reference (what QGIS installations
without numba run, most Windows and macOS ones) and a compiled form of the same formulas. Two
decorators tie them together:

- :func:`jit` marks a plain-Python kernel for numba (``nogil``; numpy's error model, so a division
  by zero gives inf/NaN as in numpy; fused multiply-adds allowed, nothing else of fast-math). The
  kernel is compiled lazily: importing the module does not import numba (QGIS's start-up stays
  quick); the first call of any kernel wraps every kernel registered so far, and the machine code
  is cached on disk (:mod:`.numba_cache`). Kernels may call kernels of other modules.
- :func:`compiled_or_numpy` makes the public function of a stage: ``@compiled_or_numpy(reference)``
  on the compiled wrapper gives a function that runs the compiled wrapper when :func:`enabled`, the
  numpy ``reference`` otherwise, and the reference for the rest of the process after a numba error
  (a run never stops on one). Both stay reachable as ``.compiled`` and ``.numpy`` (tests compare them).

:func:`enabled` is False when numba does not import, when the environment variable
``PALSAR2_NO_NUMBA`` is set to a non-empty value other than ``0`` (read at each call, so tests can
switch paths), or after a numba error.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
import threading
from typing import Callable, Dict, List, Optional

#: Options of every kernel unless it asks for others (see :func:`jit`).
DEFAULT_OPTIONS = dict(nogil=True, error_model="numpy", fastmath={"contract"})

_lock = threading.RLock()
_failed = False
_numba_state: Optional[bool] = None          # None: not looked for yet
_registry: List["LazyKernel"] = []


def numba_importable() -> bool:
    """numba is installed (it is imported only when a kernel is first needed)."""
    global _numba_state
    if _numba_state is None:
        try:
            _numba_state = importlib.util.find_spec("numba") is not None
        except Exception:                     # a broken installation
            _numba_state = False
    return _numba_state


def enabled() -> bool:
    """True when compiled kernels are to be used (numba there, not switched off, no error so far)."""
    return (not _failed and os.environ.get("PALSAR2_NO_NUMBA", "") in ("", "0") and numba_importable())


def disable() -> None:
    """Switch the compiled kernels off for the rest of the process (after a numba error)."""
    global _failed
    _failed = True


def is_numba_error(exc: BaseException) -> bool:
    """True for an exception raised by numba (typing, compilation, LLVM)."""
    return type(exc).__module__.split(".")[0] in ("numba", "llvmlite")


class LazyKernel:
    """A kernel registered with :func:`jit`: the plain function until numba wraps it.

    Calling it builds every registered kernel (numba imported, each wrapped, the globals of their
    modules pointed at the wrapped kernels so that kernels calling kernels compile) and then calls
    the compiled one."""

    def __init__(self, function: Callable, options: Dict, kind: str):
        self.function = function
        self.options = options
        self.kind = kind
        self.dispatcher = None
        functools.update_wrapper(self, function)

    @property
    def module(self):
        return sys.modules[self.function.__module__]

    def __call__(self, *args):
        if self.dispatcher is None:
            build()
        return self.dispatcher(*args)


def jit(function: Optional[Callable] = None, **options):
    """Register a kernel for numba (``@jit`` or ``@jit(fastmath=False, ...)``, options on top of
    :data:`DEFAULT_OPTIONS`). Returns a :class:`LazyKernel` (kernels only run when :func:`enabled`)."""
    def register(f):
        opts = dict(DEFAULT_OPTIONS)
        opts.update(options)
        kernel = LazyKernel(f, opts, "jit")
        with _lock:
            _registry.append(kernel)
            if _built:
                _wrap_pending()
        return kernel
    return register(function) if function is not None else register


def intrinsic(function: Callable) -> LazyKernel:
    """Register a numba intrinsic (``numba.extending.intrinsic``) used by kernels."""
    kernel = LazyKernel(function, {}, "intrinsic")
    with _lock:
        _registry.append(kernel)
        if _built:
            _wrap_pending()
    return kernel


_built = False


def _dependencies(module) -> List[str]:
    """Other source files whose kernels ``module``'s kernels may call: those of the kernels it
    imported (numba's cache tracks only a kernel's own file)."""
    files = set()
    for value in list(vars(module).values()):
        function = value.function if isinstance(value, LazyKernel) else getattr(value, "py_func", None)
        if callable(function) and function.__module__ != module.__name__ and function.__module__ in sys.modules:
            files.add(sys.modules[function.__module__].__file__)
    return sorted(files)


def _wrap_pending() -> None:
    from numba.extending import intrinsic as numba_intrinsic

    from .numba_cache import njit_cached

    pending = [k for k in _registry if k.dispatcher is None]
    for kernel in pending:                      # intrinsics first: jitted kernels may use them
        if kernel.kind == "intrinsic":
            kernel.dispatcher = numba_intrinsic(kernel.function)
    for kernel in pending:
        if kernel.kind == "jit":
            module = kernel.module
            kernel.dispatcher = njit_cached(kernel.function, module.__name__, _dependencies(module), **kernel.options)
    for module in {k.module for k in _registry}:
        namespace = vars(module)
        for name, value in list(namespace.items()):
            if isinstance(value, LazyKernel) and value.dispatcher is not None:
                namespace[name] = value.dispatcher


def build() -> None:
    """Wrap every registered kernel with numba (once; later registrations are wrapped at once)."""
    global _built
    with _lock:
        if not _built:
            _wrap_pending()
            _built = True


def compiled_or_numpy(reference: Callable):
    """Decorator of a stage's compiled wrapper: see the module docstring."""
    def decorate(compiled: Callable):
        @functools.wraps(reference)
        def stage(*args, **kwargs):
            if enabled():
                try:
                    return compiled(*args, **kwargs)
                except Exception as exc:      # a numba failure must not stop a run: numpy from now on
                    if not is_numba_error(exc):
                        raise
                    disable()
            return reference(*args, **kwargs)

        stage.compiled = compiled
        stage.numpy = reference
        return stage
    return decorate
