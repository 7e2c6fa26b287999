"""Export a CEOS product as calibrated radar-geometry GeoTIFFs, beam footprints and a metadata JSON.

The core of ``palsar2:readceos``. Per beam and polarisation: a float32 GeoTIFF of sigma0, beta0
or gamma0 (LINEAR power, ellipsoid incidence) multilooked ``looks_az`` x ``looks_rg``, in radar
geometry (row = azimuth, column = slant range) with a grid of GCPs (EPSG:4326, ellipsoid height 0)
from our own range-Doppler geolocation; L1.5 products are written on their map grid instead.
Footprints: one polygon per beam (GeoJSON, EPSG:4326). Metadata: JSON with times in ISO 8601 UTC
(microseconds, ``Z``). Every file carries JAXA's attribution.

The files of one export go into the folder ``<scene>-<product>-<calibration>`` inside the output
folder, written as a hidden partial folder and renamed when complete (:mod:`..staging`): a failure
leaves nothing that looks like a result, and a re-run replaces an older result as a whole (files in
it that are not the export's, such as a user's notes, are kept).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import attribution, gdal_calls, radiometry
from ..errors import Palsar2Error
from ..progress import CancelCheck, ProgressCallback, SubProgress, check_cancelled, report
from ..staging import StagedFolder, prefixed, remove_leftovers, writable_folder
from .image import ImageReader, multilook_intensity
from .scene import Scene

TARGET_GROUND_SPACING_M = 25.0
GCP_GRID = 12


@dataclass(frozen=True)
class ExportResult:
    metadata: str
    rasters: Tuple[str, ...]
    footprints: str


def iso_utc(t: Optional[datetime]) -> Optional[str]:
    """ISO 8601 UTC with microseconds and ``Z`` (None stays None)."""
    if t is None:
        return None
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ------------------------------------------------------------------------------ geometry helpers
def _geometry(scene: Scene, beam: int):
    orbit = scene.orbit()
    return orbit, scene.radar_grid(beam, orbit)


def geolocate_pixels(scene: Scene, beam: int, lines, pixels, orbit=None, grid=None):
    """(lat, lon) degrees on the ellipsoid (h = 0) of 0-based input (line, pixel) of ``beam``."""
    from ..geometry.range_doppler import radar_to_geo
    if orbit is None or grid is None:
        orbit, grid = _geometry(scene, beam)
    lines = np.asarray(lines, dtype=np.float64)
    return radar_to_geo(grid, orbit, lines, np.asarray(pixels, dtype=np.float64), np.zeros(lines.shape))


def ellipsoid_incidence(scene: Scene, beam: int, lines, pixels, orbit=None, grid=None) -> np.ndarray:
    """Ellipsoid incidence angle (degrees) at 0-based input (line, pixel) of ``beam``.

    From the orbit and range-Doppler geolocation (:func:`..geometry.range_doppler.ellipsoid_incidence_of_pixels`);
    falls back to the leader's incidence polynomial (slant range only) when geolocation fails (NaN).
    """
    from ..geometry.range_doppler import ellipsoid_incidence_of_pixels
    if orbit is None or grid is None:
        orbit, grid = _geometry(scene, beam)
    pixels = np.asarray(pixels, dtype=np.float64)
    inc = ellipsoid_incidence_of_pixels(grid, orbit, np.asarray(lines, dtype=np.float64), pixels)
    bad = ~np.isfinite(inc)
    if bad.any():
        inc = np.where(bad, _polynomial_incidence(scene)(grid.range_of_pixel(pixels)), inc)
    return inc


def _polynomial_incidence(scene: Scene):
    """The leader's incidence polynomial as a function of slant range (m) -> degrees."""
    return lambda slant_range_m: radiometry.incidence_from_polynomial_deg(scene.incidence_polynomial, slant_range_m)


def default_looks(scene: Scene, beam: int, target_m: float = TARGET_GROUND_SPACING_M) -> Tuple[int, int]:
    """(azimuth, range) looks giving roughly square ``target_m`` ground pixels at the beam centre.

    L1.1: :func:`..geometry.range_doppler.default_looks` (as the terrain correction); L1.5: from
    the map pixel spacing.
    """
    from ..geometry.range_doppler import default_looks as radar_default_looks
    if scene.level.startswith("1.5") and scene.map_georeference is not None:
        g = scene.map_georeference
        return max(1, round(target_m / g.line_spacing_m)), max(1, round(target_m / g.pixel_spacing_m))
    orbit, grid = _geometry(scene, beam)
    return radar_default_looks(grid, orbit, target_m)


