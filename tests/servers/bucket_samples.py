"""Fill a loopback S3-like server with a small open-data bucket built from the real samples in tests/data.

L2.2: STAC items made from the stactools example item (id, date and footprint changed per scene)
with small fake COG/XML/KML assets beside them. L1.1: one flat Turkey-2023-style folder whose
summary.txt is JAXA's real sample with the times changed.
"""

from __future__ import annotations
from sample_data import CEOS_L15, L22

import copy
import json
from pathlib import Path

ITEM = json.loads((L22 / "stactools_example_item_ALOS2437590500-220630_WWDR2.2GUA.json").read_text())
SUMMARY = (CEOS_L15 / "summary.txt").read_text()
L22_PREFIX = "palsar2/L2.2/2025/"
L11_FOLDER = "palsar2-scansar/Turkey-Syria-earthquake/L1.1/"
L11_STEM = "ALOS2471852900-230217-WBSR1.1__D"


def make_item(scene: str, product: str, when: str, lon0: float, lat0: float = 10.0) -> dict:
    """A STAC item for ``<scene>_<product>`` acquired at ``when`` with a 2x2 degree footprint at (lon0, lat0)."""
    item = copy.deepcopy(ITEM)
    rid = f"{scene}_{product}"
    item["id"] = rid
    item["properties"]["datetime"] = when
    item["geometry"]["coordinates"] = [[[lon0, lat0], [lon0 + 2, lat0], [lon0 + 2, lat0 + 2], [lon0, lat0 + 2],
                                        [lon0, lat0]]]
    item["bbox"] = [lon0, lat0, lon0 + 2, lat0 + 2]
    for name, asset in item["assets"].items():
        suffix = {"summary": "_summary.xml", "kml": ".kml"}.get(name, f"_{name}.tif")
        asset["href"] = f"./{rid}{suffix}"
    return item


def fill_bucket(server, n_items: int = 5):
    """Put ``n_items`` L2.2 scenes (10..10+n June 2022, footprints at lon 100+3i) and one L1.1 scene.

    Returns (L2.2 prefix, L1.1 folder). Asset i has (100 + i) bytes of value i.
    """
    for i in range(n_items):
        scene = f"ALOS24375905{i:02d}-2206{10 + i:02d}"
        item = make_item(scene, "WWDR2.2GUA", f"2022-06-{10 + i:02d}T15:58:28.26Z", lon0=100.0 + 3 * i)
        server.put(L22_PREFIX + item["id"] + ".json", json.dumps(item).encode())
        for asset in item["assets"].values():
            server.put(L22_PREFIX + asset["href"][2:], bytes([i]) * (100 + i))
    server.put(L22_PREFIX + "collection.json", b"{}")
    summary = SUMMARY.replace("20140909 04:33:42.052", "20230217 09:21:10.500").replace(
        "20140909 04:33:52.052", "20230217 09:22:05.000")
    server.put(L11_FOLDER + f"summary_{L11_STEM}.txt", summary.encode())
    for name in [f"IMG-HH-{L11_STEM}-F{k}" for k in range(1, 6)] + [f"LED-{L11_STEM}", f"TRL-{L11_STEM}",
                                                                    f"VOL-{L11_STEM}"]:
        server.put(L11_FOLDER + name, name.encode() * 10)
    return L22_PREFIX, L11_FOLDER
