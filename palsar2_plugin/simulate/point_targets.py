"""Point targets of simulated products: bright scatterers at known positions, for geolocation tests.

A target at (lat, lon, ellipsoid height) is placed at its exact fractional (line, pixel) in each
beam that sees it (zero-Doppler geometry of :mod:`palsar2_plugin.geometry`) as a 2-D sinc
response (ideal, unweighted impulse response; ``POINT_HALF_WIDTH`` samples each side), with the phase
exp(-4 pi i R / lambda) of its slant range R, added coherently to the speckled background (the
band-limited speckle model uses its own kernels instead, :func:`.speckle_source.point_target_block`). Its peak power |z|^2 = RCS sin(theta_ell) /
(A_beta K): the calibrated beta0 of a point of radar cross-section RCS (m^2) in a pixel of
slant-plane area A_beta = range spacing x along-track ground spacing (m^2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

Position = Optional[Tuple[float, float, float]]

import numpy as np

from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.range_doppler import ellipsoid_incidence_deg, geo_to_radar, radar_to_geo
from .speckle_field import propagation_phasor

#: Half-width (samples) of the sinc response of a point target.
POINT_HALF_WIDTH = 16


@dataclass(frozen=True)
class PointTarget:
    """A bright point scatterer at ``lat_deg``, ``lon_deg`` (degrees, WGS84) and ``height_m``
    (metres above the WGS84 ellipsoid; None = the simulated terrain height there), with radar
    cross-section ``rcs_db`` (dB m^2). It is added coherently to the image as a 2-D sinc
    response centred at its exact fractional (line, pixel), with the phase exp(-4 pi i R / lambda) of
    its slant range R."""

    lat_deg: float
    lon_deg: float
    height_m: Optional[float] = None
    rcs_db: float = 50.0


def point_target_positions(scene, targets: Sequence[PointTarget]) -> List[List[Position]]:
    """Per beam of ``scene`` (a :class:`~.scene.SimulatedScene`), per target: (line, pixel, peak power
    factor) with factor = RCS sin(theta_ell) / A_beta (line/pixel 0-based, fractional, centre
    convention), or None when the target is not in that beam. Targets must have their heights set."""
    out = []
    for beam in scene.beams:
        grid = beam.grid
        rows = []
        for target in targets:
            h = target.height_m
            t, r, line, pixel = geo_to_radar(grid, scene.orbit, target.lat_deg, target.lon_deg, h)
            line, pixel = float(line), float(pixel)
            if not (-POINT_HALF_WIDTH < line < grid.lines + POINT_HALF_WIDTH
                    and -POINT_HALF_WIDTH < pixel < grid.pixels + POINT_HALF_WIDTH):
                rows.append(None)
                continue
            xyz = geodetic_to_ecef(target.lat_deg, target.lon_deg, h)
            inc = np.radians(float(ellipsoid_incidence_deg(scene.orbit, float(t), xyz)))
            lat2, lon2 = radar_to_geo(grid, scene.orbit, np.array([line, line + 1.0]), pixel, h)
            along = np.linalg.norm(np.diff(geodetic_to_ecef(lat2, lon2, h), axis=0))
            a_beta = grid.range_spacing_m * along
            rows.append((line, pixel, 10.0 ** (target.rcs_db / 10.0) * np.sin(inc) / a_beta))
        out.append(rows)
    return out


def add_point_targets(samples: np.ndarray, line0: int, positions: Sequence[Position], cal_scale: float,
                      grid=None) -> None:
    """Add each target's sinc response (peak |z|^2 = factor / K, K = ``cal_scale``) in place into the
    complex block ``samples`` whose first row is image line ``line0``; with the beam's ``grid`` the
    response carries the target's propagation phase exp(-4 pi i R / lambda) (R its slant range)."""
    n_lines, n_pix = samples.shape
    for pos in positions:
        if pos is None:
            continue
        line, pixel, factor = pos
        lo = max(int(np.floor(line)) - POINT_HALF_WIDTH, line0)
        hi = min(int(np.floor(line)) + POINT_HALF_WIDTH + 1, line0 + n_lines)
        if lo >= hi:
            continue
        p_lo = max(int(np.floor(pixel)) - POINT_HALF_WIDTH, 0)
        p_hi = min(int(np.floor(pixel)) + POINT_HALF_WIDTH + 1, n_pix)
        if p_lo >= p_hi:
            continue
        amp = np.sqrt(factor / cal_scale)
        if grid is not None:
            amp = amp * propagation_phasor(grid.range_of_pixel(pixel), grid.wavelength_m)
        resp = np.outer(np.sinc(np.arange(lo, hi) - line), np.sinc(np.arange(p_lo, p_hi) - pixel))
        samples[lo - line0:hi - line0, p_lo:p_hi] += (amp * resp).astype(np.complex64)
