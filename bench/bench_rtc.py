#!/usr/bin/env python3
"""Benchmark: our terrain correction vs sarsen's on the same synthetic geometry and DEM.

    /usr/bin/python3 bench/bench_rtc.py [--size 4000] [--spacing 10] [--workers 2] \
        [--sarsen-python /path/to/venv/bin/python] [--paths numba numpy] [--repeat N] [--workdir DIR]

Scene (the recipe of ../shared/bench/sarsen_synthetic.py): a DEM of size x size pixels at
``spacing`` m in UTM 54N near 36 N 138.5 E, Gaussian hills up to ~1.8 km on a 300 m base with a flat
south-west corner, ellipsoidal heights; a circular orbit fixed in the Earth frame (700 km, heading
north, right-looking, ~35 deg incidence), 21 state vectors 10 s apart; a slant-range image of
constant beta0 = 1 on a 4.29 m x (PRF 2000 Hz) grid covering the DEM.

Each processor runs in its own process (ours with /usr/bin/python3, sarsen with the venv's python,
``--sarsen-python``; install it with ``python3 -m venv V && V/bin/pip install sarsen``), on the DEM
grid as output grid, with ``--workers`` threads. Printed: wall time of the correction call
(including GeoTIFF writing), DEM pixels per second, their ratio, peak RSS of each process, the
flat-area gamma0 bias against tan(theta_ell) with its per-pixel spread, and the median difference
ours - sarsen over pixels both call valid. Ours multilooks the constant image to the output pixel
size (3 x 2 looks for 10 m), which is what it does with real data; sarsen reads the SLC.

``--executor``: where our tiles run (default terrain_correct's choice: worker processes for the
numpy path, threads for the compiled one). With worker processes the CPU seconds include theirs
(RUSAGE_CHILDREN: they end with the run) and the peak RSS printed is that of the process and its
workers together, sampled every 0.2 s (bench/process_stats.TreeRssSampler), with each one's own peak.

``--paths``: ours with the compiled numba kernels (compiled or loaded from numba's cache before the
clock starts) and with the numpy path (PALSAR2_NO_NUMBA=1, the baseline before the kernels), both in
the same run; ``--repeat`` repeats the whole round (the machine may be shared: compare within a round).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from constant_radar import ConstantBeta0  # noqa: E402
from process_stats import TreeRssSampler, peak_rss_mb  # noqa: E402

C = 299_792_458.0
LAT0, LON0 = 36.0, 138.5
EPOCH = "2024-01-01T00:00:00"


# ---------------------------------------------------------------------------------------- setup
def make_setup(workdir: str, size: int, spacing: float, prf: float, sr_spacing: float) -> dict:
    """Write dem.tif and setup.json (orbit state vectors, radar grid) into ``workdir``."""
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from palsar2_plugin.geometry.ellipsoid import EARTH_GM_M3_S2, enu_basis, geodetic_to_ecef
    from palsar2_plugin.geometry.orbit import Orbit
    from palsar2_plugin.geometry.zero_doppler import solve as zero_doppler
    from palsar2_plugin.geometry.orbit_polynomial import OrbitPolynomial

    cx, cy = Transformer.from_crs("EPSG:4326", "EPSG:32654", always_xy=True).transform(LON0, LAT0)
    half = size * spacing / 2
    x0 = np.floor((cx - half) / spacing) * spacing        # on the output grid's snapping
    y0 = np.floor((cy - half) / spacing) * spacing
    extent = size * spacing
    rng = np.random.default_rng(0)
    hills = [(*(rng.uniform(0.5, 1.0, 2) * extent), rng.uniform(0.03, 0.08) * extent, rng.uniform(200.0, 1500.0))
             for _ in range(25)]
    dem_path = os.path.join(workdir, "dem.tif")
    profile = dict(driver="GTiff", height=size, width=size, count=1, dtype="float32", crs="EPSG:32654",
                   transform=from_origin(x0, y0 + extent, spacing, spacing), tiled=True, blockxsize=512,
                   blockysize=512, compress="DEFLATE")
    from rasterio.windows import Window
    with rasterio.open(dem_path, "w", **profile) as dst:
        xs = (np.arange(size) + 0.5) * spacing
        for r0 in range(0, size, 512):
            rows = np.arange(r0, min(size, r0 + 512))
            ys = extent - (rows + 0.5) * spacing               # row 0 = north; y measured from the south edge
            z = np.full((rows.size, size), 300.0)
            for hx, hy, sig, amp in hills:
                z += amp * np.exp(-((xs[None, :] - hx) ** 2 + (ys[:, None] - hy) ** 2) / (2 * sig ** 2))
            dst.write(z.astype("float32"), 1, window=Window(0, r0, size, rows.size))

    # orbit: great circle fixed in the Earth frame, sub-satellite point west of the target
    p0 = geodetic_to_ecef(LAT0, LON0, 0.0)
    e, n, u = enu_basis(LAT0, LON0)
    re = float(np.linalg.norm(p0))
    rs = re + 700e3
    theta = np.radians(35.0)
    alpha = theta - np.arcsin(re / rs * np.sin(theta))
    s_hat = u * np.cos(alpha) - e * np.sin(alpha)
    s_hat /= np.linalg.norm(s_hat)
    v_hat = n - np.dot(n, s_hat) * s_hat
    v_hat /= np.linalg.norm(v_hat)
    omega = np.sqrt(EARTH_GM_M3_S2 / rs) / rs
    t_sv = np.arange(-100.0, 100.1, 10.0)
    pos = rs * (np.cos(omega * t_sv)[:, None] * s_hat + np.sin(omega * t_sv)[:, None] * v_hat)
    vel = rs * omega * (-np.sin(omega * t_sv)[:, None] * s_hat + np.cos(omega * t_sv)[:, None] * v_hat)

    # radar grid covering the DEM (coarse geocoding of the DEM, padded like the shared script)
    from datetime import datetime, timezone
    orbit = Orbit(datetime.fromisoformat(EPOCH).replace(tzinfo=timezone.utc), t_sv, pos, vel)
    poly = OrbitPolynomial.fit(orbit.position_velocity_acceleration, -80, 80)
    with rasterio.open(dem_path) as ds:
        z = ds.read(1, out_shape=(41, 41))
        b = ds.bounds
    gx, gy = np.meshgrid(np.linspace(b.left, b.right, 41), np.linspace(b.top, b.bottom, 41))
    lon, lat = Transformer.from_crs("EPSG:32654", "EPSG:4326", always_xy=True).transform(gx, gy)
    P = geodetic_to_ecef(lat, lon, z)
    sol = zero_doppler((P[..., 0], P[..., 1], P[..., 2]), poly)
    az_dt = 1.0 / prf
    t0 = float(sol.time_s.min()) - 0.2
    n_az = int((float(sol.time_s.max()) + 0.2 - t0) / az_dt) + 1
    r0 = float(sol.slant_range_m.min()) - 200 * sr_spacing
    n_sr = int((float(sol.slant_range_m.max()) + 200 * sr_spacing - r0) / sr_spacing) + 1
    ground_speed = omega * rs * re / rs
    d = P[-2, 1] - np.array([sol.sat_position[k][-2, 1] for k in range(3)])
    inc = float(np.degrees(np.arccos(np.dot(-d / np.linalg.norm(d), u))))
    setup = dict(dem=dem_path, size=size, spacing=spacing, t_sv=t_sv.tolist(), pos=pos.tolist(), vel=vel.tolist(),
                 t0=t0, az_dt=az_dt, n_az=n_az, r0=r0, sr_spacing=sr_spacing, n_sr=n_sr,
                 az_spacing_m=ground_speed * az_dt, inc_flat_deg=inc, bounds=list(b))
    with open(os.path.join(workdir, "setup.json"), "w") as fh:
        json.dump(setup, fh)
    return setup


def flat_block(size: int) -> tuple:
    """Rows/cols of the flat south-west reference block (5..20 % of the extent from the SW corner)."""
    return slice(int(0.80 * size), int(0.95 * size)), slice(int(0.05 * size), int(0.20 * size))


def _cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads) and of its children that have ended
    (the worker processes of a run, joined when it ends), s."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def _rates(res: dict, npix: int, workers: int) -> str:
    """Throughput per wall second and per CPU second, and the share of its cores the run got."""
    cpu = res.get("cpu_seconds") or float("nan")
    return (f"{npix / res['seconds']:,.0f} DEM px/s ({npix / cpu:,.0f} px per CPU-s; it got "
            f"{cpu / (res['seconds'] * workers):.0%} of {workers} cores)")


# ---------------------------------------------------------------------------------------- ours
def _executor(name: str, workers: int):
    """None (terrain_correct's default choice), or threads / worker processes forced."""
    from palsar2_plugin.rtc.executors import ThreadExecutor
    from palsar2_plugin.rtc.process_executor import ProcessExecutor

    return {"auto": None, "threads": ThreadExecutor(workers), "processes": ProcessExecutor(workers)}[name]


def run_ours(workdir: str, workers: int, tile_size: int, oversampling: int = 2, executor: str = "auto",
             start_cost: bool = False) -> dict:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from datetime import datetime, timezone

    from palsar2_plugin.geometry.orbit import Orbit
    from palsar2_plugin.geometry.radar_grid import RadarGrid
    from palsar2_plugin.rtc.driver import terrain_correct
    from palsar2_plugin.rtc.radar_input import RadarBeam

    s = json.load(open(os.path.join(workdir, "setup.json")))
    orbit = Orbit(datetime.fromisoformat(EPOCH).replace(tzinfo=timezone.utc), np.array(s["t_sv"]),
                  np.array(s["pos"]), np.array(s["vel"]))
    grid = RadarGrid(s["t0"], s["az_dt"], s["r0"], s["sr_spacing"], s["n_az"], s["n_sr"], "right", 0.229)
    la = max(1, int(round(s["spacing"] / s["az_spacing_m"])))
    lr = max(1, int(round(s["spacing"] * np.sin(np.radians(s["inc_flat_deg"])) / s["sr_spacing"])))
    ml = grid.multilooked(la, lr)

    radar = ConstantBeta0(orbit, RadarBeam(1, ml, float(la * lr)))
    from palsar2_plugin.rtc.tile import warm_up
    compiled = warm_up()          # numba compiles (or loads its cache) before the clock starts
    left, bottom, right, top = s["bounds"]
    start_s = None
    if start_cost:           # worker processes started and initialised with this run's plan, untimed below
        from palsar2_plugin.rtc.plan import plan_run
        from palsar2_plugin.rtc.process_executor import measure_start

        plan = plan_run(radar, s["dem"], height_reference="ellipsoid", crs="EPSG:32654", pixel_size_m=s["spacing"],
                        extent=(left, bottom, right, top), oversampling=oversampling, tile_size=tile_size)
        start_s = [measure_start(workers, plan, radar) for _ in range(3)]
    cpu0 = _cpu_seconds()
    t = time.perf_counter()
    with TreeRssSampler() as tree:
        result = terrain_correct(radar, s["dem"], os.path.join(workdir, "ours"), height_reference="ellipsoid",
                                 crs="EPSG:32654", pixel_size_m=s["spacing"], extent=(left, bottom, right, top),
                                 tile_size=tile_size, workers=workers, oversampling=oversampling,
                                 executor=_executor(executor, workers))
    dt = time.perf_counter() - t
    cpu = _cpu_seconds() - cpu0
    workers_peaks = result["timings"].get("worker_peak_rss_mib") or []
    # with worker processes: the peak of all of them together, sampled (each one's own peak comes at its own time)
    peak = max(peak_rss_mb(), tree.peak_mb or 0.0) if workers_peaks else peak_rss_mb()
    return dict(seconds=dt, cpu_seconds=cpu, peak_rss_mib=peak, peak_rss_own_mib=peak_rss_mb(),
                peak_rss_workers_mib=workers_peaks, gamma0=result["gamma0"]["HH"], mask=result["mask"],
                timings={k: (round(v, 1) if isinstance(v, float) else v) for k, v in result["timings"].items()},
                eia=result["ellipsoid_incidence"], looks=[la, lr], settings=str(result["settings"]),
                path="numba" if compiled else "numpy", start_s=start_s)


# ---------------------------------------------------------------------------------------- sarsen
def run_sarsen(workdir: str, workers: int) -> dict:
    """Runs inside sarsen's venv (imports only its dependencies)."""
    import dask
    import dask.array as da
    import sarsen
    import xarray as xr

    s = json.load(open(os.path.join(workdir, "setup.json")))
    epoch = np.datetime64(EPOCH, "ns")
    t_sv = np.array(s["t_sv"])
    sv = xr.DataArray(np.array(s["pos"]), dims=("azimuth_time", "axis"),
                      coords={"azimuth_time": epoch + (t_sv * 1e9).astype("timedelta64[ns]"), "axis": [0, 1, 2]},
                      name="position", attrs={"units": "m"})
    azimuth_time = epoch + ((s["t0"] + np.arange(s["n_az"]) * s["az_dt"]) * 1e9).astype("timedelta64[ns]")
    slant_range_time = 2.0 / C * (s["r0"] + np.arange(s["n_sr"]) * s["sr_spacing"])

    class Product(sarsen.SlantRangeSarProduct):
        product_type = "SLC"

        def state_vectors(self):
            return sv

        def complex_amplitude(self):
            data = da.ones((azimuth_time.size, slant_range_time.size), dtype="complex64", chunks=2048)
            return xr.DataArray(data, dims=("azimuth_time", "slant_range_time"),
                                coords={"azimuth_time": azimuth_time, "slant_range_time": slant_range_time},
                                attrs={"units": "m m-1"})

        def grid_parameters(self, grouping_area_factor=(3.0, 3.0)):
            sr = s["sr_spacing"] * grouping_area_factor[1]
            return {"slant_range_time0": float(slant_range_time[0]), "slant_range_time_interval_s": sr * 2 / C,
                    "slant_range_spacing_m": sr, "azimuth_time0": azimuth_time[0],
                    "azimuth_time_interval_s": s["az_dt"] * grouping_area_factor[0],
                    "azimuth_spacing_m": s["az_spacing_m"] * grouping_area_factor[0]}

    out = os.path.join(workdir, "sarsen_gamma0.tif")
    with dask.config.set(scheduler="threads", num_workers=workers):
        cpu0 = _cpu_seconds()
        t = time.perf_counter()
        sarsen.terrain_correction(Product(), s["dem"], output_urlpath=out, correct_radiometry="gamma_bilinear",
                                  interp_method="nearest", chunks=1024)
        dt = time.perf_counter() - t
        cpu = _cpu_seconds() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(seconds=dt, cpu_seconds=cpu, peak_rss_mib=peak, gamma0=out)


# ---------------------------------------------------------------------------------------- simulated scene
def prepare_simulated(workdir: str, product: str, dem: str, beam: int) -> dict:
    """Correct a simulated CEOS product with ours; export one beam's calibrated sqrt(beta0) SLC and the
    DEM layer we used (ellipsoidal heights on our output grid) for sarsen."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from palsar2_plugin.ceos import open_product
    from palsar2_plugin.ceos.image import ImageReader, intensity
    from palsar2_plugin.radiometry import calibration_gain
    from palsar2_plugin.geometry.range_doppler import ellipsoid_incidence_rows
    from palsar2_plugin.rtc.scene_input import terrain_correct_product

    result = terrain_correct_product(product, dem, os.path.join(workdir, "ours"), pixel_size_m=25.0)
    scene = open_product(product)
    orbit = scene.orbit()
    grid = scene.radar_grid(beam, orbit)
    pol = scene.polarisations[0]
    with ImageReader(scene.image(beam, pol)) as reader:
        power = intensity(reader.samples(0, grid.lines))
    sin_inc = np.sin(np.radians(ellipsoid_incidence_rows(grid, orbit, 0, grid.lines)))
    beta0 = power * calibration_gain(scene.calibration_factor_db, scene.level) / sin_inc
    np.save(os.path.join(workdir, "beta0.npy"), beta0.astype(np.float32))
    t_sv = orbit.times_s
    meta = dict(t_sv=t_sv.tolist(), pos=orbit.positions_m.tolist(), t0=grid.first_line_time_s,
                az_dt=grid.line_interval_s, r0=grid.slant_range_first_m, dr=grid.range_spacing_m,
                ref=orbit.reference_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%f"), dem=result["dem"],
                gamma0=result["gamma0"][pol], mask=result["mask"], nlooks=result["number_of_looks"])
    with open(os.path.join(workdir, "sim.json"), "w") as fh:
        json.dump(meta, fh)
    return meta


def run_sarsen_slc(workdir: str, workers: int) -> dict:
    """sarsen on the exported beam (inside sarsen's venv)."""
    import dask
    import dask.array as da
    import sarsen
    import xarray as xr

    m = json.load(open(os.path.join(workdir, "sim.json")))
    beta0 = np.load(os.path.join(workdir, "beta0.npy"))
    epoch = np.datetime64(m["ref"], "ns")
    t_sv = np.array(m["t_sv"])
    # sarsen fits one polynomial to all vectors: keep those within 200 s of the beam
    keep = np.abs(t_sv - m["t0"]) < 200
    sv = xr.DataArray(np.array(m["pos"])[keep], dims=("azimuth_time", "axis"),
                      coords={"azimuth_time": epoch + (t_sv[keep] * 1e9).astype("timedelta64[ns]"), "axis": [0, 1, 2]},
                      name="position", attrs={"units": "m"})
    n_az, n_rg = beta0.shape
    azimuth_time = epoch + ((m["t0"] + np.arange(n_az) * m["az_dt"]) * 1e9).astype("timedelta64[ns]")
    slant_range_time = 2.0 / C * (m["r0"] + np.arange(n_rg) * m["dr"])
    ground_az = 6800.0 * m["az_dt"]

    class Product(sarsen.SlantRangeSarProduct):
        product_type = "SLC"

        def state_vectors(self):
            return sv

        def complex_amplitude(self):
            amp = da.from_array(np.sqrt(beta0).astype("complex64"), chunks=2048)
            return xr.DataArray(amp, dims=("azimuth_time", "slant_range_time"),
                                coords={"azimuth_time": azimuth_time, "slant_range_time": slant_range_time},
                                attrs={"units": "m m-1"})

        def grid_parameters(self, grouping_area_factor=(3.0, 3.0)):
            sr = m["dr"] * grouping_area_factor[1]
            return {"slant_range_time0": float(slant_range_time[0]), "slant_range_time_interval_s": sr * 2 / C,
                    "slant_range_spacing_m": sr, "azimuth_time0": azimuth_time[0],
                    "azimuth_time_interval_s": m["az_dt"] * grouping_area_factor[0],
                    "azimuth_spacing_m": ground_az * grouping_area_factor[0]}

    out = os.path.join(workdir, "sarsen_sim_gamma0.tif")
    with dask.config.set(scheduler="threads", num_workers=workers):
        sarsen.terrain_correction(Product(), m["dem"], output_urlpath=out, correct_radiometry="gamma_bilinear",
                                  interp_method="nearest", chunks=1024, grouping_area_factor=(12.0, 5.0))
    return dict(gamma0=out)


def compare_simulated(args) -> None:
    import rasterio

    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_rtc_sim_")
    os.makedirs(workdir, exist_ok=True)
    meta = prepare_simulated(workdir, args.simulated_product, args.dem, args.beam)
    cmd = [args.sarsen_python, os.path.abspath(__file__), "--worker", "sarsen_slc", "--workdir", workdir,
           "--workers", str(args.workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"sarsen failed:\n{proc.stdout}\n{proc.stderr}")
    with rasterio.open(meta["gamma0"]) as ds:
        ours = ds.read(1)
    with rasterio.open(meta["mask"]) as ds:
        mask = ds.read(1)
    with rasterio.open(os.path.join(workdir, "sarsen_sim_gamma0.tif")) as ds:
        theirs = ds.read(1)
        if ds.transform.e > 0:
            theirs = theirs[::-1]
    both = (mask == 1) & np.isfinite(ours) & np.isfinite(theirs) & (theirs > 0)
    # leave out point targets: 15 px around every pixel 20 dB above the median
    bright = np.nan_to_num(ours) > 100 * np.nanmedian(ours[both])
    if bright.any():
        rr, cc = np.nonzero(bright)
        yy, xx = np.mgrid[:ours.shape[0], :ours.shape[1]]
        for r, c in zip(rr, cc):
            both &= (np.abs(yy - r) > 15) | (np.abs(xx - c) > 15)
    d = 10 * np.log10(ours[both] / theirs[both])
    print(f"simulated scene, beam F{args.beam}: {both.sum()} pixels valid in both")
    print(f"  ours   gamma0: median {10 * np.log10(np.median(ours[both])):+.2f} dB, mean {10 * np.log10(ours[both].mean()):+.2f} dB")
    print(f"  sarsen gamma0: median {10 * np.log10(np.median(theirs[both])):+.2f} dB, mean {10 * np.log10(theirs[both].mean()):+.2f} dB")
    print(f"  ours - sarsen per pixel: median {np.median(d):+.2f} dB; ratio of means "
          f"{10 * np.log10(ours[both].mean() / theirs[both].mean()):+.3f} dB")
    print("  (sarsen samples the single-look SLC: the median of single-look speckle is ln 2 = -1.59 dB below "
          "its mean; ours is multilooked, so compare the means)")


# ---------------------------------------------------------------------------------------- report
def _flat_stats(g: np.ndarray, inc_deg: float, size: int) -> str:
    rows, cols = flat_block(size)
    block = g[rows, cols]
    ok = block[np.isfinite(block) & (block > 0)]
    ref = np.tan(np.radians(inc_deg))
    return (f"flat-area gamma0 mean {ok.mean():.4f} vs tan(theta)={ref:.4f} ({10 * np.log10(ok.mean() / ref):+.3f} dB), "
            f"median {10 * np.log10(np.median(ok) / ref):+.3f} dB, per-pixel std {np.std(10 * np.log10(ok)):.3f} dB")


def _one_round(args, worker, setup, npix) -> None:
    """Ours (each path and oversampling) and sarsen once, printed with their ratios."""
    import rasterio

    runs, runs_cpu = [], []
    for path in args.paths:
        for k in args.oversampling:
            ours = worker(sys.executable, "ours", ("--oversampling", str(k)), no_numba=(path == "numpy"))
            with rasterio.open(ours["gamma0"]) as ds:
                g_ours = ds.read(1)
            with rasterio.open(ours["mask"]) as ds:
                m_ours = ds.read(1)
            rate = npix / ours["seconds"]
            label = f"ours[{ours['path']}] k={k}"
            runs.append((label, rate, g_ours, m_ours))
            runs_cpu.append(npix / ours["cpu_seconds"])
            workers_peaks = ours.get("peak_rss_workers_mib") or []
            rss = (f"peak RSS {ours['peak_rss_mib']:,.0f} MiB" if not workers_peaks else
                   f"peak RSS {ours['peak_rss_mib']:,.0f} MiB (the process and its {len(workers_peaks)} workers together, "
                   f"sampled every 0.2 s; each one's own peak: {ours['peak_rss_own_mib']:,.0f} and "
                   f"{', '.join(f'{p:,.0f}' for p in workers_peaks)} MiB)")
            print(f"{label}: {ours['seconds']:.1f} s -> {_rates(ours, npix, args.workers)}, {rss} "
                  f"(looks {ours['looks']}, {ours['settings']}; tiles in {ours['timings'].get('executor')})")
            tiles_rate = npix / ours["timings"]["tiles_s"]
            print(f"         of which tiles {ours['timings']['tiles_s']} s ({tiles_rate:,.0f} px/s), writing COGs/XML/"
                  f"STAC/quick-look of the 9 layers {ours['timings']['finish_s']} s "
                  f"({ours['timings'].get('finish_cpu_s', float('nan'))} CPU-s)")
            stages = ours["timings"].get("stages_cpu_s") or {}
            if stages:
                print("         tile CPU-s by stage: " + ", ".join(f"{k} {v}" for k, v in stages.items()))
            print(f"         {_flat_stats(g_ours, setup['inc_flat_deg'], args.size)}; valid {np.mean(m_ours == 1):.3f}, "
                  f"layover {np.mean(m_ours == 2):.4f}, shadow {np.mean(m_ours == 3):.4f}")
            del g_ours, m_ours
    if args.sarsen_python:
        sar = worker(args.sarsen_python, "sarsen")
        with rasterio.open(sar["gamma0"]) as ds:
            g_sar = ds.read(1)
            if ds.transform.e > 0:          # sarsen may write y ascending
                g_sar = g_sar[::-1]
        sar_rate = npix / sar["seconds"]
        sar_cpu_rate = npix / sar["cpu_seconds"]
        print(f"sarsen : {sar['seconds']:.1f} s -> {_rates(sar, npix, args.workers)}, peak RSS {sar['peak_rss_mib']:,.0f} MiB")
        print(f"         {_flat_stats(g_sar, setup['inc_flat_deg'], args.size)}")
        for (label, rate, g_ours, m_ours), cpu_rate in zip(runs, runs_cpu):
            print(f"ratio {label}: ours / sarsen throughput = {rate / sar_rate:.2f}x per wall second, "
                  f"{cpu_rate / sar_cpu_rate:.2f}x per CPU second")
            both = (m_ours == 1) & np.isfinite(g_sar) & (g_sar > 0) & np.isfinite(g_ours)
            if g_sar.shape == g_ours.shape and both.any():
                d = 10 * np.log10(g_ours[both] / g_sar[both])
                print(f"         ours - sarsen over {both.mean():.3f} of the pixels: median {np.median(d):+.3f} dB, "
                      f"mean of ratio {10 * np.log10(np.mean(g_ours[both] / g_sar[both])):+.3f} dB, "
                      f"5-95 % {np.percentile(d, 5):+.2f} .. {np.percentile(d, 95):+.2f} dB")
            else:
                print(f"grids differ (ours {g_ours.shape}, sarsen {g_sar.shape}): no pixel comparison")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--spacing", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tile-size", type=int, default=0, help="tile size (default: the driver's, see rtc.driver.default_tile_size)")
    ap.add_argument("--oversampling", type=int, nargs="+", default=[2, 1],
                    help="our DEM oversampling factor(s) to run (default: 2, the product default, and 1)")
    ap.add_argument("--paths", nargs="+", choices=["numba", "numpy"], default=["numba", "numpy"],
                    help="our kernels to run: numba (compiled, when numba imports) and/or numpy "
                         "(PALSAR2_NO_NUMBA=1, the baseline); default both")
    ap.add_argument("--repeat", type=int, default=1, help="run everything this many times (shared machines)")
    ap.add_argument("--prf", type=float, default=2000.0)
    ap.add_argument("--sr-spacing", type=float, default=4.29)
    ap.add_argument("--sarsen-python", default=None, help="python of a venv with sarsen installed")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--simulated-product", help="compare with sarsen on this simulated L1.1 product instead")
    ap.add_argument("--dem", help="the DEM of --simulated-product (EGM96 heights)")
    ap.add_argument("--beam", type=int, default=3, help="beam of --simulated-product given to sarsen")
    ap.add_argument("--executor", choices=["auto", "threads", "processes"], default="auto",
                    help="where our tiles run: auto (terrain_correct's choice: worker processes for the numpy "
                         "path, threads for the compiled one), or threads / processes forced")
    ap.add_argument("--start-cost", action="store_true",
                    help="(with --worker ours) also time starting the worker processes, 3 times, before the run")
    ap.add_argument("--worker", choices=["ours", "sarsen", "sarsen_slc"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker == "sarsen_slc":
        print("RESULT " + json.dumps(run_sarsen_slc(args.workdir, args.workers)))
        return
    if args.simulated_product:
        compare_simulated(args)
        return
    if args.worker:
        fn = run_ours if args.worker == "ours" else run_sarsen
        res = (fn(args.workdir, args.workers, args.tile_size, args.oversampling[0], args.executor, args.start_cost)
               if args.worker == "ours"
               else fn(args.workdir, args.workers))
        print("RESULT " + json.dumps(res))
        return

    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_rtc_")
    os.makedirs(workdir, exist_ok=True)
    setup = make_setup(workdir, args.size, args.spacing, args.prf, args.sr_spacing)
    npix = args.size * args.size
    print(f"DEM {args.size} x {args.size} @ {args.spacing:g} m (= output grid), SLC {setup['n_az']} az x "
          f"{setup['n_sr']} rg, incidence at the flat corner {setup['inc_flat_deg']:.1f} deg, {args.workers} threads, "
          f"workdir {workdir}")

    def worker(python, name, extra=(), no_numba=False):
        cmd = [python, os.path.abspath(__file__), "--worker", name, "--workdir", workdir, "--workers",
               str(args.workers), "--tile-size", str(args.tile_size), "--executor", args.executor, *extra]
        env = dict(os.environ, PALSAR2_NO_NUMBA="1" if no_numba else "0")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
        if proc.returncode != 0 or not line:
            raise SystemExit(f"{name} failed:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(line[-1][7:])

    for rep in range(args.repeat):
        if args.repeat > 1:
            print(f"--- run {rep + 1} of {args.repeat} (load average {os.getloadavg()[0]:.1f})")
        _one_round(args, worker, setup, npix)


if __name__ == "__main__":
    main()
