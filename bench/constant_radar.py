"""A radar input of constant beta0 for the terrain-correction benchmarks, in its own module so that
worker processes (which never run the benchmark script itself, see
palsar2_plugin.rtc.process_executor) can unpickle it."""

from __future__ import annotations

import numpy as np

from palsar2_plugin.rtc.radar_input import RadarInput


class ConstantBeta0(RadarInput):
    """beta0 = 1 (linear power) everywhere, the multilook of a constant image, read without storing it."""

    def __init__(self, orbit, beam):
        super().__init__(orbit, (beam,))
        self.polarisations = ("HH",)
        self.metadata = dict(scene_id="ALOS2000000000-240101", product_id="BENR1.1__A", mode="BEN",
                             look_side="right", pass_direction="ascending")

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        return np.ones((line1 - line0, pixel1 - pixel0), dtype=np.float32)
