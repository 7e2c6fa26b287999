"""Small, geometrically consistent product descriptions for tests and benchmarks.

``example_description`` places an ALOS-2 orbit (geometry.orbit_model) over a scene centre and
lays the beams side by side in slant range around it, so the written product can be geolocated.
Image content is up to the caller (see ``writer.constant_blocks`` or ``random_blocks``).
The simulator (``palsar2_plugin.simulate``) builds realistic scenes; this is the minimal kit.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator, Optional, Sequence, Tuple

import numpy as np

from palsar2_plugin.ceos.scene import SCANSAR_MODES, Corners, StateVector
from palsar2_plugin.ceos.writer import MAX_BEAMS, BeamGrid, ProductDescription

#: (range sampling rate Hz, PRF Hz per beam) by mode; ScanSAR PRFs are isce2's WD1 values.
MODE_SAMPLING = {
    "SBS": (104.791595714024e6, (3500.0,)),
    "UBS": (104.791595714024e6, (3000.0,)), "UBD": (104.791595714024e6, (3000.0,)),
    "HBS": (52.3957978570119e6, (2500.0,)), "HBD": (52.3957978570119e6, (2500.0,)),
    "HBQ": (52.3957978570119e6, (4500.0,)),
    "FBS": (34.9305319046746e6, (2122.318,)), "FBD": (34.9305319046746e6, (2122.318,)),
    "FBQ": (34.9305319046746e6, (4000.0,)),
    "WBS": (17.4652659523373e6, (2661.847, 3314.512, 2406.568, 2270.575, 2821.225)),
    "WBD": (17.4652659523373e6, (2661.847, 3314.512, 2406.568, 2270.575, 2821.225)),
    "WWS": (34.9305319046746e6, (2661.847, 3314.512, 2406.568, 2270.575, 2821.225)),
    "WWD": (34.9305319046746e6, (2661.847, 3314.512, 2406.568, 2270.575, 2821.225)),
    "VBS": (17.4652659523373e6, (2661.847, 3314.512, 2406.568, 2270.575, 2821.225, 2500.0, 2600.0)),
    "VBD": (17.4652659523373e6, (2661.847, 3314.512, 2406.568, 2270.575, 2821.225, 2500.0, 2600.0)),
}
DEFAULT_POLARISATIONS = {"S": ("HH",), "D": ("HH", "HV"), "Q": ("HH", "HV", "VH", "VV")}


def example_description(mode: str = "WBD", lines: int = 64, pixels: int = 48, *,
                        centre_lat_lon: Tuple[float, float] = (37.2, 37.0),
                        centre_time_utc: Optional[datetime] = None, look_side: str = "right",
                        pass_direction: str = "descending", polarisations: Optional[Sequence[str]] = None,
                        incidence_deg: float = 35.0, beams: Optional[Sequence[int]] = None,
                        orbit_number: int = 44908, frame_number: int = 2850) -> ProductDescription:
    """A small L1.1 description: ``lines`` x ``pixels`` per beam (beams differ by a few lines/pixels
    in ScanSAR, like real products), orbit from ``geometry.orbit_model``, corners geolocated."""
    from palsar2_plugin.geometry.orbit_model import synthetic_alos2_orbit
    from palsar2_plugin.geometry.radar_grid import RadarGrid
    from palsar2_plugin.geometry.range_doppler import radar_to_geo
    from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef

    mode = mode.upper()
    centre = centre_time_utc or datetime(2022, 9, 16, 21, 43, 30, 123456, tzinfo=timezone.utc)
    orbit = synthetic_alos2_orbit(centre_lat_lon[0], centre_lat_lon[1], centre, pass_direction, look_side,
                                  incidence_deg)
    fs, prfs = MODE_SAMPLING[mode]
    spacing = 299792458.0 / (2 * fs)
    numbers = list(beams) if beams is not None else (
        list(range(1, MAX_BEAMS[mode] + 1)) if mode in SCANSAR_MODES else [1])
    t_c = orbit.seconds_from_datetime(centre)
    pos = orbit.position(np.array([t_c]))[0]
    r_c = float(np.linalg.norm(pos - geodetic_to_ecef(centre_lat_lon[0], centre_lat_lon[1], 0.0)))
    sizes = [(lines + 3 * (b - 1), pixels + 2 * (b - 1)) if mode in SCANSAR_MODES else (lines, pixels)
             for b in numbers]
    total_range = sum(p for _, p in sizes) * spacing
    near = r_c - total_range / 2
    grids = []
    for b, (n_l, n_p) in zip(numbers, sizes):
        prf = prfs[(b - 1) % len(prfs)] if mode in SCANSAR_MODES else prfs[0]
        first = centre - timedelta(seconds=(n_l - 1) / prf / 2) + timedelta(microseconds=17 * b)
        grids.append(BeamGrid(b, n_l, n_p, round(prf, 3), first, float(round(near)), fs))
        near += n_p * spacing
    corner_ll = []
    for g, which in ((grids[0], (0, 0)), (grids[-1], (0, grids[-1].pixels - 1)),
                     (grids[0], (grids[0].lines - 1, 0)), (grids[-1], (grids[-1].lines - 1, grids[-1].pixels - 1))):
        grid = RadarGrid.for_orbit(orbit, g.first_line_time_utc, line_interval_s=1 / g.prf_hz,
                                   slant_range_first_m=g.near_range_m, range_spacing_m=spacing, lines=g.lines,
                                   pixels=g.pixels, look_side=look_side, wavelength_m=0.2424525)
        lat, lon = radar_to_geo(grid, orbit, np.array([which[0]]), np.array([which[1]]), np.array([0.0]))
        corner_ll.append((float(lat[0]), float(lon[0])))
    svs = tuple(StateVector(t, tuple(float(v) for v in p), tuple(float(v) for v in v_))
                for t, p, v_ in orbit.state_vectors())
    pols = tuple(polarisations) if polarisations else DEFAULT_POLARISATIONS[mode[2]]
    return ProductDescription(
        mode=mode, look_side=look_side, pass_direction=pass_direction, orbit_number=orbit_number,
        frame_number=frame_number, polarisations=pols, state_vectors=svs, scene_centre_time_utc=centre,
        scene_centre_lat_lon=tuple(centre_lat_lon), corners=Corners(corner_ll[0], corner_ll[1], corner_ll[2],
                                                                    corner_ll[3], tuple(centre_lat_lon)),
        beams=tuple(grids), centre_incidence_deg=incidence_deg, off_nadir_deg=incidence_deg - 4.0,
        doppler_centroid_hz=(0.0, 0.0))


def random_blocks(lines: int, pixels: int, seed: int = 0, block_lines: int = 256,
                  power: float = 1.0) -> Iterator[np.ndarray]:
    """Complex Gaussian speckle blocks (mean |z|^2 = ``power``), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    scale = np.sqrt(power / 2.0)
    for start in range(0, lines, block_lines):
        n = min(block_lines, lines - start)
        z = rng.standard_normal((n, 2 * pixels), dtype=np.float32) * np.float32(scale)
        yield z.view(np.complex64)
