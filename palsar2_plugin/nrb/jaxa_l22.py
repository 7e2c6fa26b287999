"""JAXA ALOS-2/PALSAR-2 ScanSAR L2.2 (CEOS-ARD NRB v5.5) products: names and ``summary.xml``.

Naming: ``<SceneID>_<ProductID>_<suffix>``, e.g. ``ALOS2437590500-220630_WWDR2.2GUA_HH_SLP.tif``,
SceneID = ``ALOS2`` + orbit (5 digits) + frame (4 digits) + ``-YYMMDD``; ProductID = mode + look
side (R/L) + ``2.2`` + two processing letters + pass (A/D). Files: ``_HH_SLP.tif`` / ``_HV_SLP.tif``
(UInt16 amplitude DN, γ⁰ [dB] = 10·log10(DN²) − 83.0), ``_LIN.tif`` (local incidence angle,
0.01·DN degrees), ``_MSK.tif`` (mask values 0..5), ``_summary.xml``, ``.kml`` (``_`` or ``-``).

The XML's bounding box is half a pixel off the GeoTIFF and its line/pixel counts are swapped:
the reader never takes the grid from the XML (the GeoTIFF geotransform is authoritative).
"""

from __future__ import annotations

import datetime as _dt
import re
import xml.etree.ElementTree as ET
from typing import Dict, Optional

from ..errors import Palsar2Error
from .reader_model import ProductInfo

#: Scene stem of an L2.2 product, e.g. ``ALOS2437590500-220630_WWDR2.2GUA``.
STEM_RE = re.compile(
    r"(?P<scene>ALOS2(?P<orbit>\d{5})(?P<frame>\d{4})-(?P<date>\d{6}))[_-]"
    r"(?P<pid>(?P<mode>[A-Z]{3})(?P<look>[RL])2\.2(?P<proc>[A-Z]{2})(?P<pass>[AD]))")

#: A file of an L2.2 product (group ``suffix`` is e.g. ``HH_SLP.tif``, ``summary.xml``, ``.kml``).
FILE_RE = re.compile(STEM_RE.pattern + r"(?P<suffix>(?:_(?:HH|HV|VV|VH)_SLP\.tif|_LIN\.tif|_MSK\.tif"
                     r"|_summary\.xml|\.kml|\.json))$", re.IGNORECASE)


class SummaryXmlError(Palsar2Error):
    """A JAXA ``summary.xml`` cannot be read."""


