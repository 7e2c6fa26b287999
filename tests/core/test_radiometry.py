"""Calibration to sigma0 / beta0 / gamma0 (linear power) with JAXA's formulas."""

import numpy as np
import pytest

from palsar2_plugin import radiometry as R
from palsar2_plugin.errors import Palsar2Error


def test_l11_formula():
    # sigma0_dB = 10 log10 <I^2+Q^2> + CF - 32: intensity 10^11.5 with CF -83 -> 115 - 83 - 32 = 0 dB
    assert float(R.sigma0_from_intensity(10 ** 11.5, -83.0, "1.1")) == pytest.approx(1.0, rel=1e-6)
    assert R.calibration_gain(-83.0, "1.1") == pytest.approx(10 ** -11.5)
    db = R.to_db(R.sigma0_from_intensity(np.array([1e10, 1e9], np.float32), -83.0))
    assert db.tolist() == pytest.approx([100 - 115, 90 - 115], abs=1e-4)


def test_l15_formula():
    # sigma0_dB = 10 log10 <DN^2> + CF: DN^2 = 10^8.3 with CF -83 -> 0 dB
    assert float(R.sigma0_from_intensity(10 ** 8.3, -83.0, "1.5")) == pytest.approx(1.0, rel=1e-6)
    assert R.calibration_gain(-80.0, "1.5") == pytest.approx(1e-8)


def test_beta0_gamma0_conversions():
    s = np.array([0.1, 0.2], np.float32)
    inc = np.array([30.0, 60.0])
    beta = R.sigma0_to_beta0(s, inc)
    gamma = R.sigma0_to_gamma0(s, inc)
    assert beta.tolist() == pytest.approx([0.2, 0.2 / np.sin(np.pi / 3)], rel=1e-6)
    assert gamma.tolist() == pytest.approx([0.1 / np.cos(np.pi / 6), 0.4], rel=1e-6)
    assert R.beta0_to_sigma0(beta, inc).tolist() == pytest.approx(s.tolist(), rel=1e-6)
    assert R.gamma0_to_sigma0(gamma, inc).tolist() == pytest.approx(s.tolist(), rel=1e-6)
    got = R.calibrate(np.float32(10 ** 11.5), -83.0, "1.1", "gamma0", incidence_deg=60.0)
    assert float(got) == pytest.approx(2.0, rel=1e-6)
    assert R.calibrate(np.ones((2, 2), np.float32), -83.0).dtype == np.float32


def test_errors_and_helpers():
    with pytest.raises(Palsar2Error, match="needs the ellipsoid incidence"):
        R.calibrate(1.0, -83.0, "1.1", "beta0")
    with pytest.raises(Palsar2Error, match="unknown calibration"):
        R.calibrate(1.0, -83.0, "1.1", "eta0")
    assert R.from_db(np.array([-10.0, 0.0])).tolist() == pytest.approx([0.1, 1.0])
    # theta[rad] = a0 + a1 R_km: 0.5 + 0.001 * 800 = 1.3 rad
    assert float(R.incidence_from_polynomial_deg([0.5, 0.001, 0, 0, 0, 0], 800000.0)) == \
        pytest.approx(np.degrees(1.3))
    assert np.isnan(R.incidence_from_polynomial_deg([0.0] * 6, 800000.0))
