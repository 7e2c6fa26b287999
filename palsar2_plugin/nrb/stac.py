"""STAC 1.0 item describing one of our NRB products and its assets (relative hrefs).

Follows the shape of the stactools PALSAR-2 L2.2 items (projection, sar, sat extensions) but
with ``proj:shape`` in (rows, cols) order as STAC requires, and the JAXA attribution in the
properties (``attribution``) and in ``license``/links.
"""

from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence

from .. import attribution

EXTENSIONS = [
    "https://stac-extensions.github.io/projection/v1.0.0/schema.json",
    "https://stac-extensions.github.io/sar/v1.0.0/schema.json",
    "https://stac-extensions.github.io/sat/v1.0.0/schema.json",
    "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
]

COG = "image/tiff; application=geotiff; profile=cloud-optimized"


def build_item(item_id: str, info: Dict, gamma0_files: Dict[str, str], layer_files: Dict[str, str],
               layer_descriptions: Dict[str, str], metadata_file: str, quicklook_file: Optional[str]) -> Dict:
    """The item as a dict. ``info`` as for :func:`..metadata_xml.build_summary_xml` plus
    ``footprint_lon_lat`` (list of (lon, lat)), ``lon_lat_bbox`` (w, s, e, n), ``transform`` (6 numbers)."""
    ring = [list(map(float, p)) for p in info["footprint_lon_lat"]]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    px = float(info["pixel_size_m"])
    assets = {}
    for pol, name in gamma0_files.items():
        assets[pol] = {"href": f"./{name}", "type": COG, "title": f"gamma0 {pol}",
                       "description": f"{pol} terrain-flattened gamma0, linear power (float32, NaN = no data)",
                       "roles": ["data"], "sar:polarizations": [pol],
                       "raster:bands": [{"data_type": "float32", "nodata": "nan", "spatial_resolution": px,
                                         "unit": "1", "sampling": "area"}]}
    for key, name in layer_files.items():
        roles = ["metadata"]
        roles.append({"mask": "data-mask", "local_incidence": "local-incidence-angle",
                      "ellipsoid_incidence": "ellipsoid-incidence-angle", "scattering_area": "scattering-area",
                      "gamma_to_sigma": "gamma-sigma-ratio", "number_of_looks": "number-of-looks",
                      "dem": "dem"}.get(key, key))
        dtype = "uint8" if key == "mask" else "float32"
        assets[key] = {"href": f"./{name}", "type": COG, "title": key.replace("_", " "),
                       "description": layer_descriptions.get(key, key), "roles": roles,
                       "raster:bands": [{"data_type": dtype, "nodata": 0 if key == "mask" else "nan",
                                         "spatial_resolution": px, "sampling": "area"}]}
    assets["summary"] = {"href": f"./{metadata_file}", "type": "application/xml", "title": "summary",
                         "description": "CEOS-ARD NRB metadata", "roles": ["metadata"]}
    if quicklook_file:
        assets["quicklook"] = {"href": f"./{quicklook_file}", "type": "image/png", "title": "quick-look",
                               "roles": ["overview"]}
    credits = attribution.product_metadata()
    props = {
        "datetime": info["centre_time"],
        "start_datetime": info["start_time"],
        "end_datetime": info["end_time"],
        "platform": "ALOS-2",
        "instruments": ["PALSAR-2"],
        "constellation": "ALOS",
        "proj:epsg": info.get("epsg"),
        "proj:shape": [int(info["shape"][0]), int(info["shape"][1])],
        "proj:transform": [float(v) for v in info["transform"]],
        "proj:bbox": [float(v) for v in info["bounds"]],
        "sar:frequency_band": "L",
        "sar:center_frequency": 1.2365,
        "sar:instrument_mode": info["mode"],
        "sar:polarizations": list(info["polarisations"]),
        "sar:product_type": "NRB",
        "sar:observation_direction": "left" if str(info["look_side"]).lower().startswith("l") else "right",
        "sat:orbit_state": str(info["pass_direction"]).lower(),
        "processing:software": {"palsar2_plugin": info["software_version"]},
        "processing:level": "L2",
        "card4l:specification": "NRB",
        "card4l:specification_version": "5.5",
        "source_product_id": info.get("source_product_id", ""),
        "dem_height_reference": info.get("dem_height_reference", ""),
        "attribution": credits,
        "license": "proprietary",
    }
    if info.get("warnings"):
        props["palsar2:warnings"] = list(info["warnings"])
    if info.get("valid_fraction") is not None:
        props["palsar2:valid_fraction"] = round(float(info["valid_fraction"]), 6)
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": EXTENSIONS,
        "id": item_id,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "bbox": [float(v) for v in info["lon_lat_bbox"]],
        "properties": props,
        "links": [{"rel": "license", "href": attribution.TERMS_URL, "title": attribution.LICENCE_EN},
                  {"rel": "cite-as", "href": "https://doi.org/10.1109/TGRS.2011.2120616",
                   "title": "Small (2011), Flattening Gamma"}],
        "assets": assets,
    }


def write_item(path: str, item: Dict) -> str:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(item, fh, indent=2, ensure_ascii=False)
    return path