def parse_summary_xml(data: bytes, path: str = "summary.xml") -> ProductInfo:
    """Descriptive metadata of an L2.2 product from the bytes of its ``summary.xml``.

    Raises :class:`SummaryXmlError` if the text is not XML or not a CEOS-ARD NRB document.
    The scene and product ids come from ``SourceProcParam/ProductID`` (the parent L1.1 id).
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise SummaryXmlError(
            f"{path} is not valid XML ({error}). Download the product again or give the product "
            "folder / one of its GeoTIFFs instead.") from error
    if root.tag != "Product" or root.find("CARD4LProductAttributes") is None:
        raise SummaryXmlError(
            f"{path} is XML but not a JAXA CEOS-ARD NRB summary (root <{root.tag}>, expected <Product> with "
            "<CARD4LProductAttributes>).")
    src = root.find("SourceAttributes")
    acq = src.find("SourceDataAcquisitionParameters") if src is not None else None
    proc = src.find("SourceProcParam") if src is not None else None
    card = root.find("CARD4LProductAttributes")

    def text(node, tag: str) -> str:
        if node is None:
            return ""
        found = node.find(tag)
        return (found.text or "").strip() if found is not None else ""

    source_pid = text(proc, "ProductID")
    scene_id, product_id = "", ""
    match = re.match(r"(ALOS2\d{9}-\d{6})_([A-Z]{3}[RL])1\.1__([AD])", source_pid)
    if match:
        scene_id = match.group(1)
    backscatter_files = [text(node, "FileName") for node in card.findall("BackscatterMeasurementData")]
    for name in backscatter_files + [text(card.find("PerPixelMetadata/DataMask"), "FileName")]:
        file_match = STEM_RE.match(name or "")
        if file_match:
            scene_id = scene_id or file_match.group("scene")
            product_id = file_match.group("pid")
            break
    measurement_node = card.find("BackscatterMeasurementData/BackscatterMeasurement")
    measurement_text = (measurement_node.text or "").lower() if measurement_node is not None else "gamma-0"
    noise = {}
    for indicator in (src.findall("PerformanceIndicators") if src is not None else []):
        estimate = indicator.find("NoiseEquivalentIntensity/Estimates")
        if estimate is not None and indicator.get("pol"):
            noise[indicator.get("pol")] = _float(estimate.text)
    polarisations = tuple(text(acq, "Polarizations").split())
    software = text(card.find("DataAccess"), "SoftwareVersion")
    level_text = "CEOS-ARD NRB v" + root.get("version", "?") + " (JAXA L2.2)"
    if text(proc, "ProductLevel"):
        level_text += f" from {text(proc, 'ProductLevel')} L1.1"
    epsg = None
    for crs in card.findall("CoordinateReferenceSystem"):
        if crs.get("type") == "EPSG" and (crs.text or "").strip().isdigit():
            epsg = int(crs.text.strip())
    return ProductInfo(
        scene_id=scene_id, product_id=product_id, level="L2.2", producer="JAXA",
        measurement="sigma0" if "sigma" in measurement_text else "gamma0",
        observation_mode=text(acq, "ObservationMode"), beam=text(acq, "BeamID"),
        pass_direction=text(src.find("OrbitInformation") if src is not None else None, "PassDirection"),
        look_side=text(acq, "AntennaPointing"),
        path_number=_int(text(acq, "RSP_Path_Number")), frame_number=_int(text(acq, "RSP_Frame_Number")),
        incidence_near_deg=_float(text(src.find("SourceDataImageAttributes") if src is not None else None,
                                       "IncAngleNearRange")),
        incidence_far_deg=_float(text(src.find("SourceDataImageAttributes") if src is not None else None,
                                      "IncAngleFarRange")),
        start_time=parse_utc(text(src.find("SourceDataAcquisitionTime") if src is not None else None, "StartTime")
                             or text(root.find("DataCollectionTime"), "FirstAcquisitionDate")),
        end_time=parse_utc(text(src.find("SourceDataAcquisitionTime") if src is not None else None, "EndTime")
                           or text(root.find("DataCollectionTime"), "LastAcquisitionDate")),
        processing_level_text=level_text, software=software,
        processing_facility=text(card.find("DataAccess"), "ProcessingFacility"),
        processing_time=parse_utc(text(card.find("DataAccess"), "ProcessingTime")),
        source_product_id=source_pid, polarisations=polarisations,
        footprint_wkt=text(card, "ProductGeographicalExtent") or text(
            src.find("SourceDataImageAttributes") if src is not None else None, "SourceDataGeometry"),
        epsg=epsg, noise_equivalent_db=noise,
    )


def info_from_name(stem: str) -> ProductInfo:
    """Metadata deducible from an L2.2 file name alone (when ``summary.xml`` is missing)."""
    match = STEM_RE.match(stem)
    if not match:
        raise Palsar2Error(f"{stem} is not a JAXA L2.2 product name (expected e.g. ALOS2437590500-220630_WWDR2.2GUA).")
    return ProductInfo(
        scene_id=match.group("scene"), product_id=match.group("pid"), level="L2.2", producer="JAXA",
        measurement="gamma0", observation_mode=match.group("mode"),
        look_side="Right" if match.group("look") == "R" else "Left",
        pass_direction="Ascending" if match.group("pass") == "A" else "Descending",
        processing_level_text="CEOS-ARD NRB (JAXA L2.2)", start_time=None,
    )


def parse_utc(text: str) -> Optional[_dt.datetime]:
    """ISO-8601 time (``Z`` or offset, any fraction) -> aware UTC datetime; None if empty/invalid."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    match = re.match(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(\.\d+)?(.*)$", value)
    if not match:
        return None
    fraction = (match.group(2) or ".0")[1:7].ljust(6, "0")
    try:
        moment = _dt.datetime.fromisoformat(f"{match.group(1)}.{fraction}{match.group(3) or '+00:00'}")
    except ValueError:
        return None
    return moment.astimezone(_dt.timezone.utc)


def _float(text: Optional[str]) -> Optional[float]:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _int(text: Optional[str]) -> Optional[int]:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def suffix_role(suffix: str) -> Dict[str, str]:
    """Role of a file suffix: {'role': 'backscatter'|'lia'|'mask'|'summary'|'kml', 'pol': 'HH'...}."""
    s = suffix.upper()
    if s.endswith("_SLP.TIF"):
        return {"role": "backscatter", "pol": s[1:3]}
    if s == "_LIN.TIF":
        return {"role": "lia"}
    if s == "_MSK.TIF":
        return {"role": "mask"}
    if s == "_SUMMARY.XML":
        return {"role": "summary"}
    if s == ".JSON":
        return {"role": "stac"}
    return {"role": "kml"}
