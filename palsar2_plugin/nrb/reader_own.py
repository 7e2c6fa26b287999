"""Recognise NRB products written by this plugin (see :mod:`.naming` and :mod:`.writer`).

Folder and files: ``<SceneID>_<Mode><R|L>NRB<A|D>/<name>_<POL>.tif`` (Float32 γ⁰ linear power,
NaN = no data), ``<name>_MSK.tif`` (JAXA mask values, 0 = no data), ``<name>_LIA.tif`` (Float32
degrees), ``<name>_summary.xml`` (JAXA-like CEOS-ARD XML) and ``<name>.json`` (STAC item).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Dict, List, Sequence, Tuple

from . import jaxa_l22
from .reader_model import KIND_OWN_NRB, Calibration, NrbProduct, ProductInfo

FILE_RE = re.compile(
    r"^(?P<name>(?P<scene>[^_/\\]+)_(?P<pid>(?P<mode>[A-Z0-9]+)(?P<look>[RL])NRB(?P<pass>[AD])))"
    r"(?P<suffix>_(?:HH|HV|VV|VH|MSK|LIA)\.tif|_summary\.xml|\.json)$")

SOFTWARE = "PALSAR-2 ScanSAR QGIS plugin"


def _info(name: str, match, summary, stac) -> ProductInfo:
    info = None
    if summary is not None:
        info = jaxa_l22.parse_summary_xml(summary.read(), summary.gdal_path)
    if info is None:
        info = ProductInfo(scene_id="", product_id="", level="NRB", producer=SOFTWARE, measurement="gamma0",
                           observation_mode=match.group("mode"),
                           look_side="Right" if match.group("look") == "R" else "Left",
                           pass_direction="Ascending" if match.group("pass") == "A" else "Descending")
        if stac is not None:
            info = _from_stac(info, stac.read())
    return replace(info, scene_id=match.group("scene"), product_id=match.group("pid"), level="NRB",
                   producer=f"{SOFTWARE} (from JAXA data)",
                   processing_level_text="CEOS-ARD NRB (this plugin's RTC, Small 2011) from JAXA L1.1 SLC")


def _from_stac(info: ProductInfo, data: bytes) -> ProductInfo:
    try:
        item = json.loads(data)
        props = item.get("properties", {})
    except (ValueError, AttributeError):
        return info
    return replace(info, start_time=jaxa_l22.parse_utc(props.get("start_datetime") or props.get("datetime") or ""),
                   end_time=jaxa_l22.parse_utc(props.get("end_datetime") or ""),
                   polarisations=tuple(props.get("sar:polarizations") or ()),
                   epsg=props.get("proj:epsg"))


def recognise(entries: Sequence) -> List[NrbProduct]:
    """Products made by this plugin among ``entries`` (reader listing entries)."""
    groups: Dict[Tuple[str, str], Dict[str, object]] = {}
    for entry in entries:
        match = FILE_RE.match(entry.name)
        if not match:
            continue
        group = groups.setdefault((entry.folder, match.group("name")), {"backscatter": {}, "match": match})
        suffix = match.group("suffix")
        if suffix.endswith(".tif"):
            key = suffix[1:-4]
            if key in ("HH", "HV", "VV", "VH"):
                group["backscatter"][key] = entry.gdal_path
            else:
                group[key] = entry
        elif suffix == "_summary.xml":
            group["summary"] = entry
        else:
            group["stac"] = entry
    products = []
    for (_, name), group in sorted(groups.items()):
        if not group["backscatter"] and "summary" not in group and "stac" not in group:
            continue
        info = _info(name, group["match"], group.get("summary"), group.get("stac"))
        if not info.polarisations:
            order = [p for p in ("HH", "HV", "VV", "VH") if p in group["backscatter"]]
            info = replace(info, polarisations=tuple(order))
        mask, lia = group.get("MSK"), group.get("LIA")
        summary, stac = group.get("summary"), group.get("stac")
        products.append(NrbProduct(
            kind=KIND_OWN_NRB, name=name, info=info, backscatter=dict(group["backscatter"]),
            calibration=Calibration("power", 0.0, None),
            mask=mask.gdal_path if mask else None, local_incidence=lia.gdal_path if lia else None,
            local_incidence_scale=1.0,
            metadata_file=(summary or stac).gdal_path if (summary or stac) else None))
    return products
