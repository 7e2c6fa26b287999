"""ScanSAR burst synchronisation of two full-aperture acquisitions, from the line prefixes.

A full-aperture L1.1 beam is one continuous image, but each target was seen only during the bursts
that illuminated it, so its azimuth spectrum is a band set by where the bursts fell relative to it.
Two acquisitions share that band only where their bursts were synchronised: relative to the same
ground target, the burst windows of the two must overlap. The line prefixes give the burst number
(byte 217) and the line number within the burst (221) of every line: bursts start where the line
number returns to 1; the burst length and cycle (lines, and seconds from the acquisition times) follow.

Synchronisation (ISCE2's definition, ``runBaseline.py``): the reference's burst starts, moved into
the secondary's time by the azimuth offset of the scene centre between the acquisitions (from the
orbits), are compared with the secondary's burst starts: the smallest difference ``unsync`` (lines,
modulo the cycle) leaves ``burst - |unsync|`` lines in common; the fraction of the burst length is
reported, and the pair is refused below a threshold (75 % by default, as ISCE2's alos2App). Between
that and full synchronisation, the driver filters both images to their common azimuth band
(:mod:`.azimuth_filter`) with the gates of :func:`common_gates`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class BurstTiming:
    """Burst starts (seconds after the orbit reference), burst length and cycle (s)."""

    starts_s: np.ndarray
    length_s: float
    cycle_s: float

    def moved(self, seconds: float) -> "BurstTiming":
        return BurstTiming(self.starts_s + seconds, self.length_s, self.cycle_s)

    def gate(self, times_s: np.ndarray) -> np.ndarray:
        """1.0 where raw times (s, the starts' axis) fall in a burst, else 0.0: the measured burst starts,
        extended by whole cycles before the first and after the last."""
        t = np.asarray(times_s, dtype=np.float64)
        s = self.starts_s
        k = np.clip(np.searchsorted(s, t, side="right") - 1, 0, len(s) - 1)
        start = s[k]
        start = np.where(t < s[0], s[0] - np.ceil((s[0] - t) / self.cycle_s) * self.cycle_s, start)
        start = np.where(t >= s[-1], s[-1] + np.floor((t - s[-1]) / self.cycle_s) * self.cycle_s, start)
        return ((t - start) < self.length_s).astype(np.float64)


@dataclass(frozen=True)
class BurstSync:
    """Measured synchronisation: fraction (0..1, None when the products give no burst timing),
    synchronised and burst length in lines of the reference, and a sentence for the report."""

    fraction: Optional[float]
    synchronised_lines: float
    burst_lines: float
    message: str
    #: burst timings of the reference (its time axis) and of the secondary (its own), and the secondary's
    #: time of a ground point minus the reference's (s, on the reference's axis; the secondary's axis is
    #: the reference's + ``axis_offset_s``), for :func:`common_gates`
    reference: Optional[BurstTiming] = None
    secondary: Optional[BurstTiming] = None
    sec_minus_ref_s: float = 0.0
    axis_offset_s: float = 0.0

    def as_dict(self) -> dict:
        return {"fraction": self.fraction, "synchronised_lines": self.synchronised_lines,
                "burst_lines": self.burst_lines, "message": self.message}


def burst_timing(image, grid) -> Optional[BurstTiming]:
    """Burst timing of one beam image from its line prefixes; None when the prefixes give none."""
    from ..ceos.image import ImageReader

    with ImageReader(image) as reader:
        numbers, in_burst = [], []
        step = max(1, reader.block_lines())
        for start in range(0, image.lines, step):
            rec = reader.records(start, min(image.lines, start + step))
            if "line_in_burst" not in rec.dtype.names:
                return None
            in_burst.append(np.array(rec["line_in_burst"], dtype=np.int64))
            numbers.append(np.array(rec["burst_number"], dtype=np.int64))
    line_in_burst = np.concatenate(in_burst)
    if not np.any(line_in_burst):
        return None
    starts = np.nonzero(line_in_burst == 1)[0]
    if starts.size < 2:
        return None
    lengths = []
    for a, b in zip(starts[:-1], starts[1:]):
        seg = line_in_burst[a:b]
        lengths.append(int(np.max(seg)))
    median = float(np.median(np.diff(starts)))
    span = float(starts[-1] - starts[0])
    cycle_lines = span / max(1, round(span / median))         # fractional: over all the bursts met
    length_lines = float(np.median(lengths))
    # a burst starts within the line interval before its first line: half a line earlier on average
    t = grid.time_of_line(starts.astype(np.float64) - 0.5)
    return BurstTiming(np.asarray(t), length_lines * grid.line_interval_s, cycle_lines * grid.line_interval_s)


def synchronisation(ref: BurstTiming, sec: BurstTiming, sec_minus_ref_s: float, line_interval_s: float) -> BurstSync:
    """Synchronisation of two burst timings, ``sec_minus_ref_s`` the secondary's time of a ground point
    minus the reference's (seconds, on each orbit's own axis made common by the caller)."""
    predicted = ref.starts_s + sec_minus_ref_s
    diffs = []
    for p in predicted:
        d = sec.starts_s - p
        d = (d + 0.5 * sec.cycle_s) % sec.cycle_s - 0.5 * sec.cycle_s
        diffs.append(d[np.argmin(np.abs(d))])
    unsync = float(np.median(np.abs(diffs)))
    length = min(ref.length_s, sec.length_s)
    synced = max(0.0, length - unsync)
    fraction = synced / length if length > 0 else 0.0
    lines = synced / line_interval_s
    burst_lines = length / line_interval_s
    return BurstSync(fraction, lines, burst_lines,
                     f"burst synchronisation {100 * fraction:.0f} % ({lines:.0f} of {burst_lines:.0f} lines)")


def beam_burst_sync(ref_scene, sec_scene, beam: int, polarisation: str, ref_orbit, sec_orbit) -> BurstSync:
    """Burst synchronisation of ``beam`` (see the module docstring)."""
    from ..geometry.ellipsoid import geodetic_to_ecef
    from ..geometry.range_doppler import geolocate, zero_doppler_time

    rg = ref_scene.radar_grid(beam, ref_orbit)
    sg = sec_scene.radar_grid(beam, sec_orbit)
    ref_t = burst_timing(ref_scene.image(beam, polarisation), rg)
    sec_t = burst_timing(sec_scene.image(beam, polarisation), sg)
    if ref_t is None or sec_t is None:
        return BurstSync(None, float("nan"), float("nan"),
                         "the products give no burst timing in their line prefixes: burst synchronisation not "
                         "measured (the interferogram may lose coherence if the bursts were not aligned)")
    t = rg.mid_time_s
    lat, lon = geolocate(ref_orbit, t, rg.slant_range_mid_m, 0.0, rg.look_side)
    offset = sec_orbit.seconds_from_datetime(ref_orbit.datetime_from_seconds(0.0))
    ts, _ = zero_doppler_time(sec_orbit, geodetic_to_ecef(lat, lon, 0.0), t + offset)
    # secondary burst starts on the reference's time axis
    sec_on_ref = sec_t.moved(-offset)
    sync = synchronisation(ref_t, sec_on_ref, float(ts) - offset - t, rg.line_interval_s)
    return replace(sync, reference=ref_t, secondary=sec_t, sec_minus_ref_s=float(ts) - offset - t,
                   axis_offset_s=offset)


def common_gates(sync: BurstSync):
    """(reference gate, secondary gate): callables of raw time (s, each acquisition's own axis) -> 1.0
    where the acquisition was in a burst *and* the other was in one for the same targets."""
    ref, sec, dt, offset = sync.reference, sync.secondary, sync.sec_minus_ref_s, sync.axis_offset_s
    sec_on_ref = sec.moved(-offset - dt)          # the secondary's bursts at the reference's raw time
    ref_on_sec = ref.moved(offset + dt)

    def reference_gate(t):
        return ref.gate(t) * sec_on_ref.gate(t)

    def secondary_gate(t):
        return sec.gate(t) * ref_on_sec.gate(t)
    return reference_gate, secondary_gate
