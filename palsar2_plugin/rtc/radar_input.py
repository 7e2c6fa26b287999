"""What the terrain correction needs from a radar product: orbit, beams, beta0 blocks, names.

:class:`RadarInput` is the small interface the driver uses; :class:`ArrayRadarInput` holds beta0
arrays in memory (tests, simulations); :func:`radar_input_from_scene` adapts a CEOS product
(``palsar2_plugin.ceos``) with multilooking. beta0 is linear power; 0 or NaN is no data.
Beams' radar grids are those of the (multilooked) beta0 images; times in seconds after the
orbit's reference time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error


@dataclass(frozen=True)
class RadarBeam:
    """One beam: its number (1-based, as ``-F<n>``), radar grid of the beta0 images, and looks per sample."""

    number: int
    grid: object  # geometry.RadarGrid
    looks: float = 1.0


def read_beta0_file_window(path: str, shape: Tuple[int, int], line0: int, line1: int, pixel0: int,
                           pixel1: int) -> np.ndarray:
    """Lines [line0, line1) x pixels [pixel0, pixel1) of a raw float32 beta0 file of ``shape``
    (lines, pixels), copied out of a short-lived memory map (only that window is read)."""
    mm = np.memmap(path, dtype=np.float32, mode="r", shape=shape)
    try:
        return np.array(mm[line0:line1, pixel0:pixel1])
    finally:
        del mm


def multilooked_grid(grid, azimuth_looks: int, range_looks: int):
    """The grid of an image multilooked by (azimuth_looks, range_looks) with block means:
    sample i covers input lines [i*la, (i+1)*la), its centre at line i*la + (la-1)/2."""
    la, lr = int(azimuth_looks), int(range_looks)
    return replace(grid,
                   first_line_time_s=grid.first_line_time_s + 0.5 * (la - 1) * grid.line_interval_s,
                   line_interval_s=grid.line_interval_s * la,
                   slant_range_first_m=grid.slant_range_first_m + 0.5 * (lr - 1) * grid.range_spacing_m,
                   range_spacing_m=grid.range_spacing_m * lr,
                   lines=grid.lines // la, pixels=grid.pixels // lr)


class RadarInput:
    """Interface: ``orbit`` (geometry.Orbit), ``beams`` (tuple of :class:`RadarBeam`),
    ``polarisations``, ``metadata`` (dict: scene_id, product_id, mode, look_side, pass_direction),
    and :meth:`read_beta0`."""

    orbit = None
    beams: Tuple[RadarBeam, ...] = ()
    polarisations: Tuple[str, ...] = ()
    metadata: Dict = {}

    def read_beta0(self, beam: int, polarisation: str, line0: int, line1: int, pixel0: int, pixel1: int) -> np.ndarray:
        """beta0 (linear power, float32) of lines [line0, line1), pixels [pixel0, pixel1) of ``beam``."""
        raise NotImplementedError

    # ------------------------------------------------------------------ derived
    def beam(self, number: int) -> RadarBeam:
        for b in self.beams:
            if b.number == number:
                return b
        raise Palsar2Error(f"No beam {number} in this product (beams {[b.number for b in self.beams]}).")

    def time_span_s(self) -> Tuple[float, float]:
        t0 = min(b.grid.first_line_time_s for b in self.beams)
        t1 = max(b.grid.last_line_time_s for b in self.beams)
        return t0, t1

    def footprint_lon_lat(self, height_m: float = 0.0) -> List[Tuple[float, float]]:
        """Corners (lon, lat degrees) of the area all beams see at ``height_m``: near range of the
        nearest beam and far range of the farthest, at the first and last line times."""
        from ..geometry.range_doppler import geolocate

        t0, t1 = self.time_span_s()
        near = min(b.grid.slant_range_first_m for b in self.beams)
        far = max(b.grid.slant_range_last_m for b in self.beams)
        side = self.beams[0].grid.look_side
        t = np.array([t0, t0, t1, t1])
        r = np.array([near, far, far, near])
        lat, lon = geolocate(self.orbit, t, r, np.full(4, float(height_m)), side)
        if not (np.all(np.isfinite(lat)) and np.all(np.isfinite(lon))):
            raise Palsar2Error("Cannot locate the scene corners on the Earth: the product's orbit and "
                               "timing do not match.")
        return [(float(a), float(b)) for a, b in zip(lon, lat)]

    def incidence_range_deg(self) -> Tuple[float, float]:
        """Ellipsoid incidence (degrees) at the near range of the nearest beam and the far range of the farthest."""
        from ..geometry.ellipsoid import geodetic_to_ecef
        from ..geometry.range_doppler import ellipsoid_incidence_deg, geolocate

        t0, t1 = self.time_span_s()
        tm = 0.5 * (t0 + t1)
        near = min(b.grid.slant_range_first_m for b in self.beams)
        far = max(b.grid.slant_range_last_m for b in self.beams)
        side = self.beams[0].grid.look_side
        lat, lon = geolocate(self.orbit, np.array([tm, tm]), np.array([near, far]), np.zeros(2), side)
        xyz = geodetic_to_ecef(lat, lon, 0.0)
        inc = ellipsoid_incidence_deg(self.orbit, np.array([tm, tm]), xyz)
        return float(inc[0]), float(inc[1])

    def utc_of(self, t_s: float) -> str:
        return (self.orbit.reference_time_utc + timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ArrayRadarInput(RadarInput):
    """beta0 images held in memory: ``images[(beam_number, polarisation)]`` arrays of each beam's grid shape."""

    def __init__(self, orbit, beams: Sequence[RadarBeam], images: Dict[Tuple[int, str], np.ndarray],
                 metadata: Optional[Dict] = None):
        self.orbit = orbit
        self.beams = tuple(beams)
        self.images = images
        pols = []
        for (_, pol) in images:
            if pol.upper() not in pols:
                pols.append(pol.upper())
        self.polarisations = tuple(pols)
        self.metadata = dict(scene_id="ALOS2000000000-000000", product_id="SIMR1.1__D", mode="WBD",
                             look_side="right", pass_direction="descending")
        self.metadata.update(metadata or {})
        for b in self.beams:
            for p in self.polarisations:
                img = images.get((b.number, p))
                if img is None or img.shape != (b.grid.lines, b.grid.pixels):
                    raise Palsar2Error(f"Beam {b.number} {p}: image missing or not of the grid's shape.")

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        return np.asarray(self.images[(beam, polarisation.upper())][line0:line1, pixel0:pixel1], dtype=np.float32)
