"""palsar2_plugin.geoid: geoid -> ellipsoid heights with PROJ grids."""

import numpy as np
import pytest

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.geoid import (GeoidGridMissing, geoid_undulation_m, normalise_height_reference,
                                  to_ellipsoid_heights)


def test_egm96_undulation_known_values():
    # EGM96 undulation at 0N 0E is +17.16 m (NGA/GeographicLib egm96-15); Tokyo about +36.5 m,
    # the Indian Ocean low near 5N 78E about -100 m.
    n = geoid_undulation_m([0.0, 35.68, 4.0], [0.0, 139.76, 78.0], "egm96")
    assert n[0] == pytest.approx(17.16, abs=0.05)
    assert n[1] == pytest.approx(36.46, abs=0.3)
    assert -110.0 < n[2] < -90.0


def test_to_ellipsoid_heights_adds_undulation_and_keeps_shape():
    h = np.array([[0.0, 100.0], [np.nan, -5.0]])
    lat = np.full((2, 2), 0.0)
    lon = np.full((2, 2), 0.0)
    out = to_ellipsoid_heights(h, lat, lon, "EGM96")
    assert out.shape == (2, 2)
    assert out[0, 1] - out[0, 0] == pytest.approx(100.0)
    assert out[0, 0] == pytest.approx(17.16, abs=0.05)
    assert np.isnan(out[1, 0])


def test_ellipsoid_reference_is_identity():
    h = np.array([1.0, 2.0, 3.0])
    assert np.array_equal(to_ellipsoid_heights(h, [10, 20, 30], [0, 50, 100], "ellipsoid"), h)


def test_egm2008_uses_grid_or_says_clearly_it_is_missing():
    try:
        n = geoid_undulation_m(0.0, 0.0, "egm2008")
    except GeoidGridMissing as err:
        assert "EGM2008" in str(err) and "projsync" in str(err)
    else:  # grid installed: EGM2008 at 0N 0E is +17.23 m
        assert float(n) == pytest.approx(17.2, abs=0.2)


def test_unknown_reference_is_a_clear_error():
    with pytest.raises(Palsar2Error, match="egm96, egm2008, ellipsoid"):
        normalise_height_reference("navd88")
    assert normalise_height_reference("EGM-2008") == "egm2008"
