"""Expected backscatter of a block of radar lines from the terrain, and its speckled SLC samples.

For lines [line0, line1) of one beam (0-based, pixel/line centres at integer indices):

1. A terrain mesh: vertices on the ellipsoid at the radar grid's own (azimuth time, slant range)
   positions, ``oversample_azimuth`` rows per line and ``oversample_range`` columns per pixel,
   extended by margins (terrain displaced by its height, shadow casters nearer in range), then
   lifted to the terrain height (WGS84 ellipsoid heights from ``heights``).
2. Each vertex's true radar position (zero-Doppler Newton around its row time), each facet's
   illuminated area ``A_gamma`` (:mod:`.terrain_area`: projected perpendicular to the look,
   0 when facing away or shadowed) accumulated with bilinear weights at the facet's (line, pixel).
3. ``A_beta`` = slant-range spacing x along-track ground spacing of the pixel on the ellipsoid.
   The terrain ratio ``A_gamma / A_beta`` gives beta0 = gamma0_true x ratio (linear power); on
   the flat ellipsoid it is 1 / tan(theta_ell).
4. JAXA's L1.1 calibration backwards: sigma0 = beta0 sin(theta_ell) and mean |z|^2 =
   sigma0 / 10^((CF - 32) / 10); speckle: circular complex Gaussian samples of that mean power.
"""

from __future__ import annotations

from typing import Callable, Tuple

import numpy as np

from ..geometry.ellipsoid import enu_basis, geodetic_to_ecef
from ..geometry.range_doppler import geolocate
from .modes import CALIBRATION_FACTOR_DB, CALIBRATION_OFFSET_DB
from ..geometry.orbit_polynomial import OrbitPolynomial
from ..geometry.zero_doppler import solve
from .terrain_area import (facet_any, facet_area_vectors, facet_values, illuminated_areas, shadow_vertices,
                           splat_bilinear)

HeightFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Lattice spacing (lines; half of it in pixels) at which mesh positions on the ellipsoid are solved
#: exactly; positions in between are interpolated bilinearly (position error < 1 mm, area < 1e-4).
_COARSE_STRIDE = 16


def range_margins_px(height_range_m: Tuple[float, float], incidence_range_deg: Tuple[float, float],
                     range_spacing_m: float) -> Tuple[int, int]:
    """(near, far) mesh margins in pixels needed for terrain between ``height_range_m`` (m, ellipsoid).

    Far: a point at height h moves ~h cos(theta) nearer in slant range, so terrain up to the highest
    height beyond far range can land in the image. Near: points below the ellipsoid move farther,
    and terrain up to (h_max - h_min) tan(theta) ground metres nearer can cast shadow into it.
    """
    h_min, h_max = min(height_range_m[0], 0.0), max(height_range_m[1], 0.0)
    th_near, th_far = np.radians(incidence_range_deg[0]), np.radians(incidence_range_deg[1])
    far = h_max * np.cos(th_near) / range_spacing_m
    shadow_ground = (h_max - h_min) * np.tan(th_far)
    near = (-h_min + shadow_ground * np.sin(th_far)) / range_spacing_m
    return int(np.ceil(near)) + 3, int(np.ceil(far)) + 3


