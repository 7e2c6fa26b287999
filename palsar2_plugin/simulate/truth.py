"""The truth of a simulated pair on a map grid: line-of-sight displacement and coherence.

For every cell centre of the map grid (by default the DEM's own grid: its CRS and cells, cut to
the secondary's footprint; without a DEM an EPSG:4326 grid over the footprint) at the DEM's height there,
the scatterer the root acquisition sees at that point is located on the scatterer grid
(:mod:`.scatterers`) and both acquisitions of the pair (reference A = the product the repeat was
made of, secondary B = the new one) are evaluated there and half a sample away in line and pixel:

- ``los_displacement_m``: LOS_B . D_B - LOS_A . D_A (D the cumulative displacement since the root,
  LOS the unit vector from the ground towards each satellite): metres, **positive towards the
  satellite** (range shortening). The interferogram arg(z_A conj(z_B)) holds
  4 pi (R_B - R_A) / lambda, flat-earth and topography included; this displacement adds
  -4 pi d / lambda to it (+4 pi d / lambda to arg(z_B conj(z_A))).
- ``coherence``: the population coherence an ideal processor measures (exact coregistration, the
  flat-earth and topographic phase removed, no common-band filtering, no thermal noise):
  ``coherence_temporal`` x ``coherence_range_spectral`` x ``coherence_azimuth``.
- ``coherence_temporal``: C of the repeat step at the point (:class:`.deformation.CoherenceModel`).
- ``coherence_range_spectral``: the range spectral-shift (geometric) coherence
  gamma(df_r), df_r = (2 / lambda) d(R_B - R_A)/d(root pixel) along the terrain (cycles per
  sample; :meth:`.speckle_kernel.SpeckleKernel.spectral_coherence`).
- ``coherence_azimuth``: the azimuth spectral-shift coherence (df_a along root lines) and, for
  ScanSAR, the burst overlap (:func:`.bursts.burst_coherence` with both acquisitions' raw bursts).

NaN where the point is outside either image, or where the root sample there sees another point of
the DEM (layover). Radar shadow is not masked (both images have no signal there).
Bands are float32 GeoTIFF with NaN as nodata, names in the band descriptions, conventions in the
tags; ScanSAR pairs get one file per beam.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from ..attribution import geotiff_tags
from ..geometry.range_doppler import geo_to_radar

BANDS = ("los_displacement_m", "coherence", "coherence_temporal", "coherence_range_spectral",
         "coherence_azimuth")
BAND_DESCRIPTIONS = {
    "los_displacement_m": "line-of-sight displacement (m), positive towards the satellite (range shortening)",
    "coherence": "coherence an ideal processor measures (temporal x range spectral x azimuth), 0-1",
    "coherence_temporal": "temporal coherence of the scatterers between the two acquisitions, 0-1",
    "coherence_range_spectral": "range spectral-shift (geometric baseline) coherence without common-band "
                                "filtering, 0-1",
    "coherence_azimuth": "azimuth spectral-shift coherence and, for ScanSAR, burst overlap, without "
                         "common-band filtering, 0-1",
}
#: Rows of the map grid computed at a time.
_ROWS = 32


@dataclass(frozen=True)
class MapGrid:
    """A north-up map grid: ``crs`` (anything pyproj takes), GDAL-style ``transform`` (affine.Affine of
    cell *corners*), ``width``, ``height``."""

    crs: object
    transform: object
    width: int
    height: int

    def as_dict(self) -> dict:
        t = self.transform
        return {"crs": str(self.crs), "geotransform": [t.c, t.a, t.b, t.f, t.d, t.e],
                "width": self.width, "height": self.height,
                "convention": "geotransform of cell corners (GDAL); values refer to cell centres"}


def dem_grid(dem) -> MapGrid:
    """The DEM's own grid."""
    ds = dem._ds
    return MapGrid(ds.crs.to_wkt(), ds.transform, ds.width, ds.height)


def _footprint_lat_lon(scene) -> Tuple[np.ndarray, np.ndarray]:
    from ..geometry.range_doppler import radar_to_geo
    lats, lons = [], []
    for beam in scene.beams:
        g = beam.grid
        ll = np.linspace(0, g.lines - 1, 9)
        pp = np.linspace(0, g.pixels - 1, 9)
        la, lo = radar_to_geo(g, scene.orbit, ll[:, None], pp[None, :], 0.0)
        lats.append(la.ravel())
        lons.append(lo.ravel())
    return np.concatenate(lats), np.concatenate(lons)


