"""Phase unwrapping with SNAPHU (the ``snaphu`` package, installed by scripts/setup.sh on Linux x86_64)
on interferograms with a known truth: a Gaussian uplift of several fringes with the phase noise of a
given coherence and number of looks."""

from __future__ import annotations

import platform
import sys

import numpy as np
import pytest

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.insar import conventions
from palsar2_plugin.insar.unwrap import snaphu_available, unwrap

WAVELENGTH = 0.2424525
WHEELS = sys.platform.startswith("linux") and platform.machine() == "x86_64"


def noisy_interferogram(truth_phase, coherence, looks, seed=0):
    """Multilooked interferogram sums of ``looks`` single-look samples per cell with true coherence
    ``coherence`` and phase ``truth_phase``: their phase noise is that of ``looks`` looks."""
    rng = np.random.default_rng(seed)
    shape = truth_phase.shape + (looks,)
    r = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    n = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    s = (coherence * r + np.sqrt(1 - coherence ** 2) * n) * np.exp(-1j * truth_phase)[..., None]
    ifg = np.sum(r * np.conj(s), axis=-1)
    coh = np.abs(ifg) / np.sqrt(np.sum(np.abs(r) ** 2, axis=-1) * np.sum(np.abs(s) ** 2, axis=-1))
    return ifg.astype(np.complex64), coh.astype(np.float32)


def test_snaphu_is_installed_where_wheels_exist():
    # scripts/setup.sh installs it from requirements-test.txt where the package has wheels
    assert snaphu_available() or not WHEELS


@pytest.mark.skipif(not snaphu_available(), reason="snaphu has no wheel for this platform")
def test_uplift_of_several_fringes_is_unwrapped_to_the_truth():
    n = 240
    y, x = np.mgrid[0:n, 0:n]
    # 0.30 m of line-of-sight uplift at the centre (about 2.5 fringes), 30 cells wide
    uplift = 0.30 * np.exp(-((x - n / 2) ** 2 + (y - n / 2) ** 2) / (2 * 30.0 ** 2))
    truth = conventions.phase_of_displacement(uplift, WAVELENGTH)
    assert np.ptp(truth) > 4 * np.pi
    ifg, coh = noisy_interferogram(truth, 0.7, 16)
    ifg[:8, :] = 0                                       # a strip of no data (masked)
    unw, components = unwrap(ifg, coh, 16.0)
    assert np.isnan(unw[:8]).all()
    valid = np.isfinite(unw)
    offset = unw[valid] - truth[valid]
    k = np.round(np.median(offset) / (2 * np.pi))
    residual = offset - 2 * np.pi * k                   # an unwrapped phase is known up to 2 pi k
    assert abs(float(np.median(residual))) < 0.05
    assert float(np.mean(np.abs(residual) > np.pi)) < 0.001      # no 2 pi jumps left
    # phase noise of 16 looks at coherence 0.7 (Cramer-Rao (1 - g^2) / (2 L g^2): 0.18 rad)
    assert float(np.std(residual)) < 0.3
    displacement = conventions.los_displacement_m(unw - 2 * np.pi * k, WAVELENGTH)
    error_cm = 100 * (displacement[valid] - uplift[valid])
    assert abs(float(np.median(error_cm))) < 0.1 and float(np.percentile(np.abs(error_cm), 99)) < 1.5
    assert components[valid].min() >= 1                 # one connected component: all reliable


@pytest.mark.skipif(not snaphu_available(), reason="snaphu has no wheel for this platform")
def test_nothing_to_unwrap():
    with pytest.raises(Palsar2Error, match="Nothing to unwrap"):
        unwrap(np.zeros((20, 20), np.complex64), np.zeros((20, 20), np.float32), 4.0)
