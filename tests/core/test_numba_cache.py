"""numba's on-disk cache of our kernels: one directory per import name, loaded by the next process."""

import os
import subprocess
import sys
import textwrap

import pytest

from palsar2_plugin import compiled, numba_cache

needs_numba = pytest.mark.skipif(not compiled.numba_importable(), reason="numba does not import here")

KERNEL_MODULE = textwrap.dedent('''
    import numpy as np
    from palsar2_plugin.numba_cache import njit_cached

    def _total(a):
        s = 0.0
        for v in a:
            s += v
        return s

    total = njit_cached(_total, __name__, nogil=True)
''')

# imports the kernel module under the name given as argv[1] (a package folder on sys.path), calls it
# and prints the result and whether numba loaded it from the cache
RUNNER = textwrap.dedent('''
    import importlib, sys
    import numpy as np
    sys.path[:0] = [sys.argv[2], sys.argv[2] + "/plugin_a", sys.argv[3]]
    mod = importlib.import_module(sys.argv[1])
    print(mod.total(np.arange(5.0)), sum(mod.total.stats.cache_hits.values()))
''')


def _run(name, packages, repo, env):
    out = subprocess.run([sys.executable, "-c", RUNNER, name, packages, repo], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1])


def test_cache_dir_per_module_name_under_numba_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PALSAR2_NUMBA_CACHE", raising=False)
    a = numba_cache.cache_dir("palsar2_plugin.rtc.kernels")
    b = numba_cache.cache_dir("palsar2_scansar.palsar2_plugin.rtc.kernels")
    assert a == str(tmp_path / "palsar2_plugin.rtc.kernels") and os.path.isdir(a)
    assert b == str(tmp_path / "palsar2_scansar.palsar2_plugin.rtc.kernels") and os.path.isdir(b)


def test_cache_dir_defaults_to_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.delenv("PALSAR2_NUMBA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert numba_cache.cache_dir("m") == str(tmp_path / "palsar2_plugin" / "numba" / "m")


def test_cache_off_by_environment_or_when_not_writable(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PALSAR2_NUMBA_CACHE", "0")
    assert numba_cache.cache_dir("m") is None
    monkeypatch.delenv("PALSAR2_NUMBA_CACHE")
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker / "cache"))     # cannot be made, even by root
    assert numba_cache.cache_dir("m") is None


@pytest.mark.slow
@needs_numba
def test_second_process_loads_the_cache_and_import_names_do_not_mix(tmp_path):
    """The same file imported under two names (as a script imports the core and as QGIS imports it
    from the plugin folder) keeps two caches; each name's second process loads its own, and neither
    breaks the other (numba's cached code names its module)."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    packages = tmp_path / "packages"
    (packages / "plugin_a").mkdir(parents=True)
    (packages / "plugin_a" / "__init__.py").write_text("")
    (packages / "plugin_a" / "sums.py").write_text(KERNEL_MODULE)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PALSAR2_NUMBA_CACHE="1")
    assert _run("plugin_a.sums", str(packages), repo, env) == (10.0, 0)        # compiled
    assert _run("sums", str(packages), repo, env) == (10.0, 0)                 # same file, its own cache
    assert _run("plugin_a.sums", str(packages), repo, env) == (10.0, 1)        # loaded
    assert _run("sums", str(packages), repo, env) == (10.0, 1)
    assert sorted(os.listdir(tmp_path / "cache")) == ["plugin_a.sums", "sums"]
