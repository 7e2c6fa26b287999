"""CEOS-ARD NRB metadata XML of our products, modelled on JAXA's L2.2 ``summary.xml``.

Same element names and nesting as JAXA's file (``Product`` > ``DataCollectionTime``,
``SourceAttributes``, ``CARD4LProductAttributes``), with our processing facts: float32 gamma0 in
linear power, the per-pixel layers we write, the DEM and geoid actually used, Small (2011).
Unlike JAXA's sample, ``ProductBoundingBox`` gives the *pixel corner* (``PixelCoordinateConvention``
"pixel ULC" really is the corner here) and ``NumberLines`` is the number of rows.
JAXA attribution goes into an ``Attribution`` element and the ``copyright`` attribute.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Dict, Iterable, Optional, Sequence

from .. import attribution
from .mask import MASK_INVALID, MASK_LAYOVER, MASK_NODATA, MASK_SHADOW, MASK_VALID

PFS_URL = "https://ceos.org/ard/files/PFS/NRB/v5.5/CARD4L-PFS_NRB_v5.5.pdf"
SMALL_2011_DOI = "https://doi.org/10.1109/TGRS.2011.2120616"
EGM_REFERENCES = {
    "egm96": "https://earth-info.nga.mil/index.php?dir=wgs84&action=wgs84#tab_egm96",
    "egm2008": "https://doi.org/10.1029/2011JB008916",
    "ellipsoid": "none (heights given above the WGS84 ellipsoid)",
}


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = str(text)
    return el


def _layer_block(parent, tag, file_name, sample_type, data_type, bits, units=None, extra=None):
    el = _sub(parent, tag)
    _sub(el, "FileName", file_name)
    if units:
        _sub(el, "SampleType", sample_type, units=units)
    else:
        _sub(el, "SampleType", sample_type)
    _sub(el, "DataFormat", "Cloud Optimized GeoTIFF")
    _sub(el, "DataType", data_type)
    _sub(el, "BitsPerSample", bits)
    _sub(el, "ByteOrder", "Little Endian")
    for k, v in (extra or {}).items():
        _sub(el, k, v)
    return el


def build_summary_xml(info: Dict, files: Dict[str, str], gamma0_files: Dict[str, str]) -> ET.ElementTree:
    """The metadata document.

    ``info`` keys (strings unless said): start_time, end_time (ISO UTC), mode, polarisations (list),
    look_side, pass_direction, beams (list of beam numbers), source_product_id, processing_time,
    software_version, pixel_size_m (float), epsg (int or None), crs_wkt, bounds (left, bottom, right,
    top), footprint_wkt (lon lat polygon), centre_lon_lat, shape (rows, cols), dem_path,
    dem_height_reference, oversampling (int), incidence_near_far (deg, deg), valid_fraction (share of
    the grid with a gamma0 value), overlap_rule, area_floor, warnings (list of texts: written as
    ``ProcessingWarnings/Warning`` elements, for a result that must be read with care).
    ``files``: layer key -> file name; ``gamma0_files``: pol -> file name.
    """
    credits = attribution.product_metadata()
    root = ET.Element("Product", {"type": "Normalised Radar Backscatter", "copyright": credits["copyright"],
                                  "version": "5.5"})
    _sub(root, "DocumentIdentifier", PFS_URL, type="URL")
    dct = _sub(root, "DataCollectionTime")
    _sub(dct, "NumberOfAcquisitions", 1)
    _sub(dct, "FirstAcquisitionDate", info["start_time"])
    _sub(dct, "LastAcquisitionDate", info["end_time"])

    src = _sub(root, "SourceAttributes", acqID="1")
    _sub(src, "SourceDataRepository", "https://gportal.jaxa.jp/gpr/?lang=en", type="URL")
    _sub(src, "Satellite", "ALOS2")
    _sub(src, "Instrument", "PALSAR-2")
    t = _sub(src, "SourceDataAcquisitionTime")
    _sub(t, "StartTime", info["start_time"])
    _sub(t, "EndTime", info["end_time"])
    acq = _sub(src, "SourceDataAcquisitionParameters")
    _sub(acq, "RadarBand", "L")
    _sub(acq, "RadarCenterFrequency", "1.23650e+00", units="GHz")
    _sub(acq, "ObservationMode", info["mode"])
    _sub(acq, "Polarizations", " ".join(info["polarisations"]))
    _sub(acq, "AntennaPointing", "Left" if str(info["look_side"]).lower().startswith("l") else "Right")
    _sub(acq, "BeamID", " ".join(f"F{b}" for b in info.get("beams", [])))
    orb = _sub(src, "OrbitInformation")
    _sub(orb, "PassDirection", str(info["pass_direction"]).capitalize())
    _sub(orb, "OrbitDataSource", "Product leader state vectors")
    proc = _sub(src, "SourceProcParam")
    _sub(proc, "ProductID", info.get("source_product_id", ""))
    _sub(proc, "ProductLevel", "SLC")
    geom = _sub(src, "SourceDataImageAttributes")
    if info.get("footprint_wkt"):
        _sub(geom, "SourceDataGeometry", info["footprint_wkt"], type="WKT")
    near, far = info.get("incidence_near_far", (None, None))
    if near is not None:
        _sub(geom, "IncAngleNearRange", f"{near:.3f}", units="deg")
        _sub(geom, "IncAngleFarRange", f"{far:.3f}", units="deg")

    card = _sub(root, "CARD4LProductAttributes")
    da = _sub(card, "DataAccess")
    _sub(da, "ProcessingFacility", "QGIS PALSAR-2 plugin (user's computer)")
    _sub(da, "ProcessingTime", info["processing_time"])
    _sub(da, "SoftwareVersion", info["software_version"])
    sp = _sub(card, "ProductSampleSpacing")
    _sub(sp, "ProductColumnSpacing", f"{info['pixel_size_m']:.1f}", units="m")
    _sub(sp, "ProductRowSpacing", f"{info['pixel_size_m']:.1f}", units="m")
    f = _sub(card, "Filtering")
    _sub(f, "FilterApplied", "FALSE")
    left, bottom, right, top = info["bounds"]
    ul = _sub(card, "ProductBoundingBox", Corner="UL")
    _sub(ul, "Northing", f"{top:.6f}", units="m")
    _sub(ul, "Easting", f"{left:.6f}", units="m")
    lr = _sub(card, "ProductBoundingBox", Corner="LR")
    _sub(lr, "Northing", f"{bottom:.6f}", units="m")
    _sub(lr, "Easting", f"{right:.6f}", units="m")
    if info.get("footprint_wkt"):
        _sub(card, "ProductGeographicalExtent", info["footprint_wkt"], type="WKT", order="longitude latitude")
    lon_c, lat_c = info["centre_lon_lat"]
    _sub(card, "SceneCenterLatitude", f"{lat_c:.6f}")
    _sub(card, "SceneCenterLongitude", f"{lon_c:.6f}")
    size = _sub(card, "ProductImageSize")
    _sub(size, "NumberLines", info["shape"][0])
    _sub(size, "NumPixelsPerLine", info["shape"][1])
    _sub(card, "PixelCoordinateConvention", "pixel ULC")
    if info.get("epsg"):
        _sub(card, "CoordinateReferenceSystem", info["epsg"], type="EPSG")
    _sub(card, "CoordinateReferenceSystem", info.get("crs_wkt", ""), type="WKT")

    ppm = _sub(card, "PerPixelMetadata")
    mask = _layer_block(ppm, "DataMask", files["mask"], "Mask", "Byte", 8)
    bv = _sub(mask, "BitValues")
    for tag, value in (("NoData", MASK_NODATA), ("ValidData", MASK_VALID), ("Layover", MASK_LAYOVER),
                       ("Shadow", MASK_SHADOW), ("InvalidData", MASK_INVALID)):
        _sub(bv, tag, value)
    _layer_block(ppm, "LocalIncAngle", files["local_incidence"], "Angle", "FLOAT", 32, units="deg")
    _layer_block(ppm, "EllipsoidIncAngle", files["ellipsoid_incidence"], "Angle", "FLOAT", 32, units="deg",
                 extra={"ReferenceEllipsoid": "WGS84"})
    _layer_block(ppm, "ScatteringArea", files["scattering_area"], "Area", "FLOAT", 32, units="m2")
    _layer_block(ppm, "GammaToSigmaRatio", files["gamma_to_sigma"], "Ratio", "FLOAT", 32,
                 extra={"ConversionEq": "sigma0_T = gamma0_T * ratio"})
    _layer_block(ppm, "NumberOfLooks", files["number_of_looks"], "Looks", "FLOAT", 32)
    _layer_block(ppm, "DigitalElevationModel", files["dem"], "Height", "FLOAT", 32, units="m",
                 extra={"HeightReference": "WGS84 ellipsoid"})

    for pol, name in gamma0_files.items():
        bm = _sub(card, "BackscatterMeasurementData")
        _sub(bm, "BackscatterMeasurement", "Gamma-0")
        _sub(bm, "BackscatterConvention", "Linear Power")
        _sub(bm, "BackscatterConversionEq", "10*log10(value)", units="dB")
        _sub(bm, "Polarization", pol)
        _sub(bm, "FileName", name)
        _sub(bm, "DataFormat", "Cloud Optimized GeoTIFF")
        _sub(bm, "DataType", "FLOAT")
        _sub(bm, "BitsPerSample", 32)
        _sub(bm, "ByteOrder", "Little Endian")
        _sub(bm, "NoDataValue", "NaN")
    nr = _sub(card, "NoiseRemoval")
    _sub(nr, "NoiseRemovalApplied", "FALSE")
    rtc = _sub(card, "RadiometricTerrainCorrections")
    _sub(rtc, "RTCAlgorithm", SMALL_2011_DOI, type="DOI")
    _sub(rtc, "RTCDescription",
         "Flattening gamma: facet areas (DEM oversampled x{0}) distributed bilinearly on the radar grid; "
         "gamma0_T = beta0 / (A_gamma / A_beta); not normalised below {1:.0%} of the flat-ellipsoid area (mask 5). "
         "Beam overlap: {2}.".format(info.get("oversampling", 2), info.get("area_floor", 0.05),
                                     info.get("overlap_rule", "looks-weighted mean in linear power")))
    gc = _sub(card, "GeometricCorrections")
    dem = _sub(gc, "DigitalElevationModel", dem="User supplied")
    _sub(dem, "DEMReference", info.get("dem_path", ""), type="Path")
    ref = info.get("dem_height_reference", "egm96")
    _sub(dem, "EGMReference", EGM_REFERENCES.get(ref, ref), type="URL", model=ref)
    _sub(dem, "DEMResampling", f"bilinear to the output grid / {info.get('oversampling', 2)}")
    _sub(gc, "GriddingConvention",
         f"Scene upper-left pixel corner coordinates (northing and easting) are multiples of {info['pixel_size_m']:g} m",
         type="Description")
    if info.get("valid_fraction") is not None:
        _sub(card, "ValidDataFraction", f"{float(info['valid_fraction']):.6f}",
             description="share of the product grid with a gamma0 value")
    warnings = list(info.get("warnings") or ())
    if warnings:
        block = _sub(card, "ProcessingWarnings", count=len(warnings))
        for text in warnings:
            _sub(block, "Warning", text)
    att = _sub(root, "Attribution")
    for key, value in credits.items():
        _sub(att, key, value)
    ET.indent(root, space="\t")
    return ET.ElementTree(root)


def write_summary_xml(path: str, info: Dict, files: Dict[str, str], gamma0_files: Dict[str, str]) -> str:
    tree = build_summary_xml(info, files, gamma0_files)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path
