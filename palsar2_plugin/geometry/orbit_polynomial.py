"""A short-span polynomial of an orbit, evaluated fast on large arrays of times.

The zero-Doppler solver (:mod:`.zero_doppler`) runs on millions of points (terrain-correction
tiles, geocoding); evaluating the full Hermite orbit each Newton step is costly. Over the few tens of seconds a scene (or tile) spans,
an orbit is an analytic curve that a degree-9 polynomial reproduces to far below a millimetre,
so each run samples the orbit once, fits this polynomial, and hands the coefficients (plain
arrays) to the pure tile functions and the compiled kernels.

Times in seconds after the orbit's reference time; ECEF metres, m/s, m/s^2.
Positions are returned as tuples of three arrays (x, y, z) of the shape of ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

Vec3 = Tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class OrbitPolynomial:
    """Position = sum_k coeffs[k] * u**k with u = (t - t_mid_s) / half_span_s, valid for |u| <= 1."""

    t_mid_s: float
    half_span_s: float
    coeffs: np.ndarray  # (degree + 1, 3), metres

    @classmethod
    def fit(cls, position_velocity_acceleration, t_start_s: float, t_stop_s: float,
            degree: int = 9, margin_s: float = 5.0) -> "OrbitPolynomial":
        """Fit to ``position_velocity_acceleration(t) -> (pos (n,3), vel, acc)`` over [t_start, t_stop] +- margin.

        Positions and velocities at Chebyshev nodes are fitted together (least squares), so the
        derivative used by the Newton solver matches the orbit's own velocity.
        """
        t0, t1 = float(t_start_s) - margin_s, float(t_stop_s) + margin_s
        mid, half = 0.5 * (t0 + t1), max(0.5 * (t1 - t0), 1e-3)
        n = 3 * (degree + 1)
        u = np.cos(np.pi * (np.arange(n) + 0.5) / n)
        t = mid + half * u
        pos, vel, _ = position_velocity_acceleration(t)
        powers = np.arange(degree + 1)
        value_rows = u[:, None] ** powers
        deriv_rows = np.zeros_like(value_rows)
        deriv_rows[:, 1:] = powers[1:] * u[:, None] ** (powers[1:] - 1) / half
        scale = half / 7000.0  # put velocity residuals on a metre-like scale
        system = np.vstack([value_rows, deriv_rows * scale])
        rhs = np.vstack([np.asarray(pos), np.asarray(vel) * scale])
        coeffs, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        return cls(mid, half, coeffs)

    def arrays(self, t_s):
        """(position, velocity, acceleration) as arrays of shape ``t_s.shape + (3,)`` (for :meth:`fit`)."""
        return tuple(np.stack(v, axis=-1) for v in self.state(t_s))

    def local(self, t_start_s: float, t_stop_s: float, degree: int = 3) -> "OrbitPolynomial":
        """A lower-degree polynomial of this one over a short span (a tile's few seconds): cheaper to
        evaluate. Degree 3 over +-5 s: the neglected 4th-order term of an orbit is ~1e-4 m."""
        if t_stop_s - t_start_s > 20.0:
            degree = max(degree, 5)
        return OrbitPolynomial.fit(self.arrays, t_start_s, t_stop_s, degree=degree, margin_s=0.5)

    def state(self, t_s) -> Tuple[Vec3, Vec3, Vec3]:
        """(position, velocity, acceleration) at ``t_s``: each a tuple (x, y, z) of arrays shaped like ``t_s``."""
        u = (np.asarray(t_s, dtype=np.float64) - self.t_mid_s) / self.half_span_s
        c = self.coeffs
        deg = c.shape[0] - 1
        out_p, out_v, out_a = [], [], []
        for comp in range(3):
            p = np.full(u.shape, c[deg, comp])
            v = np.zeros(u.shape)
            a = np.zeros(u.shape)
            for k in range(deg - 1, -1, -1):
                # Horner with derivatives: a = a*u + 2v, v = v*u + p, p = p*u + c_k
                a *= u
                a += 2.0 * v
                v *= u
                v += p
                p *= u
                p += c[k, comp]
            out_p.append(p)
            out_v.append(v / self.half_span_s)
            out_a.append(a / self.half_span_s ** 2)
        return tuple(out_p), tuple(out_v), tuple(out_a)


def orbit_polynomial(orbit, t_start_s: float, t_stop_s: float, degree: int = 9,
                     margin_s: float = 5.0) -> OrbitPolynomial:
    """Fit an :class:`OrbitPolynomial` to a ``geometry.Orbit`` (or anything with
    ``position_velocity_acceleration(t)``) over [t_start_s, t_stop_s] +- ``margin_s``."""
    return OrbitPolynomial.fit(orbit.position_velocity_acceleration, t_start_s, t_stop_s, degree=degree,
                               margin_s=margin_s)
