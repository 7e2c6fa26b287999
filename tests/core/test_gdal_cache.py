"""GDAL's block cache is bounded during a run and restored afterwards, also with nested runs."""

from __future__ import annotations

import threading

import pytest

gdal = pytest.importorskip("osgeo.gdal")

from palsar2_plugin.gdal_cache import bounded_block_cache  # noqa: E402


@pytest.fixture()
def cache_of_1_gib():
    before = gdal.GetCacheMax()
    gdal.SetCacheMax(2**30)
    yield
    gdal.SetCacheMax(before)


def test_cache_is_lowered_inside_and_restored_after(cache_of_1_gib):
    with bounded_block_cache(64 * 2**20):
        assert gdal.GetCacheMax() == 64 * 2**20
    assert gdal.GetCacheMax() == 2**30


def test_a_smaller_cache_is_never_raised(cache_of_1_gib):
    gdal.SetCacheMax(16 * 2**20)
    with bounded_block_cache(64 * 2**20):
        assert gdal.GetCacheMax() == 16 * 2**20
    assert gdal.GetCacheMax() == 16 * 2**20


def test_overlapping_runs_restore_once_the_last_ends(cache_of_1_gib):
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with bounded_block_cache(64 * 2**20):
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with bounded_block_cache(64 * 2**20):
            second_in.set()
            first_out.wait(5)
            seen["after first left"] = gdal.GetCacheMax()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen["after first left"] == 64 * 2**20
    assert gdal.GetCacheMax() == 2**30


def test_an_error_inside_still_restores(cache_of_1_gib):
    with pytest.raises(ValueError):
        with bounded_block_cache(64 * 2**20):
            raise ValueError("boom")
    assert gdal.GetCacheMax() == 2**30