# ------------------------------------------------------------------------------ outputs
def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _gcps(scene: Scene, beam: int, rows: int, cols: int, looks_az: int, looks_rg: int, orbit, grid):
    """GCP grid of a multilooked raster: (row, col) of pixel centres -> (lat, lon), h = 0."""
    from osgeo import gdal
    r = np.unique(np.linspace(0, rows - 1, min(GCP_GRID, rows)).round())
    c = np.unique(np.linspace(0, cols - 1, min(GCP_GRID, cols)).round())
    rr, cc = np.meshgrid(r, c, indexing="ij")
    lines = rr * looks_az + (looks_az - 1) / 2.0
    pixels = cc * looks_rg + (looks_rg - 1) / 2.0
    lat, lon = geolocate_pixels(scene, beam, lines.ravel(), pixels.ravel(), orbit, grid)
    out = []
    for k, (row, col, la, lo) in enumerate(zip(rr.ravel(), cc.ravel(), lat, lon)):
        if np.isfinite(la) and np.isfinite(lo):
            out.append(gdal.GCP(float(lo), float(la), 0.0, float(col) + 0.5, float(row) + 0.5, "", str(k + 1)))
    return out


def _wkt_of_epsg(epsg: int) -> str:
    from osgeo import osr
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(int(epsg))
    return srs.ExportToWkt()


def _gdal_call(what: str, path: Path, call):
    """Run a GDAL call whatever its exception mode; a failure becomes a Palsar2Error naming ``path``."""
    result, message = gdal_calls.call(call)
    if gdal_calls.failed(result):
        raise Palsar2Error(f"Cannot {what} {path} ({message or 'GDAL error'}): check that the output folder is "
                           "writable and has free space.")
    return result


