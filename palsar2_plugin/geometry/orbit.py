"""Orbit state vectors and their local Hermite interpolation.

Frame: Earth-fixed Cartesian (ECEF; JAXA's "ECR"), positions in metres, velocities in m/s.
Times: seconds (float) after ``Orbit.reference_time_utc`` (a timezone-aware UTC datetime).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error


class OrbitError(Palsar2Error):
    """Invalid state vectors, or a time outside the span the vectors cover."""


def _as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise OrbitError(f"Time {dt.isoformat()} has no time zone; give a timezone-aware UTC datetime.")
    return dt.astimezone(timezone.utc)


@dataclass(frozen=True, eq=False)
class Orbit:
    """Earth-fixed orbit state vectors with a local Hermite interpolator.

    ``position_velocity(t)`` interpolates with the ``window`` (default 4) vectors nearest to each
    time: the Hermite polynomial through their positions *and* velocities (degree 2*window-1),
    its derivative giving the velocity. For ALOS-2 (vectors 60 s apart) the interpolation error
    on a Keplerian orbit is ~1e-8 m. Wider windows gain nothing and amplify the rounding of real
    vectors (JAXA's sample, every other vector left out, 120 s spacing: 3 mm error with 4
    vectors, 18 mm with 6, 92 mm with 8). Times more than ``max_extrapolation_s`` (default: one vector interval)
    outside the vectors' span raise :class:`OrbitError`.
    """

    reference_time_utc: datetime
    times_s: np.ndarray
    positions_m: np.ndarray
    velocities_m_s: np.ndarray
    window: int = 4
    max_extrapolation_s: float = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        ref = _as_utc(self.reference_time_utc)
        t = np.ascontiguousarray(self.times_s, dtype=np.float64).reshape(-1)
        pos = np.ascontiguousarray(self.positions_m, dtype=np.float64)
        vel = np.ascontiguousarray(self.velocities_m_s, dtype=np.float64)
        n = t.size
        if pos.shape != (n, 3) or vel.shape != (n, 3):
            raise OrbitError(f"Orbit needs positions and velocities of shape ({n}, 3) for {n} times; "
                             f"got {pos.shape} and {vel.shape}.")
        if n < 2:
            raise OrbitError("An orbit needs at least 2 state vectors.")
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(pos)) and np.all(np.isfinite(vel))):
            raise OrbitError("Orbit state vectors contain non-finite values.")
        if np.any(np.diff(t) <= 0):
            raise OrbitError("Orbit state-vector times must be strictly increasing.")
        window = int(min(max(2, self.window), n))
        max_ext = self.max_extrapolation_s
        if max_ext is None:
            max_ext = float(np.median(np.diff(t)))
        for arr in (t, pos, vel):
            arr.setflags(write=False)
        object.__setattr__(self, "reference_time_utc", ref)
        object.__setattr__(self, "times_s", t)
        object.__setattr__(self, "positions_m", pos)
        object.__setattr__(self, "velocities_m_s", vel)
        object.__setattr__(self, "window", window)
        object.__setattr__(self, "max_extrapolation_s", float(max_ext))

    # ---------------------------------------------------------------- construction / time
    @classmethod
    def from_state_vectors(cls, vectors: Iterable[Tuple[datetime, Sequence[float], Sequence[float]]],
                           **kwargs) -> "Orbit":
        """Build from ``(utc_datetime, (x, y, z) m, (vx, vy, vz) m/s)`` items; the reference time is the first."""
        vectors = list(vectors)
        if not vectors:
            raise OrbitError("No orbit state vectors given.")
        ref = _as_utc(vectors[0][0])
        times = [(_as_utc(v[0]) - ref).total_seconds() for v in vectors]
        pos = [tuple(v[1]) for v in vectors]
        vel = [tuple(v[2]) for v in vectors]
        return cls(ref, np.array(times), np.array(pos, dtype=np.float64), np.array(vel, dtype=np.float64),
                   **kwargs)

    def seconds_from_datetime(self, dt: datetime) -> float:
        """Seconds (float, microsecond resolution) from the reference time to the aware datetime ``dt``."""
        delta = _as_utc(dt) - self.reference_time_utc
        return delta.days * 86400.0 + delta.seconds + delta.microseconds * 1e-6

    def datetime_from_seconds(self, t_s: float) -> datetime:
        """UTC datetime (rounded to the microsecond) of ``t_s`` seconds after the reference time."""
        return self.reference_time_utc + timedelta(microseconds=int(round(float(t_s) * 1e6)))

    @property
    def start_s(self) -> float:
        return float(self.times_s[0])

    @property
    def stop_s(self) -> float:
        return float(self.times_s[-1])

    def state_vectors(self):
        """List of ``(utc_datetime, (x, y, z), (vx, vy, vz))`` as given (inverse of from_state_vectors)."""
        return [(self.datetime_from_seconds(t), tuple(p), tuple(v))
                for t, p, v in zip(self.times_s, self.positions_m, self.velocities_m_s)]

    # ---------------------------------------------------------------- interpolation
    def check_times(self, t_s) -> None:
        """Raise :class:`OrbitError` if any finite time lies too far outside the vectors' span."""
        t = np.asarray(t_s, dtype=np.float64)
        if t.size == 0:
            return
        lo, hi = np.nanmin(t), np.nanmax(t)
        if not np.isfinite(lo):
            return
        if lo < self.start_s - self.max_extrapolation_s or hi > self.stop_s + self.max_extrapolation_s:
            first = self.reference_time_utc + timedelta(seconds=self.start_s)
            last = self.reference_time_utc + timedelta(seconds=self.stop_s)
            bad = lo if lo < self.start_s - self.max_extrapolation_s else hi
            raise OrbitError(
                f"Time {self.datetime_from_seconds(bad).isoformat()} is outside the orbit state vectors "
                f"({first.isoformat()} to {last.isoformat()}); the product's orbit does not cover this "
                f"point. Check that the scene and the orbit belong together.")

    def _polynomials(self):
        """Per-interval Hermite polynomials, built once (cached on the instance).

        For the interval [t_k, t_k+1] the polynomial of degree 2*window-1 matches position and
        velocity at the ``window`` vectors nearest to the interval (centred on it, shifted at the
        ends of the arc). It is stored as monomial coefficients in x = (t - mid_k) / h_k, with
        mid_k the interval centre and h_k its length, so |x| <= 1/2 inside the interval and the
        (Taylor-like, fast decaying) coefficients evaluate without cancellation.
        Returns (coefficients (n-1, 2*window, 3), mid (n-1,), h (n-1,)).
        """
        cached = self.__dict__.get("_poly_cache")
        if cached is not None:
            return cached
        t, w = self.times_s, self.window
        n = t.size
        degree = 2 * w - 1
        k = np.arange(n - 1)
        mid = 0.5 * (t[:-1] + t[1:])
        h = t[1:] - t[:-1]
        first = np.clip(k + 1 - w // 2, 0, n - w)
        powers = np.arange(degree + 1)
        coeffs = np.empty((n - 1, degree + 1, 3))
        for i in range(n - 1):
            idx = first[i] + np.arange(w)
            x = (t[idx] - mid[i]) / h[i]
            value_rows = x[:, None] ** powers
            deriv_rows = np.zeros_like(value_rows)
            deriv_rows[:, 1:] = powers[1:] * x[:, None] ** (powers[1:] - 1)
            system = np.vstack([value_rows, deriv_rows])
            rhs = np.vstack([self.positions_m[idx], self.velocities_m_s[idx] * h[i]])
            coeffs[i] = np.linalg.solve(system, rhs)
        derivs = [coeffs]
        for _ in range(2):
            c = derivs[-1]
            derivs.append(c[:, 1:, :] * np.arange(1, c.shape[1])[None, :, None])
        # Layout (component, power, interval), contiguous, for fast 1-D ``take`` per power.
        derivs = [np.ascontiguousarray(c.transpose(2, 1, 0)) for c in derivs]
        cached = (derivs, mid, h)
        object.__setattr__(self, "_poly_cache", cached)
        return cached

    def _evaluate(self, t_s, derivative_order: int, check: bool):
        t = np.asarray(t_s, dtype=np.float64)
        if check:
            self.check_times(t)
        derivs, mid, h = self._polynomials()
        flat = t.reshape(-1)
        finite = np.isfinite(flat)
        tt = np.where(finite, flat, self.times_s[0]) if not finite.all() else flat
        k = np.clip(np.searchsorted(self.times_s, tt) - 1, 0, mid.size - 1)
        hk = h[k]
        x = (tt - mid[k]) / hk
        out = []
        for order in range(derivative_order + 1):
            c = derivs[order]
            res = np.empty((flat.size, 3))
            for comp in range(3):
                p = c[comp, -1].take(k)
                for d in range(c.shape[1] - 2, -1, -1):
                    p *= x
                    p += c[comp, d].take(k)
                res[:, comp] = p
            if order:
                res /= (hk ** order)[:, None]
            if not finite.all():
                res[~finite] = np.nan
            out.append(res.reshape(t.shape + (3,)))
        return out

    def position_velocity(self, t_s, check: bool = True):
        """Interpolated ECEF position (m) and velocity (m/s), each of shape ``t_s.shape + (3,)``.

        ``t_s`` in seconds after the reference time, any shape; NaN times give NaN.
        """
        pos, vel = self._evaluate(t_s, 1, check)
        return pos, vel

    def position(self, t_s, check: bool = True):
        """Interpolated ECEF position (m), shape ``t_s.shape + (3,)``."""
        return self._evaluate(t_s, 0, check)[0]

    def acceleration(self, t_s, check: bool = True):
        """Earth-fixed acceleration (m/s^2): second derivative of the interpolating polynomial."""
        return self._evaluate(t_s, 2, check)[2]

    def position_velocity_acceleration(self, t_s, check: bool = True):
        """Position (m), velocity (m/s) and acceleration (m/s^2) in one evaluation."""
        pos, vel, acc = self._evaluate(t_s, 2, check)
        return pos, vel, acc
