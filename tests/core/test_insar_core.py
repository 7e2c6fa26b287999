"""The interferometry core's pure functions on synthetic arrays with known answers: the resampler
(known shifts of band-limited speckle), chip cross-correlation and its fit, complex multilooking
and coherence against the Touzi expectation, the Goldstein filter, the sign conventions."""

import numpy as np
import pytest

from palsar2_plugin.insar import conventions, goldstein, looks, resample, xcorr


def band_limited_noise(shape, fraction_az=0.85, fraction_rg=0.8, seed=0, centre_az=0.0):
    """Circular complex Gaussian noise whose spectrum fills ``fraction`` of each axis (unit power)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    spec = np.fft.fft2(z)
    fa = np.fft.fftfreq(shape[0])[:, None]
    fr = np.fft.fftfreq(shape[1])[None, :]
    da = (fa - centre_az + 0.5) % 1.0 - 0.5
    spec *= (np.abs(da) <= fraction_az / 2) & (np.abs(fr) <= fraction_rg / 2)
    out = np.fft.ifft2(spec)
    return out / np.sqrt(np.mean(np.abs(out) ** 2))


def shifted(z, d_line, d_pixel, centre_az=0.0):
    """z evaluated at (line + d_line, pixel + d_pixel) exactly (circular, through the spectrum), its
    azimuth band centred on ``centre_az`` cycles per line (frequencies taken around it, not around 0)."""
    fa = np.fft.fftfreq(z.shape[0])[:, None]
    fa = centre_az + (fa - centre_az + 0.5) % 1.0 - 0.5
    fr = np.fft.fftfreq(z.shape[1])[None, :]
    return np.fft.ifft2(np.fft.fft2(z) * np.exp(2j * np.pi * (fa * d_line + fr * d_pixel)))


@pytest.mark.parametrize("centre", [0.0, 0.3])
def test_resampler_error_below_minus_24_db(centre):
    z = band_limited_noise((256, 256), seed=1, centre_az=centre)
    lines, pixels = np.meshgrid(np.arange(256) + 0.37, np.arange(256) - 0.61, indexing="ij")
    truth = shifted(z, 0.37, -0.61, centre)
    for fn in (resample.resample, resample.resample_numpy):
        got = fn(z.astype(np.complex64), lines, pixels, azimuth_cycles_per_line=centre)
        inner = (slice(8, -8), slice(8, -8))
        err = np.mean(np.abs(got[inner] - truth[inner]) ** 2) / np.mean(np.abs(truth[inner]) ** 2)
        assert 10 * np.log10(err) < -24.0
        assert got[0, 0] == 0 and got[-1, -1] == 0           # kernel leaves the block: no data
    # ignoring the Doppler centre of a shifted spectrum costs accuracy: the modulation matters
    if centre:
        wrong = resample.resample(z.astype(np.complex64), lines, pixels, 0.0)
        err = np.mean(np.abs(wrong[8:-8, 8:-8] - truth[8:-8, 8:-8]) ** 2)
        assert 10 * np.log10(err) > -20.0


def test_resampler_compiled_equals_numpy():
    z = band_limited_noise((64, 80), seed=3).astype(np.complex64)
    rng = np.random.default_rng(0)
    lines = rng.uniform(-2, 66, (20, 30))
    pixels = rng.uniform(-2, 82, (20, 30))
    lines[0, 0] = np.nan
    a = resample.resample(z, lines, pixels, 0.1)
    b = resample.resample_numpy(z, lines, pixels, 0.1)
    assert np.allclose(a, b, atol=1e-5)


@pytest.mark.parametrize("d", [(0.0, 0.0), (0.37, -0.21), (-2.6, 1.45)])
def test_chip_offset_recovers_known_shift_to_a_hundredth(d):
    z = band_limited_noise((64, 64), seed=5)
    noise = band_limited_noise((64, 64), seed=6)
    sec = shifted(0.9 * z + np.sqrt(1 - 0.81) * noise, -d[0], -d[1])     # sec(x + d) = ref(x)
    dl, dp, rho, snr = xcorr.chip_offset(z, sec)
    assert (dl, dp) == pytest.approx(d, abs=0.02)
    assert rho > 0.5 and snr > 5


def test_fit_offsets_constant_and_outliers():
    rng = np.random.default_rng(0)
    chips = [xcorr.ChipOffset(l, p, 0.3 + rng.normal(0, 0.02), -0.1 + rng.normal(0, 0.02), 0.6, 20.0)
             for l in range(0, 1000, 100) for p in range(0, 1000, 100)]
    chips[5] = xcorr.ChipOffset(500, 500, 4.0, 3.0, 0.6, 20.0)           # a wrong peak
    chips[6] = xcorr.ChipOffset(600, 500, 9.0, 3.0, 0.6, 1.0)            # a weak peak
    fit = xcorr.fit_offsets(chips, order=0)
    assert fit.used == 98 and fit.total == 100
    assert fit.line_coefficients[0] == pytest.approx(0.3, abs=0.01)
    assert fit.pixel_coefficients[0] == pytest.approx(-0.1, abs=0.01)
    assert fit.rms_line == pytest.approx(0.02, abs=0.005)
    affine = [xcorr.ChipOffset(c.line, c.pixel, 0.1 + 0.001 * c.line, 0.2 - 0.0005 * c.pixel, 0.6, 20.0)
              for c in chips]
    fit = xcorr.fit_offsets(affine, order=1)
    dl, dp = fit.evaluate(900.0, 100.0)
    assert float(dl) == pytest.approx(1.0, abs=1e-6) and float(dp) == pytest.approx(0.15, abs=1e-6)
    assert xcorr.fit_offsets(chips[:3]) is None


@pytest.mark.parametrize("g,la,lr", [(0.3, 4, 4), (0.7, 4, 4), (0.5, 3, 3), (0.9, 5, 5)])
def test_coherence_matches_touzi_expectation(g, la, lr):
    """White speckle: the looks are independent, so the mean estimate follows Touzi's formula."""
    rng = np.random.default_rng(7)
    shape = (1200, 1200)
    s1 = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    n = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    s2 = g * s1 + np.sqrt(1 - g * g) * n
    phase = np.exp(1j * 0.8)
    ifg, pr, ps = looks.multilook_pair(s1, s2 * np.conj(phase), la, lr)
    coh = looks.coherence(ifg, pr, ps)
    expected = looks.expected_coherence(g, la * lr)
    assert float(np.mean(coh)) == pytest.approx(expected, abs=0.005)
    assert float(np.angle(np.sum(ifg))) == pytest.approx(0.8, abs=0.01)


