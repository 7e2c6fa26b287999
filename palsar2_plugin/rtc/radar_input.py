"""What the terrain correction needs from a radar product: orbit, beams, beta0 blocks, names.

:class:`RadarGeometry` is the geometry alone (orbit and beams' radar grids: enough to plan a run
or check an extent, :meth:`RadarGeometry.of_scene`); :class:`RadarInput` adds the polarisations,
names and beta0 windows the tiles read. :class:`ArrayRadarInput` holds beta0 arrays in memory
(tests, simulations); :class:`Beta0FileInput` reads calibrated beta0 rasters (what
:class:`.scene_input.SceneRadarInput` writes from a CEOS product), from any process that sees
them. beta0 is linear power; 0 or NaN is no data.
Beams' radar grids are those of the (multilooked) beta0 images; times in seconds after the
orbit's reference time.
"""

from __future__ import annotations

from dataclasses import dataclass
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


class RadarGeometry:
    """``orbit`` (geometry.Orbit) and ``beams`` (tuple of :class:`RadarBeam`), and what follows from
    them: time span, footprint, incidence range, UTC of a time."""

    def __init__(self, orbit, beams: Sequence[RadarBeam]):
        self.orbit = orbit
        self.beams = tuple(beams)

    @classmethod
    def of_scene(cls, scene) -> "RadarGeometry":
        """The geometry of a CEOS product's beams at full resolution (``ceos.Scene``)."""
        orbit = scene.orbit()
        return cls(orbit, [RadarBeam(b, scene.radar_grid(b, orbit)) for b in scene.beams])

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
        """Ellipsoid incidence (degrees) at the near range of the nearest beam and the far range of
        the farthest, at the scene's middle time."""
        from ..geometry.range_doppler import ellipsoid_incidence_of_pixels

        t0, t1 = self.time_span_s()
        tm = 0.5 * (t0 + t1)
        near = min(self.beams, key=lambda b: b.grid.slant_range_first_m).grid
        far = max(self.beams, key=lambda b: b.grid.slant_range_last_m).grid
        inc = [float(ellipsoid_incidence_of_pixels(g, self.orbit, g.line_of_time(tm), pixel))
               for g, pixel in ((near, 0.0), (far, far.pixels - 1.0))]
        return inc[0], inc[1]

    def utc_of(self, t_s: float) -> str:
        return (self.orbit.reference_time_utc + timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RadarInput(RadarGeometry):
    """What a run reads: the geometry, ``polarisations``, ``metadata`` (dict: scene_id, product_id,
    mode, look_side, pass_direction), and :meth:`read_beta0`."""

    polarisations: Tuple[str, ...] = ()
    metadata: Dict = {}

    def read_beta0(self, beam: int, polarisation: str, line0: int, line1: int, pixel0: int, pixel1: int) -> np.ndarray:
        """beta0 (linear power, float32) of lines [line0, line1), pixels [pixel0, pixel1) of ``beam``."""
        raise NotImplementedError


class ArrayRadarInput(RadarInput):
    """beta0 images held in memory: ``images[(beam_number, polarisation)]`` arrays of each beam's grid shape."""

    def __init__(self, orbit, beams: Sequence[RadarBeam], images: Dict[Tuple[int, str], np.ndarray],
                 metadata: Optional[Dict] = None):
        super().__init__(orbit, beams)
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


class Beta0FileInput(RadarInput):
    """Calibrated beta0 rasters (float32 raw files, linear power): ``files`` {(beam, polarisation):
    (path, (lines, pixels))} in ``folder``, readable by any process that sees it (Dask workers).
    The folder's owner removes it (:class:`.scene_input.SceneRadarInput` its own scratch folder, a
    batch run the folders it made)."""

    def __init__(self, orbit, beams, polarisations, metadata, files: Dict, folder: str):
        super().__init__(orbit, beams)
        self.polarisations = tuple(polarisations)
        self.metadata = dict(metadata)
        self.files = dict(files)
        self.folder = folder

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        path, shape = self.files[(beam, polarisation.upper())]
        return read_beta0_file_window(path, shape, line0, line1, pixel0, pixel1)

    def close(self) -> None:
        """Nothing here: the folder's owner removes it."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
