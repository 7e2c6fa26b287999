"""Helpers for the interferometry tests: a repeat-pass orbit displaced by a known baseline, and the
real Hakone DEM of tests/data (ASTER GDEM2, 0-1670 m)."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np

from palsar2_plugin.geometry.orbit import Orbit

HAKONE_DEM = Path(__file__).resolve().parent / "data/dem/hakone_aster_gdem2_1arcsec.tif"


def repeat_orbit(orbit: Orbit, days: float, cross_track_m: float, radial_m: float = 0.0) -> Orbit:
    """The orbit ``days`` later, displaced by ``cross_track_m`` (horizontal, perpendicular to the
    velocity, positive to the right of the flight) and ``radial_m`` (up) at the middle vector."""
    mid = len(orbit.times_s) // 2
    p, v = orbit.positions_m[mid], orbit.velocities_m_s[mid]
    up = p / np.linalg.norm(p)
    right = np.cross(v, up)
    right /= np.linalg.norm(right)
    offset = cross_track_m * right + radial_m * up
    shift = timedelta(days=days)
    return Orbit.from_state_vectors([(t + shift, tuple(np.asarray(pos) + offset), vel)
                                     for t, pos, vel in orbit.state_vectors()])


def shifted_grid(grid, orbit, new_orbit, days: float):
    """``grid`` re-expressed on ``new_orbit``'s time axis ``days`` later (same lines, ranges)."""
    t0 = orbit.datetime_from_seconds(grid.first_line_time_s) + timedelta(days=days)
    return replace(grid, first_line_time_s=new_orbit.seconds_from_datetime(t0))
