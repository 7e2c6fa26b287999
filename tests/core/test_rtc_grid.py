"""Output grid of the terrain correction: UTM zone, snapping, AOI, tiles."""

from __future__ import annotations

import pytest

from palsar2_plugin.rtc.grid import GridError, iter_tiles, make_output_grid, snapped_grid, tile_count, utm_epsg

FOOTPRINT = [(138.30, 35.80), (138.75, 35.85), (138.70, 36.20), (138.25, 36.15)]


def test_utm_zone_of_points():
    assert utm_epsg(138.5, 36.0) == 32654
    assert utm_epsg(-112.9, 37.3) == 32612
    assert utm_epsg(121.5, -23.0) == 32751
    assert utm_epsg(179.99, 10) == 32660 and utm_epsg(-180.0, 10) == 32601


def test_snapped_grid_corners_are_multiples_of_the_pixel():
    g = snapped_grid("EPSG:32654", (300012.3, 3900001.0, 310000.0, 3910020.5), 25.0)
    left, bottom, right, top = g.bounds
    assert left == 300000.0 and top == 3910025.0
    assert left <= 300012.3 and right >= 310000.0 and bottom <= 3900001.0
    assert g.width == 400 and g.height == 401
    x, y = g.pixel_centres(0, 1, 0, 2)
    assert x.tolist() == [[300012.5, 300037.5]] and y.tolist() == [[3910012.5, 3910012.5]]
    with pytest.raises(GridError, match="Pixel size"):
        snapped_grid("EPSG:32654", (0, 0, 10, 10), 0)
    with pytest.raises(GridError, match="empty"):
        snapped_grid("EPSG:32654", (10, 0, 0, 10), 25)


def test_default_grid_is_utm_of_the_centre_and_covers_the_footprint():
    from pyproj import Transformer

    g = make_output_grid(FOOTPRINT)
    assert g.crs == "EPSG:32654" and g.pixel_size_m == 25.0
    tr = Transformer.from_crs("EPSG:4326", g.crs, always_xy=True)
    left, bottom, right, top = g.bounds
    for lon, lat in FOOTPRINT:
        x, y = tr.transform(lon, lat)
        assert left <= x <= right and bottom <= y <= top


def test_aoi_is_clipped_to_the_scene_and_may_be_given_in_lon_lat():
    g = make_output_grid(FOOTPRINT, crs="EPSG:32654", pixel_size_m=50.0, extent=(138.45, 35.95, 138.55, 36.05),
                         extent_crs="EPSG:4326")
    assert 150 < g.width < 200 and 200 < g.height < 250     # ~9 x 11 km at 50 m
    assert g.transform.c % 50 == 0 and g.transform.f % 50 == 0
    with pytest.raises(GridError, match="does not overlap"):
        make_output_grid(FOOTPRINT, extent=(140.0, 40.0, 140.1, 40.1), extent_crs="EPSG:4326")


def test_tiles_cover_the_grid_once():
    g = snapped_grid("EPSG:32654", (0, 0, 25 * 300, 25 * 130), 25.0)
    tiles = list(iter_tiles(g, 128))
    assert len(tiles) == tile_count(g, 128) == 3 * 2
    assert sum(t.shape[0] * t.shape[1] for t in tiles) == g.width * g.height
    assert tiles[-1].row1 == g.height and tiles[-1].col1 == g.width


def test_default_tile_size_keeps_the_facets_in_flight_bounded_whatever_the_threads():
    from palsar2_plugin.rtc.plan import FACETS_IN_FLIGHT, default_tile_size

    assert default_tile_size(2) == 362 and default_tile_size(4) == 256
    for workers in range(2, 33):
        size = default_tile_size(workers)
        # the largest tile of tile_shape holds ~9 size^2 facets, one per thread
        assert 9 * size * size * workers <= FACETS_IN_FLIGHT * 1.02 or size == 128
    assert default_tile_size(1) == 362                        # one thread: no larger than with two