def _lattice_weights(positions: np.ndarray, spacing: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes k * spacing (k integer) covering ``positions``, and each position's node index and weight."""
    first = np.floor(positions.min() / spacing + 1e-9)
    last = np.ceil(positions.max() / spacing - 1e-9)
    nodes = np.arange(first, max(last, first + 1) + 1) * spacing
    k = np.clip(np.floor((positions - nodes[0]) / spacing + 1e-9).astype(np.int64), 0, len(nodes) - 2)
    w = (positions - nodes[k]) / spacing
    return nodes, k, w


def ellipsoid_mesh(orbit, grid, mesh_lines: np.ndarray, mesh_pixels: np.ndarray,
                   node_spacing_lines: float = _COARSE_STRIDE, node_spacing_pixels: float = _COARSE_STRIDE / 2
                   ) -> Tuple[np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg) on the ellipsoid (h = 0) of the radar positions ``mesh_lines`` x ``mesh_pixels``
    (fractional 0-based line/pixel of ``grid``).

    Solved exactly at nodes of a fixed lattice (every ``node_spacing_lines`` lines and
    ``node_spacing_pixels`` pixels from line/pixel 0) and interpolated bilinearly in between: the
    result at a position does not depend on which block or chunk asks for it.
    """
    lines_c, kr, wr = _lattice_weights(np.asarray(mesh_lines, dtype=np.float64), node_spacing_lines)
    pixels_c, kc, wc = _lattice_weights(np.asarray(mesh_pixels, dtype=np.float64), node_spacing_pixels)
    t = grid.time_of_line(lines_c)[:, None]
    r = grid.range_of_pixel(pixels_c)[None, :]
    lat_c, lon_c = geolocate(orbit, t, r, 0.0, grid.look_side)
    lon_c = np.unwrap(np.unwrap(lon_c, period=360.0, axis=1), period=360.0, axis=0)
    wr, wc = wr[:, None], wc[None, :]

    def interpolate(c):
        return ((1 - wr) * ((1 - wc) * c[kr][:, kc] + wc * c[kr][:, kc + 1])
                + wr * ((1 - wc) * c[kr + 1][:, kc] + wc * c[kr + 1][:, kc + 1]))

    return interpolate(lat_c), interpolate(lon_c)


def terrain_ratio_block(orbit, grid, heights: HeightFunction, line0: int, line1: int, *,
                        margins_px: Tuple[int, int] = (3, 3), oversample_range: int = 2,
                        oversample_azimuth: int = 1, azimuth_margin_lines: int = 6,
                        max_vertices: int = 250_000) -> Tuple[np.ndarray, np.ndarray]:
    """Terrain ratio A_gamma / A_beta and sin(ellipsoid incidence) for lines [line0, line1) of ``grid``.

    Returns two float64 arrays of shape (line1 - line0, grid.pixels): the ratio (dimensionless;
    beta0 = gamma0 x ratio) and sin(theta_ell) at h = 0. ``heights(lat_deg, lon_deg)`` gives WGS84
    ellipsoid heights (m). ``margins_px`` = (near, far) from :func:`range_margins_px`. The mesh is
    processed in range chunks of at most ``max_vertices`` vertices, near to far, carrying the
    shadow horizon of each row from chunk to chunk, so memory is bounded whatever the width.
    The azimuth margin grows automatically if terrain moves vertices farther than it allows.
    """
    margin = max(int(azimuth_margin_lines), 2)
    while True:
        result = _terrain_ratio_with_margin(orbit, grid, heights, line0, line1, margins_px, oversample_range,
                                            oversample_azimuth, margin, max_vertices)
        if result is not None:
            return result
        margin *= 2


def _terrain_ratio_with_margin(orbit, grid, heights, line0, line1, margins_px, oversample_range,
                               oversample_azimuth, margin, max_vertices):
    """One attempt of :func:`terrain_ratio_block` with ``margin`` lines; None if the margin is too small."""
    n_lines = line1 - line0
    near_m, far_m = margins_px
    mesh_lines = np.arange((line0 - margin) * oversample_azimuth,
                           (line1 - 1 + margin) * oversample_azimuth + 1) / oversample_azimuth
    mesh_pixels = np.arange(-near_m * oversample_range,
                            (grid.pixels - 1 + far_m) * oversample_range + 1) / oversample_range
    row_times = grid.time_of_line(mesh_lines)
    s, _ = orbit.position_velocity(row_times)
    # mesh rows of the block's lines and mesh columns of its pixel centres
    rows = (np.arange(line0, line1) - (line0 - margin)) * oversample_azimuth
    pixel_cols = (np.arange(grid.pixels) + near_m) * oversample_range

    gamma_sum = np.zeros((n_lines, grid.pixels))
    a_beta = np.empty((n_lines, grid.pixels))
    sin_inc = np.empty((n_lines, grid.pixels))
    horizon = np.full(len(mesh_lines), -np.inf)
    n_cols = len(mesh_pixels)
    chunk = max(8, max_vertices // len(mesh_lines))
    c0 = 0
    while c0 < n_cols - 1:
        c1 = min(c0 + chunk, n_cols - 1)  # vertex columns c0..c1 inclusive; c1 is shared with the next chunk
        lat, lon = ellipsoid_mesh(orbit, grid, mesh_lines, mesh_pixels[c0:c1 + 1])
        points = geodetic_to_ecef(lat, lon, heights(lat, lon))
        t, r = mesh_radar_coordinates(orbit, grid, points, row_times)
        v_line = grid.line_of_time(t)
        if np.nanmax(np.abs(v_line - mesh_lines[:, None])) >= margin - 1.5:
            return None
        v_pixel = grid.pixel_of_range(r)

        # illuminated area of each facet, splatted into the block's lines
        vertex_shadow, horizon = shadow_vertices(points, s, horizon)
        areas = facet_area_vectors(points)
        centres = facet_values(points)
        sensor = np.broadcast_to(s[:-1, None, None, :], centres.shape)
        a_gamma = illuminated_areas(areas, centres, sensor, facet_any(vertex_shadow))
        gamma_sum += splat_bilinear(facet_values(v_line), facet_values(v_pixel), a_gamma, line0, n_lines,
                                    grid.pixels)

        # flat-ellipsoid reference at the pixel centres of this chunk: A_beta, ellipsoid incidence
        last = c1 == n_cols - 1
        here = (pixel_cols >= c0) & ((pixel_cols < c1) | last)
        if here.any():
            cols = pixel_cols[here] - c0
            flat = geodetic_to_ecef(lat[rows][:, cols], lon[rows][:, cols], 0.0)
            flat_next = geodetic_to_ecef(lat[rows + 1][:, cols], lon[rows + 1][:, cols], 0.0)
            a_beta[:, here] = grid.range_spacing_m * np.linalg.norm(flat_next - flat, axis=-1) * oversample_azimuth
            _, _, up = enu_basis(lat[rows][:, cols], lon[rows][:, cols])
            to_sensor = s[rows][:, None, :] - flat
            cos_inc = np.einsum("...k,...k->...", up, to_sensor) / np.linalg.norm(to_sensor, axis=-1)
            sin_inc[:, here] = np.sqrt(np.clip(1.0 - cos_inc ** 2, 0.0, 1.0))
        c0 = c1
    return gamma_sum / a_beta, sin_inc


def mesh_radar_coordinates(orbit, grid, points: np.ndarray, row_times_s: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Zero-Doppler azimuth time (s) and slant range (m) of mesh points (rows, cols, 3; ECEF m) whose
    row was laid out at ``row_times_s`` (the first guesses): the solver of
    :mod:`..geometry.zero_doppler` on a polynomial of ``orbit`` over the time span of ``grid`` (the
    same for every block of the image, so the blocks do not show)."""
    poly = OrbitPolynomial.fit(orbit.position_velocity_acceleration, grid.first_line_time_s, grid.last_line_time_s,
                               margin_s=20.0)
    guess = np.broadcast_to(np.asarray(row_times_s, dtype=np.float64)[:, None], points.shape[:2])
    sol = solve((points[..., 0], points[..., 1], points[..., 2]), poly, guess)
    return sol.time_s, sol.slant_range_m


def flat_ratio_block(orbit, grid, line0: int, line1: int) -> Tuple[np.ndarray, np.ndarray]:
    """:func:`terrain_ratio_block` for the bare ellipsoid (h = 0 everywhere), without a mesh.

    On the ellipsoid A_gamma / A_beta = 1 / tan(theta_ell) (the mesh gives the same to 1e-8);
    theta_ell is evaluated at the block's middle line and repeated over its lines.
    """
    t = grid.time_of_line(0.5 * (line0 + line1 - 1))
    r = grid.range_of_pixel(np.arange(grid.pixels))
    lat, lon = geolocate(orbit, np.full(r.shape, t), r, 0.0, grid.look_side)
    p0 = geodetic_to_ecef(lat, lon, 0.0)
    s, _ = orbit.position_velocity(np.array([t]))
    _, _, up = enu_basis(lat, lon)
    to_sensor = s[0] - p0
    cos_inc = np.einsum("...k,...k->...", up, to_sensor) / np.linalg.norm(to_sensor, axis=-1)
    sin_inc = np.sqrt(np.clip(1.0 - cos_inc ** 2, 0.0, 1.0))
    shape = (line1 - line0, grid.pixels)
    return np.broadcast_to(cos_inc / sin_inc, shape).copy(), np.broadcast_to(sin_inc, shape).copy()


def decimated_grid(grid, line_step: int):
    """The radar grid of every ``line_step``-th line of ``grid`` (its line j is line j x line_step),
    one line past the last so that every line of ``grid`` lies between two of its lines."""
    from dataclasses import replace

    return replace(grid, line_interval_s=grid.line_interval_s * line_step, lines=(grid.lines - 1) // line_step + 2)


def decimated_lines(line0: int, line1: int, line_step: int) -> Tuple[int, int]:
    """Lines [j0, j1) of :func:`decimated_grid` that lines [line0, line1) of the grid lie between."""
    return line0 // line_step, (line1 - 1) // line_step + 2


def interpolate_lines(values: np.ndarray, first: int, line_step: int, line0: int, line1: int) -> np.ndarray:
    """Lines [line0, line1) of the grid, linearly interpolated from ``values``, lines [first, ...) of
    :func:`decimated_grid` (float32)."""
    position = np.arange(line0, line1, dtype=np.float64) / line_step - first
    below = np.minimum(np.floor(position).astype(np.int64), values.shape[0] - 2)
    weight = (position - below).astype(np.float32)[:, None]
    return (values[below] * (1.0 - weight) + values[below + 1] * weight).astype(np.float32)


def block_footprint(orbit, grid, line0: int, line1: int, margins_px: Tuple[int, int],
                    margin_lines: int = 6) -> Tuple[float, float, float, float]:
    """(south, west, north, east) in degrees of the ellipsoid area a block's mesh covers (with margins)."""
    lines = np.linspace(line0 - margin_lines, line1 - 1 + margin_lines, 9)
    pixels = np.linspace(-margins_px[0], grid.pixels - 1 + margins_px[1], 17)
    edge_l = np.concatenate([lines, lines, np.full(17, lines[0]), np.full(17, lines[-1])])
    edge_p = np.concatenate([np.full(9, pixels[0]), np.full(9, pixels[-1]), pixels, pixels])
    lat, lon = geolocate(orbit, grid.time_of_line(edge_l), grid.range_of_pixel(edge_p), 0.0, grid.look_side)
    return float(np.nanmin(lat)), float(np.nanmin(lon)), float(np.nanmax(lat)), float(np.nanmax(lon))


def calibration_scale(calibration_factor_db: float = CALIBRATION_FACTOR_DB) -> float:
    """K in sigma0 = K <|z|^2> for L1.1 (linear): 10^((CF - 32) / 10)."""
    return 10.0 ** ((calibration_factor_db - CALIBRATION_OFFSET_DB) / 10.0)


def mean_power(ratio: np.ndarray, sin_inc: np.ndarray, gamma0_linear: float,
               calibration_factor_db: float = CALIBRATION_FACTOR_DB) -> np.ndarray:
    """Expected |z|^2 (DN^2) of each pixel: sigma0 / K with sigma0 = gamma0 x ratio x sin(theta_ell)."""
    return gamma0_linear * ratio * sin_inc / calibration_scale(calibration_factor_db)


def speckle(power: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Circular complex Gaussian samples (complex64) with mean |z|^2 = ``power``."""
    amp = np.sqrt(np.asarray(power, dtype=np.float64) / 2.0)
    re = rng.standard_normal(amp.shape)
    im = rng.standard_normal(amp.shape)
    return (amp * re + 1j * (amp * im)).astype(np.complex64)


def block_rng(seed: int, beam: int, polarisation_index: int, line0: int) -> np.random.Generator:
    """The random generator of one block: depends only on (seed, beam, polarisation, first line),
    so a product of the same size is reproducible whatever order its files are written in."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, int(beam), int(polarisation_index), int(line0)])