def test_expected_coherence_table():
    # values of the Touzi formula, tabulated in the project's notes (mpmath and Monte Carlo)
    assert looks.expected_coherence(0.0, 4) == pytest.approx(0.457, abs=0.001)
    assert looks.expected_coherence(0.5, 16) == pytest.approx(0.520, abs=0.001)
    assert looks.expected_coherence(0.9, 100) == pytest.approx(0.900, abs=0.001)
    assert looks.expected_coherence(0.3, 49) == pytest.approx(0.315, abs=0.001)


def test_multilook_ignores_no_data():
    a = np.ones((4, 4), np.complex64)
    b = np.ones((4, 4), np.complex64) * 1j
    b[0, :2] = 0
    ifg, pr, ps = looks.multilook_pair(a, b, 2, 2)
    assert ifg.shape == (2, 2) and pr[0, 0] == 2 and ps[0, 0] == 2
    assert looks.coherence(ifg, pr, ps)[0, 0] == pytest.approx(1.0)
    assert np.isnan(looks.coherence(ifg * 0, pr * 0, ps)).all()


def test_goldstein_reduces_phase_noise_and_keeps_fringes():
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:256, 0:256]
    fringe = 2 * np.pi * (x / 20.0 + y / 45.0)
    noisy = np.exp(1j * (fringe + rng.normal(0, 0.8, fringe.shape)))
    out = goldstein.goldstein(noisy, 0.8)
    err_before = np.angle(noisy * np.exp(-1j * fringe))
    err_after = np.angle(out * np.exp(-1j * fringe))
    assert np.std(err_after[32:-32, 32:-32]) < 0.5 * np.std(err_before[32:-32, 32:-32])
    assert abs(np.mean(err_after[32:-32, 32:-32])) < 0.05
    assert np.allclose(np.abs(out[np.abs(out) > 0]), 1.0, atol=1e-5)
    same = goldstein.goldstein(noisy, 0.0)
    assert np.allclose(same, noisy, atol=1e-6)


def test_sign_conventions():
    lam = 0.2424525
    # uplift of one fringe: the range shortens by lambda/2 -> phase -2 pi -> +lambda/2 towards the satellite
    phi = conventions.geometric_phase(-lam / 2, lam)
    assert phi == pytest.approx(-2 * np.pi)
    assert conventions.los_displacement_m(phi, lam) == pytest.approx(lam / 2)
    assert conventions.phase_of_displacement(0.05, lam) == pytest.approx(-4 * np.pi * 0.05 / lam)
    assert conventions.fringe_m(lam) == pytest.approx(0.1212, abs=1e-4)
    assert conventions.height_of_ambiguity_m(lam, 850e3, 35.0, 200.0) == pytest.approx(295.6, abs=0.5)