def _write_beam_raster(scene: Scene, beam: int, pol: str, path: Path, looks_az: int, looks_rg: int,
                       calibration: str, progress, is_cancelled) -> None:
    from osgeo import gdal

    from ..geometry.range_doppler import ellipsoid_incidence_rows

    im = scene.image(beam, pol)
    rows, cols = im.lines // looks_az, im.pixels // looks_rg
    if rows < 1 or cols < 1:
        raise Palsar2Error(f"beam {beam} ({im.lines} x {im.pixels}) is smaller than {looks_az} x {looks_rg} looks; "
                           f"choose fewer looks")
    is_l15 = scene.level.startswith("1.5")
    if is_l15 and calibration != "sigma0":
        raise Palsar2Error(f"{calibration} needs the ellipsoid incidence in radar geometry; L1.5 products give "
                           f"sigma0 only - choose sigma0")
    options = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3",
               "BIGTIFF=IF_SAFER"]
    orbit = grid = None
    geotransform = srs_wkt = None
    if is_l15:
        g = scene.map_georeference
        if g is None or g.epsg is None:
            raise Palsar2Error("this L1.5 product has no UTM map projection record; it cannot be georeferenced")
        x0, dx, rx, y0, ry, dy = g.geotransform
        geotransform = (x0, dx * looks_rg, rx * looks_az, y0, ry * looks_rg, dy * looks_az)
        srs_wkt = _wkt_of_epsg(g.epsg)
    else:
        orbit, grid = _geometry(scene, beam)
    tmp = _tmp(path)
    try:
        driver = gdal.GetDriverByName("GTiff")
        dst = _gdal_call("create", tmp, lambda: driver.Create(str(tmp), cols, rows, 1, gdal.GDT_Float32, options))
        try:
            if is_l15:
                dst.SetProjection(srs_wkt)
                dst.SetGeoTransform(geotransform)
            else:
                dst.SetGCPs(_gcps(scene, beam, rows, cols, looks_az, looks_rg, orbit, grid), _wkt_of_epsg(4326))
            tags = dict(attribution.geotiff_tags(), SCENE_ID=scene.scene_id, PRODUCT_ID=scene.product_id,
                        BEAM=str(beam), POLARISATION=pol, QUANTITY=calibration, UNITS="linear power",
                        INCIDENCE="ellipsoid", LOOKS_AZIMUTH=str(looks_az), LOOKS_RANGE=str(looks_rg),
                        CALIBRATION_FACTOR_DB=repr(scene.calibration_factor_db),
                        GEOMETRY="map" if is_l15 else "radar (row = azimuth, column = slant range)")
            if scene.warnings:
                tags["WARNINGS"] = " | ".join(scene.warnings)
            for key, value in tags.items():
                dst.SetMetadataItem(key, str(value))
            band = dst.GetRasterBand(1)
            band.SetMetadataItem("QUANTITY", calibration)
            band.SetMetadataItem("UNITS", "linear power")
            with ImageReader(im) as reader:
                n = reader.block_lines(looks_az)
                usable = rows * looks_az
                multilooked = grid.multilooked(looks_az, looks_rg) if grid is not None else None
                for start in range(0, usable, n):
                    check_cancelled(is_cancelled)
                    stop = min(usable, start + n)
                    intensity = multilook_intensity(reader.samples(start, stop), looks_az, looks_rg)
                    inc = None
                    if calibration != "sigma0":
                        inc = ellipsoid_incidence_rows(multilooked, orbit, start // looks_az,
                                                       start // looks_az + intensity.shape[0],
                                                       fallback=_polynomial_incidence(scene))
                    values = radiometry.calibrate(intensity, scene.calibration_factor_db, scene.level, calibration,
                                                  inc)
                    _gdal_call("write", tmp,
                               lambda: band.WriteArray(values.astype(np.float32), 0, start // looks_az))
                    report(progress, stop / usable, f"beam {beam} {pol}")
            _gdal_call("write", tmp, lambda: dst.FlushCache() or gdal.CE_None)
        finally:
            band = None
            dst = None                     # closes the file
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise


def footprint_polygon(scene: Scene, beam: int, points_per_side: int = 16) -> List[Tuple[float, float]]:
    """Closed ring of (lon, lat) around the beam's image border (ellipsoid, h = 0)."""
    im = scene.beam_image(beam)
    if scene.level.startswith("1.5") and scene.map_georeference is not None:
        ring = [(lon, lat) for lat, lon in scene.map_georeference.corner_lat_lon]
        return ring + ring[:1]
    L_, P = im.lines - 1, im.pixels - 1
    t = np.linspace(0.0, 1.0, points_per_side, endpoint=False)
    lines = np.concatenate([np.zeros_like(t), t * L_, np.full_like(t, L_), (1 - t) * L_])
    pixels = np.concatenate([t * P, np.full_like(t, P), (1 - t) * P, np.zeros_like(t)])
    lat, lon = geolocate_pixels(scene, beam, lines, pixels)
    ring = [(float(a), float(b)) for a, b in zip(lon, lat) if np.isfinite(a) and np.isfinite(b)]
    return ring + ring[:1]


def metadata_dict(scene: Scene, looks: Dict[int, Tuple[int, int]], calibration: str,
                  rasters: Sequence[str]) -> dict:
    """The metadata JSON document (see the module docstring for units)."""
    beams = []
    for b in scene.beams:
        im = scene.beam_image(b)
        beams.append({
            "beam": b, "lines": im.lines, "pixels": im.pixels, "prf_hz": im.prf_hz,
            "line_interval_s": im.line_interval_s, "first_line_time_utc": iso_utc(im.first_line_time_utc),
            "slant_range_first_pixel_m": im.slant_range_first_pixel_m,
            "range_pixel_spacing_m": im.range_pixel_spacing_m, "range_sampling_rate_hz": im.range_sampling_rate_hz,
            "number_of_bursts": im.number_of_bursts, "lines_per_burst": im.lines_per_burst,
            "burst_overlap_lines": im.burst_overlap_lines,
            "looks_azimuth": looks.get(b, (None, None))[0], "looks_range": looks.get(b, (None, None))[1]})
    corners = scene.corners.as_dict() if scene.corners else None
    return {
        "scene_id": scene.scene_id, "product_id": scene.product_id, "mode": scene.mode, "level": scene.level,
        "look_side": scene.look_side, "pass_direction": scene.pass_direction,
        "polarisations": list(scene.polarisations), "wavelength_m": scene.wavelength_m,
        "calibration_factor_db": scene.calibration_factor_db, "calibration": calibration,
        "units": "linear power (ellipsoid incidence)",
        "doppler_centroid_hz": {"constant_hz": scene.doppler_centroid_hz[0],
                                "linear_hz_per_km": scene.doppler_centroid_hz[1]},
        "scene_centre_time_utc": iso_utc(scene.scene_centre_time_utc),
        "scene_centre_lat_lon": list(scene.centre_lat_lon),
        "corners": {k: {"lat": v[0], "lon": v[1]} for k, v in corners.items()} if corners else None,
        "orbit_state_vectors": [{"time_utc": iso_utc(sv.time_utc), "position_m": list(sv.position_m),
                                 "velocity_m_s": list(sv.velocity_m_s)} for sv in scene.state_vectors],
        "beams": beams,
        "rasters": [os.path.basename(r) for r in rasters],
        "warnings": list(scene.warnings),
        "attribution": attribution.product_metadata(),
    }


def _write_text(path: Path, text: str) -> None:
    tmp = _tmp(path)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def export_product(scene: Scene, out_folder, *, beams: Optional[Sequence[int]] = None,
                   polarisations: Optional[Sequence[str]] = None, looks_az: int = 0, looks_rg: int = 0,
                   calibration: str = "sigma0", progress: Optional[ProgressCallback] = None,
                   is_cancelled: Optional[CancelCheck] = None) -> ExportResult:
    """Write rasters, footprints and metadata of ``scene`` into the folder
    ``<scene>-<product>-<calibration>`` inside ``out_folder`` (see the module docstring).

    ``beams``/``polarisations``: subsets (None = all); ``looks_az``/``looks_rg`` 0 = automatic
    (~25 m square ground pixels per beam); ``calibration``: sigma0, beta0 or gamma0.
    Raster names: ``<scene>-<product>-F<beam>-<pol>-<calibration>.tif`` (no ``-F`` for stripmap).
    """
    calibration = calibration.lower()
    if calibration not in radiometry.QUANTITIES:
        raise Palsar2Error(f"unknown calibration {calibration!r}; choose sigma0, beta0 or gamma0")
    sel_beams = tuple(scene.beams) if not beams else tuple(sorted(set(int(b) for b in beams)))
    missing = [b for b in sel_beams if b not in scene.beams]
    if missing:
        raise Palsar2Error(f"beams {missing} are not in {scene.scene_id} (it has beams {list(scene.beams)})")
    sel_pols = tuple(scene.polarisations) if not polarisations else tuple(p.upper() for p in polarisations)
    absent = [p for p in sel_pols if p not in scene.polarisations]
    if absent:
        raise Palsar2Error(f"polarisations {absent} are not in {scene.scene_id} (it has {list(scene.polarisations)})")
    jobs = [(b, p) for b in sel_beams for p in sel_pols if any(i.beam == b and i.polarisation == p
                                                                 for i in scene.images)]
    looks: Dict[int, Tuple[int, int]] = {}
    for b in sel_beams:
        auto = default_looks(scene, b) if (looks_az < 1 or looks_rg < 1) else (0, 0)
        looks[b] = (looks_az if looks_az >= 1 else auto[0], looks_rg if looks_rg >= 1 else auto[1])
    for b, p in jobs:  # check every job before writing anything
        im = scene.image(b, p)
        if im.lines // looks[b][0] < 1 or im.pixels // looks[b][1] < 1:
            raise Palsar2Error(f"beam {b} ({im.lines} x {im.pixels}) is smaller than {looks[b][0]} x {looks[b][1]} "
                               f"looks; choose fewer looks")
        if scene.level.startswith("1.5") and calibration != "sigma0":
            raise Palsar2Error(f"{calibration} needs the ellipsoid incidence in radar geometry; L1.5 products give "
                               f"sigma0 only - choose sigma0")
    base = f"{scene.scene_id}-{scene.product_id}"
    parent = writable_folder(out_folder)
    remove_leftovers(parent)
    staged = StagedFolder(parent, f"{base}-{calibration}", prefixed((f"{base}-",)))
    try:
        names = _write_export(scene, Path(staged.path), base, jobs, sel_beams, sel_pols, looks, calibration,
                              progress, is_cancelled)
        check_cancelled(is_cancelled)
        final = Path(staged.commit())
    except BaseException:
        staged.abort()
        raise
    report(progress, 1.0, "done")
    return ExportResult(str(final / names["metadata"]), tuple(str(final / n) for n in names["rasters"]),
                        str(final / names["footprints"]))


def _write_export(scene: Scene, folder: Path, base: str, jobs, sel_beams, sel_pols, looks, calibration: str,
                  progress, is_cancelled) -> dict:
    """Write the rasters, footprints and metadata into ``folder``; returns their file names."""
    rasters: List[str] = []
    for k, (b, p) in enumerate(jobs):
        suffix = f"-F{b}" if scene.is_scansar else ""
        path = folder / f"{base}{suffix}-{p}-{calibration}.tif"
        _write_beam_raster(scene, b, p, path, looks[b][0], looks[b][1], calibration,
                           SubProgress(progress, k / len(jobs), (k + 1) / len(jobs) * 0.98), is_cancelled)
        rasters.append(path.name)
    check_cancelled(is_cancelled)
    features = []
    for b in sel_beams:
        ring = footprint_polygon(scene, b)
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": {"scene_id": scene.scene_id, "product_id": scene.product_id, "beam": b,
                                        "polarisations": ",".join(sel_pols), "credit": attribution.CREDIT_EN,
                                        "copyright": attribution.COPYRIGHT}})
    fp_name = f"{base}-footprints.geojson"
    _write_text(folder / fp_name, json.dumps({"type": "FeatureCollection", "name": f"{base} footprints",
                                              "features": features}, ensure_ascii=False))
    md_name = f"{base}-metadata.json"
    _write_text(folder / md_name, json.dumps(metadata_dict(scene, looks, calibration, rasters), indent=2,
                                             ensure_ascii=False))
    return {"rasters": rasters, "footprints": fp_name, "metadata": md_name}