def cropped_grid(grid: MapGrid, scene, margin_cells: int = 2) -> MapGrid:
    """``grid`` cut to the cells around ``scene``'s footprint (same cells, fewer of them)."""
    from pyproj import Transformer
    lat, lon = _footprint_lat_lon(scene)
    x, y = Transformer.from_crs("EPSG:4326", grid.crs, always_xy=True).transform(lon, lat)
    cols, rows = ~grid.transform * (np.asarray(x), np.asarray(y))
    c0 = int(max(0, np.floor(np.min(cols)) - margin_cells))
    c1 = int(min(grid.width, np.ceil(np.max(cols)) + margin_cells))
    r0 = int(max(0, np.floor(np.min(rows)) - margin_cells))
    r1 = int(min(grid.height, np.ceil(np.max(rows)) + margin_cells))
    if c1 <= c0 or r1 <= r0:
        return grid
    return MapGrid(grid.crs, grid.transform * grid.transform.translation(c0, r0), c1 - c0, r1 - r0)


def footprint_grid(scene, pixel_size_deg: Optional[float] = None) -> MapGrid:
    """An EPSG:4326 grid over ``scene``'s footprint (all beams) at ``pixel_size_deg`` (default about
    four ground-range pixels)."""
    from affine import Affine

    lat, lon = _footprint_lat_lon(scene)
    if pixel_size_deg is None:
        g = scene.beams[0].grid
        pixel_size_deg = 4.0 * g.range_spacing_m / np.sin(np.radians(35.0)) / 111_000.0
    step = float(pixel_size_deg)
    west, east = np.floor(lon.min() / step) * step, np.ceil(lon.max() / step) * step
    south, north = np.floor(lat.min() / step) * step, np.ceil(lat.max() / step) * step
    width, height = int(round((east - west) / step)), int(round((north - south) / step))
    return MapGrid("EPSG:4326", Affine(step, 0.0, west, 0.0, -step, north), width, height)


@dataclass
class PairTruth:
    """Everything the truth needs about one beam of a pair.

    ``lattice``: the beam's ScattererLattice with acquisitions ``index_a`` (reference of the pair)
    and ``index_b`` (secondary); ``root_orbit``/``root_grid``; ``grid_a``/``grid_b`` the pair's radar
    grids; ``chain_a``/``chain_b`` their ReflectivityChains (cumulative displacements);
    ``coherence``: the temporal coherence model of the step A -> B; ``kernel_az``/``kernel_rg``:
    band-limiting kernels; ``bursts_a``/``bursts_b``: BurstTimings (ScanSAR) with the
    ``first_line_utc_a``/``_b`` of the grids, and ``fm_rate`` (pixel of B -> K_a) for them.
    """

    lattice: object
    index_a: int
    index_b: int
    root_orbit: object
    root_grid: object
    grid_a: object
    grid_b: object
    chain_a: object
    chain_b: object
    coherence: object
    kernel_az: object
    kernel_rg: object
    bursts_a: Optional[object] = None
    bursts_b: Optional[object] = None
    first_line_utc_a: Optional[object] = None
    first_line_utc_b: Optional[object] = None
    fm_rate: Optional[object] = None

    def values(self, lat: np.ndarray, lon: np.ndarray, h: np.ndarray) -> Dict[str, np.ndarray]:
        """The bands (see the module docstring) at points (1-D arrays, degrees and ellipsoid m)."""
        n = lat.size
        out = {name: np.full(n, np.nan) for name in BANDS}
        _, _, line0, pixel0 = geo_to_radar(self.root_grid, self.root_orbit, lat, lon, h)
        # only points near the reference image (the exact test follows): the scatterers' root positions
        # are within ~100 samples of the pair's images for repeat-pass baselines
        reach = 100.0 + self.lattice.stride[0]
        ok = (np.isfinite(line0) & np.isfinite(pixel0) & (line0 > -reach) & (pixel0 > -reach)
              & (line0 < self.root_grid.lines + reach) & (pixel0 < self.root_grid.pixels + reach))
        if not ok.any():
            return out
        idx = np.nonzero(ok)[0]
        ml, mp = line0[idx], pixel0[idx]
        offsets = ((0.0, 0.0), (-0.5, 0.0), (0.5, 0.0), (0.0, -0.5), (0.0, 0.5))
        lines = np.concatenate([ml + dl for dl, _ in offsets])
        pixels = np.concatenate([mp + dp for _, dp in offsets])
        s = self.lattice.evaluate(lines, pixels, [self.index_a, self.index_b])
        d_a = self.chain_a.displacement(s.lat, s.lon)
        d_b = self.chain_b.displacement(s.lat, s.lon)
        r_a, line_a, pixel_a = s.displaced(self.index_a, d_a)
        r_b, line_b, pixel_b = s.displaced(self.index_b, d_b)
        k = idx.size
        dr = (r_b - r_a).reshape(len(offsets), k)
        wavelength = self.grid_b.wavelength_m
        df_a = (2.0 / wavelength) * (dr[2] - dr[1])
        df_r = (2.0 / wavelength) * (dr[4] - dr[3])
        centre = slice(0, k)
        same_point = np.abs(s.h[centre] - h[idx]) < 1.0
        inside = ((line_a[centre] >= 0) & (line_a[centre] <= self.grid_a.lines - 1)
                  & (pixel_a[centre] >= 0) & (pixel_a[centre] <= self.grid_a.pixels - 1)
                  & (line_b[centre] >= 0) & (line_b[centre] <= self.grid_b.lines - 1)
                  & (pixel_b[centre] >= 0) & (pixel_b[centre] <= self.grid_b.pixels - 1) & same_point)
        los = np.zeros(k)
        if d_b is not None:
            los += s.line_of_sight_m(self.index_b, d_b)[centre]
        if d_a is not None and "los_e" in s.acquisition[self.index_a]:
            los -= s.line_of_sight_m(self.index_a, d_a)[centre]
        temporal = np.clip(self.coherence.at(s.lat[centre], s.lon[centre]), 0.0, 1.0)
        range_coh = self.kernel_rg.spectral_coherence(df_r)
        if self.bursts_b is not None:
            from .bursts import burst_coherence
            t_a = line_a[centre] / self.bursts_a.prf_hz
            t_b = line_b[centre] / self.bursts_b.prf_hz
            azimuth = burst_coherence(lambda t: self.bursts_a.gate(t, self.first_line_utc_a), t_a,
                                      lambda t: self.bursts_b.gate(t, self.first_line_utc_b), t_b,
                                      self.fm_rate(pixel_b[centre]), self.kernel_az, self.bursts_b.prf_hz,
                                      doppler_shift_cycles=df_a)
        else:
            azimuth = self.kernel_az.spectral_coherence(df_a)
        values = {"los_displacement_m": los, "coherence_temporal": temporal,
                  "coherence_range_spectral": range_coh, "coherence_azimuth": azimuth,
                  "coherence": temporal * range_coh * azimuth}
        for name, v in values.items():
            out[name][idx] = np.where(inside, v, np.nan)
        return out


