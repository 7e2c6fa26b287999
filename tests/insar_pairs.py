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


def writable_samples(product_folder, beam: int = 1, polarisation: str = "HH") -> np.ndarray:
    """The complex samples (lines, pixels; big-endian complex64) of one image file of an L1.1 product,
    memory-mapped for writing (the line records' prefixes are left as they are)."""
    from palsar2_plugin.ceos import layouts
    from palsar2_plugin.ceos import open_product
    from palsar2_plugin.ceos.image import ImageReader

    image = open_product(str(product_folder)).image(beam, polarisation)
    with ImageReader(image) as reader:
        records = np.memmap(reader.source.mappable_path, dtype=reader.dtype, mode="r+", shape=(image.lines,),
                            offset=reader.source.data_offset + layouts.FDR_LENGTH)
    return records["samples"]


def decorrelated_series(base: Path, dates, coherence: float, loss_region=None, *, lines: int = 500,
                        pixels: int = 400, seed: int = 1, dem: Path = HAKONE_DEM) -> list:
    """Simulated FBS L1.1 products of one scene (zero baseline) at ``dates`` (UTC datetimes) whose
    consecutive pairs have the true coherence ``coherence``: each is ``g * previous + sqrt(1 - g^2) *
    fresh speckle`` of the same mean power (from a speckle-free simulation). In ``loss_region``
    ((line slice, pixel slice)) the last product is fresh speckle alone: true coherence 0 with the one
    before. Returns the product folders."""
    from palsar2_plugin.simulate import simulate_product

    amplitude = np.abs(np.asarray(writable_samples(simulate_product(
        str(dem), "FBS", base / "mean_power", lines=lines, pixels=pixels, speckle_noise=False,
        centre_time_utc=dates[0]))))
    folders = [simulate_product(str(dem), "FBS", base / f"date{k}", lines=lines, pixels=pixels, seed=seed,
                                centre_time_utc=date) for k, date in enumerate(dates)]
    rng = np.random.default_rng(seed + 1000)
    previous = np.asarray(writable_samples(folders[0]), dtype=np.complex128)
    for k, folder in enumerate(folders[1:], start=1):
        fresh = amplitude * (rng.standard_normal(amplitude.shape) + 1j * rng.standard_normal(amplitude.shape)) \
            / np.sqrt(2.0)
        mixed = coherence * previous + np.sqrt(1.0 - coherence ** 2) * fresh
        if loss_region is not None and k == len(folders) - 1:
            mixed[loss_region] = fresh[loss_region]
        samples = writable_samples(folder)
        samples[:] = mixed.astype(np.complex64)
        del samples
        previous = mixed
    return folders


def reference_positions_on_map(raster_path, product_folder, dem: Path = HAKONE_DEM, height_reference: str = "egm96"):
    """(line, pixel) in beam 1 of the L1.1 product of every pixel centre of a map raster (its DEM height
    from ``dem``): where each map pixel's ground was seen, computed here with the geometry module's
    zero-Doppler solver (independently of the interferogram code). NaN where the DEM has no height."""
    import rasterio
    from affine import Affine

    from palsar2_plugin.ceos import open_product
    from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
    from palsar2_plugin.geometry.range_doppler import zero_doppler_time
    from palsar2_plugin.rtc.dem import DemSource, VertexGrid

    scene = open_product(str(product_folder))
    orbit = scene.orbit()
    grid = scene.radar_grid(1, orbit)
    with rasterio.open(raster_path) as ds:
        t, shape, crs = ds.transform, (ds.height, ds.width), ds.crs.to_string()
    centres = VertexGrid(crs, Affine(t.a, 0.0, t.c + 0.5 * t.a, 0.0, t.e, t.f + 0.5 * t.e), shape)
    dem_source = DemSource(str(dem), height_reference)
    try:
        lat, lon, h = dem_source.ellipsoid_heights_on(centres)
    finally:
        dem_source.close()
    ok = np.isfinite(h)
    xyz = geodetic_to_ecef(lat, lon, np.where(ok, h, 0.0))
    time_s, slant = zero_doppler_time(orbit, xyz, np.full(shape, grid.mid_time_s))
    line, pixel = grid.line_of_time(time_s), grid.pixel_of_range(slant)
    return np.where(ok, line, np.nan), np.where(ok, pixel, np.nan)


def in_region(line, pixel, region, margin: float = 0.0):
    """Map pixels whose radar position is inside ``region`` ((line slice, pixel slice)) grown by ``margin``."""
    lines, pixels = region
    with np.errstate(invalid="ignore"):
        return ((line >= lines.start - margin) & (line < lines.stop + margin)
                & (pixel >= pixels.start - margin) & (pixel < pixels.stop + margin))


def planned_point(mode: str, lines: int, pixels: int, line: float, pixel: float, height_m: float,
                  dem: Path = HAKONE_DEM):
    """(lat, lon) in degrees of the radar position (line, pixel) at ``height_m`` (ellipsoid) in beam 1 of the
    scene the simulator plans over the centre of ``dem`` for that mode and size: where to put an uplift or a
    point target so that it falls inside the image."""
    from palsar2_plugin.geometry.range_doppler import radar_to_geo
    from palsar2_plugin.simulate import mode_spec
    from palsar2_plugin.simulate.dem_source import DemHeights
    from palsar2_plugin.simulate.scene import plan_scene

    with DemHeights(str(dem)) as heights:
        lat0, lon0 = heights.centre_lat_lon()
    scene = plan_scene(mode_spec(mode), lat0, lon0, lines=lines, pixels=pixels)
    return tuple(float(v) for v in radar_to_geo(scene.beams[0].grid, scene.orbit, line, pixel, height_m))


def truth_on_grid(truth_file, raster_path) -> dict:
    """The bands of the simulator's truth raster (by description: ``los_displacement_m``, ``coherence``, ...)
    resampled bilinearly onto the grid of ``raster_path`` (NaN outside)."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT

    with rasterio.open(raster_path) as ds, rasterio.open(truth_file) as truth:
        with WarpedVRT(truth, crs=ds.crs, transform=ds.transform, width=ds.width, height=ds.height,
                       resampling=Resampling.bilinear, nodata=np.nan) as warped:
            return {name: warped.read(i + 1) for i, name in enumerate(truth.descriptions)}


def layers_with_truth(coherence_path, phase_path, truth_file):
    """(coherence, phase, truth) of an interferogram product's coherence and phase layers and the simulator's
    truth bands on their grid (:func:`truth_on_grid`)."""
    import rasterio

    with rasterio.open(coherence_path) as ds:
        coherence = ds.read(1)
    with rasterio.open(phase_path) as ds:
        phase = ds.read(1)
    return coherence, phase, truth_on_grid(truth_file, coherence_path)
