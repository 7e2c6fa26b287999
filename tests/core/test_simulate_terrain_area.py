"""Pure tile functions of the simulator: facet areas, shadow, bilinear accumulation."""

import numpy as np
import pytest

from palsar2_plugin.simulate.terrain_area import (facet_any, facet_area_vectors, facet_values, illuminated_areas,
                                                  shadow_vertices, splat_bilinear)

R_EARTH = 6371000.0


def _local_mesh(heights, spacing_x=10.0, spacing_y=10.0):
    """Mesh near (R,0,0): rows along +y (along track), columns along +z... ground range along +z."""
    rows, cols = heights.shape
    y = np.arange(rows)[:, None] * spacing_y * np.ones((1, cols))
    z = np.arange(cols)[None, :] * spacing_x * np.ones((rows, 1))
    x = R_EARTH + heights
    return np.stack([x, y, z], axis=-1)


def test_flat_facets_have_outward_area_summing_to_the_plane():
    mesh = _local_mesh(np.zeros((5, 7)), 10.0, 20.0)
    a = facet_area_vectors(mesh)
    assert a.shape == (4, 6, 2, 3)
    assert a[..., 0].sum() == pytest.approx(4 * 20.0 * 6 * 10.0)  # all along +x (outward)
    assert np.abs(a[..., 1:]).max() == pytest.approx(0.0, abs=1e-6)
    # reversed column order still gives outward vectors
    assert facet_area_vectors(mesh[:, ::-1])[..., 0].min() > 0


def test_illuminated_area_is_projection_on_look_and_zero_facing_away():
    mesh = _local_mesh(np.zeros((2, 2)), 10.0, 10.0)
    a = facet_area_vectors(mesh)
    centre = facet_values(mesh)
    theta = np.radians(35.0)
    sensor = np.array([R_EARTH + 7e5, 5.0, -7e5 * np.tan(theta)])
    # projected area = ground area * cos(incidence)
    gamma = illuminated_areas(a, centre, np.broadcast_to(sensor, centre.shape), np.zeros((1, 1, 2), bool))
    assert gamma.sum() == pytest.approx(100.0 * np.cos(theta), rel=2e-3)
    # slope facing away steeper than the look: zero
    steep = mesh.copy()
    steep[:, 1, 0] -= 10.0 * np.tan(np.radians(60.0))  # falls away from the radar (radar at -z)
    gamma_away = illuminated_areas(facet_area_vectors(steep), facet_values(steep),
                                   np.broadcast_to(sensor, centre.shape), np.zeros((1, 1, 2), bool))
    assert gamma_away.sum() == 0.0
    shadowed = illuminated_areas(a, centre, np.broadcast_to(sensor, centre.shape), np.ones((1, 1, 2), bool))
    assert shadowed.sum() == 0.0


def test_shadow_behind_a_wall():
    h = np.zeros((1, 12))
    h[0, 3] = 500.0  # a thin 500 m wall 30 m from the near edge
    mesh = _local_mesh(h)
    theta = np.radians(40.0)
    sensor = np.array([[R_EARTH + 7e5, 0.0, -7e5 * np.tan(theta)]])
    shadow, horizon = shadow_vertices(mesh, sensor)
    # the wall hides the ground behind it for 500*tan(40 deg) = 420 m > the 80 m shown
    assert shadow[0].tolist() == [False] * 4 + [True] * 8
    flat, _ = shadow_vertices(_local_mesh(np.zeros((1, 12))), sensor)
    assert not flat.any()
    # the same row cut in two chunks, carrying the horizon, gives the same shadow
    first, h1 = shadow_vertices(mesh[:, :6], sensor)
    second, h2 = shadow_vertices(mesh[:, 5:], sensor, h1)
    assert np.concatenate([first, second[:, 1:]], axis=1).tolist() == shadow.tolist()
    assert h2 == pytest.approx(horizon)
    assert facet_any(np.array([[True, False], [False, False]])).tolist() == [[[True, True]]]


def test_splat_bilinear_conserves_and_spreads():
    out = splat_bilinear(np.array([10.25]), np.array([3.5]), np.array([8.0]), 10, 3, 6)
    assert out.sum() == pytest.approx(8.0)
    assert out[0, 3] == pytest.approx(8 * 0.75 * 0.5)
    assert out[1, 4] == pytest.approx(8 * 0.25 * 0.5)
    # a unit comb with spacing 1 gives a uniform sum inside
    ll, pp = np.meshgrid(np.arange(-1, 12) + 0.3, np.arange(-1, 9) + 0.7, indexing="ij")
    uni = splat_bilinear(ll, pp, np.ones(ll.shape), 0, 10, 8)
    assert np.allclose(uni, 1.0)
    # outside contributions are dropped
    assert splat_bilinear(np.array([50.0]), np.array([1.0]), np.array([1.0]), 0, 3, 3).sum() == 0