def write_truth(path, grid: MapGrid, pair: PairTruth, heights_of, tags: Dict[str, str], progress=None,
                is_cancelled=None) -> None:
    """Write the truth bands of ``pair`` on ``grid`` to the GeoTIFF ``path`` (written as ``.part``
    and renamed when complete). ``heights_of(lat, lon)``: ellipsoid heights (m) of the terrain."""
    import os

    import rasterio
    from pyproj import Transformer
    from rasterio.windows import Window

    from ..progress import check_cancelled, report
    to_geo = Transformer.from_crs(grid.crs, "EPSG:4326", always_xy=True)
    part = str(path) + ".part"
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=len(BANDS), dtype="float32",
                   crs=grid.crs, transform=grid.transform, nodata=np.nan, compress="deflate", tiled=True,
                   blockxsize=256, blockysize=256)
    try:
        with rasterio.open(part, "w", **profile) as ds:
            ds.update_tags(**geotiff_tags(), **tags)
            for b, name in enumerate(BANDS, start=1):
                ds.set_band_description(b, name)
                ds.update_tags(b, name=name, meaning=BAND_DESCRIPTIONS[name])
            for r0 in range(0, grid.height, _ROWS):
                check_cancelled(is_cancelled)
                r1 = min(grid.height, r0 + _ROWS)
                cols, rows = np.meshgrid(np.arange(grid.width) + 0.5, np.arange(r0, r1) + 0.5)
                xs, ys = grid.transform * (cols, rows)
                lon, lat = to_geo.transform(np.asarray(xs).ravel(), np.asarray(ys).ravel())
                lat, lon = np.asarray(lat), np.asarray(lon)
                h = heights_of(lat, lon)
                values = pair.values(lat, lon, h)
                for b, name in enumerate(BANDS, start=1):
                    ds.write(values[name].reshape(r1 - r0, grid.width).astype(np.float32), b,
                             window=Window(0, r0, grid.width, r1 - r0))
                report(progress, r1 / grid.height, "truth")
        os.replace(part, str(path))
    except BaseException:
        if os.path.exists(part):
            os.remove(part)
        raise
