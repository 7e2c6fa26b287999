"""Tile statistics taken from an even sample of the facets."""

from __future__ import annotations

import numpy as np


def test_sample_median_looks_at_every_value_when_the_sample_holds_none():
    from palsar2_plugin.rtc.layover_shadow import MEDIAN_SAMPLES, sample_median

    values = np.full(10 * MEDIAN_SAMPLES, np.nan)
    values[7] = 3.0                                   # not on the sample's stride
    values[11] = 5.0
    assert sample_median(values) == 4.0
    where = np.zeros(values.size, bool)
    where[11] = True
    assert sample_median(values, where) == 5.0
    assert np.isnan(sample_median(np.full(10 * MEDIAN_SAMPLES, np.nan)))
    dense = np.arange(10 * MEDIAN_SAMPLES, dtype=float)
    assert abs(sample_median(dense) - np.median(dense)) < 10.0      # an even sample of every 10th value
