"""Benchmark: AOI + dates search in the local scene index with 100,000 synthetic scenes.

Usage (from the repository root):

    /usr/bin/python3 bench/bench_search.py [--scenes 100000] [--queries 30] [--dir /tmp] [--seed 1]

Builds a GeoPackage scene index (catalog/index.py) of ``--scenes`` synthetic ScanSAR scenes:
footprints ~3.2 x 3.2 degrees (350 km swath) tilted like a real frame, anywhere between 60 S and
70 N, acquisition times uniform over 2014-08..2024-06, levels L1.1/L2.2, both passes. Then runs
``--queries`` random queries of three kinds, each timed from a fresh ``SceneIndex.search`` call
(validation, R-tree + time SQL, record decoding and exact footprint test):

- ``aoi_month``: 1 x 1 degree AOI, 31 days (the target case: < 0.5 s);
- ``aoi_year``: 1 x 1 degree AOI, 365 days;
- ``region_decade``: 10 x 10 degree AOI, the whole archive (large result sets).

Baseline in the same run: the same queries answered by a full scan of the same table in SQLite
(no R-tree, no time index) with the same Python filtering; ratio = baseline / ours. Reported:
median and max seconds, results per query, index build time and file size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from palsar2_plugin.catalog.geometry import ring_from_gpkg_blob  # noqa: E402
from palsar2_plugin.catalog.index import TABLE, SceneIndex, _COLUMNS  # noqa: E402
from palsar2_plugin.catalog.query import SearchQuery  # noqa: E402
from palsar2_plugin.catalog.record import RemoteFile, SceneRecord, format_time  # noqa: E402

T0 = datetime(2014, 8, 4, tzinfo=timezone.utc)
SPAN_S = (datetime(2024, 6, 30, tzinfo=timezone.utc) - T0).total_seconds()


def synthetic_scene(i: int, rng: random.Random) -> SceneRecord:
    lat = rng.uniform(-60.0, 67.0)
    lon = rng.uniform(-178.0, 174.0)
    half = 1.6
    tilt = 0.35 if i % 2 else -0.35  # ascending / descending skew
    dlon = half / max(0.2, math.cos(math.radians(lat)))
    ring = ((lon - dlon + tilt, lat - half), (lon + dlon + tilt, lat - half), (lon + dlon - tilt, lat + half),
            (lon - dlon - tilt, lat + half), (lon - dlon + tilt, lat - half))
    start = T0 + timedelta(seconds=rng.uniform(0, SPAN_S))
    level = "L2.2" if i % 3 else "L1.1"
    scene = f"ALOS2{i % 100000:05d}{rng.randrange(10000):04d}-{start:%y%m%d}"
    product = f"WBD{'R'}{level[1:]}{'GU' if level == 'L2.2' else '__'}{'A' if i % 2 else 'D'}"
    rid = f"{scene}_{product}"
    files = tuple(RemoteFile(f"https://bucket.example/{rid}_{s}", 100_000_000 + i) for s in ("HH_SLP.tif", "HV_SLP.tif"))
    return SceneRecord(record_id=rid, scene_id=scene, product_id=product, level=level, mode="WBD",
                       polarisations=("HH", "HV"), pass_direction="ascending" if i % 2 else "descending",
                       look_side="right", frame=i % 10000, orbit=i % 100000, start_time=start,
                       end_time=start + timedelta(seconds=60), footprint=ring, source="bench", files=files)


def full_scan(index: SceneIndex, query: SearchQuery):
    """Baseline: read every row of the table and filter in Python (same decoding and exact test)."""
    q = query.validated()
    quoted = ",".join(f'"{c}"' for c in _COLUMNS)
    out = []
    for row in index._db.execute(f"SELECT geom, {quoted} FROM {TABLE}"):
        attrs = dict(zip(_COLUMNS, row[1:]))
        if attrs["start_time"] > format_time(q.end) or (attrs["end_time"] or attrs["start_time"]) < format_time(q.start):
            continue
        rec = SceneRecord.from_attributes(attrs, ring_from_gpkg_blob(row[0]))
        if q.matches_filters(rec) and q.matches_area(rec):
            out.append(rec)
    return sorted(out, key=lambda r: (format_time(r.start_time), r.record_id))


def random_query(kind: str, rng: random.Random) -> SearchQuery:
    size, days = {"aoi_month": (1.0, 31), "aoi_year": (1.0, 365), "region_decade": (10.0, 3700)}[kind]
    lat = rng.uniform(-55.0, 60.0)
    lon = rng.uniform(-170.0, 160.0)
    start = T0 + timedelta(seconds=rng.uniform(0, max(0.0, SPAN_S - days * 86400)))
    if kind == "region_decade":
        start = T0
    return SearchQuery(bbox=(lon, lat, lon + size, lat + size), start=start, end=start + timedelta(days=days))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scenes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench_search_", dir=args.dir))
    path = work / "scene_index.gpkg"
    report = {"scenes": args.scenes, "queries_per_kind": args.queries, "kinds": {}}
    try:
        t = time.perf_counter()
        with SceneIndex(str(path)) as index:
            batch = []
            for i in range(args.scenes):
                batch.append(synthetic_scene(i, rng))
                if len(batch) == 10_000:
                    index.upsert(batch)
                    batch = []
            if batch:
                index.upsert(batch)
            report["build_s"] = round(time.perf_counter() - t, 2)
            report["index_mib"] = round(os.path.getsize(path) / 2 ** 20, 1)
            print(f"Index of {index.count()} scenes built in {report['build_s']} s ({report['index_mib']} MiB)")
            for kind in ("aoi_month", "aoi_year", "region_decade"):
                ours, base, counts = [], [], []
                n = args.queries if kind != "region_decade" else max(3, args.queries // 10)
                for _ in range(n):
                    q = random_query(kind, rng)
                    t = time.perf_counter()
                    found = index.search(q)
                    ours.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    expected = full_scan(index, q)
                    base.append(time.perf_counter() - t)
                    assert [r.record_id for r in found] == [r.record_id for r in expected], "results differ"
                    counts.append(len(found))
                entry = {"median_s": round(statistics.median(ours), 4), "max_s": round(max(ours), 4),
                         "baseline_median_s": round(statistics.median(base), 4),
                         "speedup_vs_full_scan": round(statistics.median(base) / statistics.median(ours), 1),
                         "median_results": statistics.median(counts), "queries": n}
                report["kinds"][kind] = entry
                print(f"  {kind:14s} ours median {entry['median_s']:.4f} s (max {entry['max_s']:.4f}), "
                      f"full scan {entry['baseline_median_s']:.3f} s, x{entry['speedup_vs_full_scan']}, "
                      f"{entry['median_results']} results")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    target = report["kinds"]["aoi_month"]["max_s"] < 0.5
    print(f"Target (AOI + dates < 0.5 s): {'met' if target else 'NOT met'}")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
