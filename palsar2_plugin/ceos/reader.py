"""Parsers of the CEOS files (volume directory, leader, trailer, image descriptor and line
prefixes) and ``open_product(path) -> Scene``.

Every malformed input raises :class:`~..errors.CeosFormatError` naming the file, the record and
the 0-based byte offset. Record headers are walked (never fixed offsets) and checked against the
codes and lengths of ``layouts`` and the leader's own file descriptor table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Tuple

from ..errors import CeosFormatError
from . import layouts as L
from .consistency import check_identity, check_image_prefix, check_image_times
from .fields import HEADER_BYTES, Layout, RecordHeader, check_header_codes, unpack_header
from .files import ProductFile, ProductFiles, locate_product
from .scene import (POLARISATION_ORDER, SCANSAR_MODES, BeamImage, CoordinatePolynomials, Corners,
                    MapGeoreference, Scene, StateVector, exact_range_sampling_rate_hz, range_pixel_spacing_m)
from .plausibility import leader_warnings
from .summary import parse_summary, summary_float


# ------------------------------------------------------------------------------ record walking
def walk_records(data: bytes, path: str, max_records: int = 100000) -> List[RecordHeader]:
    """Headers of the consecutive records of ``data`` (a whole small file). Checks that every
    header is complete, its length at least 12 and the record inside the file."""
    headers = []
    offset = 0
    while offset < len(data):
        if offset + HEADER_BYTES > len(data):
            raise CeosFormatError(f"file ends inside a record header ({len(data) - offset} of 12 bytes)",
                                  path=path, record=f"#{len(headers) + 1}", offset=offset)
        h = unpack_header(data[offset:offset + HEADER_BYTES], offset)
        if h.length < HEADER_BYTES:
            raise CeosFormatError(f"record length {h.length} is shorter than its 12-byte header",
                                  path=path, record=f"#{len(headers) + 1}", offset=offset + 8)
        if offset + h.length > len(data):
            raise CeosFormatError(f"file is truncated: record of {h.length} bytes but only "
                                  f"{len(data) - offset} left", path=path, record=f"#{len(headers) + 1}",
                                  offset=offset)
        if h.sequence != len(headers) + 1:
            raise CeosFormatError(f"record sequence number {h.sequence}, expected {len(headers) + 1}",
                                  path=path, record=f"#{len(headers) + 1}", offset=offset)
        headers.append(h)
        offset += h.length
        if len(headers) > max_records:
            raise CeosFormatError("too many records", path=path, offset=offset)
    if not headers:
        raise CeosFormatError("file is empty", path=path, offset=0)
    return headers


def _parse(layout: Layout, data: bytes, h: RecordHeader, path: str) -> Dict[str, Any]:
    return layout.parse(data[h.offset:h.offset + h.length], path, h.offset)


# ------------------------------------------------------------------------------ volume directory
def parse_volume_directory(data: bytes, path: str) -> Dict[str, Any]:
    """{'descriptor': {...}, 'pointers': [{...}], 'text': {...}} of a VOL file."""
    headers = walk_records(data, path)
    desc = _parse(L.VOLUME_DESCRIPTOR, data, headers[0], path)
    n_ptr = desc["number_of_file_pointers"] or 0
    n_text = desc["number_of_text_records"] or 0
    if len(headers) < 1 + n_ptr + n_text:
        raise CeosFormatError(f"volume descriptor announces {n_ptr} file pointers and {n_text} text records, "
                              f"the file holds {len(headers) - 1} records", path=path, record="volume descriptor",
                              offset=160)
    pointers = [_parse(L.FILE_POINTER, data, h, path) for h in headers[1:1 + n_ptr]]
    text = _parse(L.TEXT_RECORD, data, headers[1 + n_ptr], path) if n_text else {}
    return {"descriptor": desc, "pointers": pointers, "text": text}


# ------------------------------------------------------------------------------ leader
_LEADER_KINDS = {
    L.CODES_DSS: ("dss", L.DATA_SET_SUMMARY),
    L.CODES_MAP: ("map_projection", L.MAP_PROJECTION),
    L.CODES_PLATFORM: ("platform_position", L.PLATFORM_POSITION),
    L.CODES_ATTITUDE: ("attitude", "attitude"),
    L.CODES_RADIOMETRIC: ("radiometric", L.RADIOMETRIC),
    L.CODES_DATA_QUALITY: ("data_quality", L.DATA_QUALITY),
}


def _parse_attitude(data: bytes, h: RecordHeader, path: str) -> Dict[str, Any]:
    record = data[h.offset:h.offset + h.length]
    head = L.Layout("attitude", L.CODES_ATTITUDE, None, (L.ATTITUDE.by_name["number_of_points"],))
    n = head.parse(record, path, h.offset)["number_of_points"]
    if n is None or not 0 <= n <= L.MAX_ATTITUDE_POINTS or 16 + 120 * n > h.length:
        raise CeosFormatError(f"attitude record announces {n} points, at most "
                              f"{min(L.MAX_ATTITUDE_POINTS, (h.length - 16) // 120)} fit", path=path,
                              record="attitude", offset=h.offset + 12)
    return L.attitude_layout(n).parse(record, path, h.offset, check_header=False)


def parse_leader(data: bytes, path: str) -> Dict[str, Any]:
    """Parse a LED file: 'fdr', 'dss', 'map_projection' (L1.5), 'platform_position', 'attitude',
    'radiometric', 'data_quality', 'facility5' (dicts of field values); 'facility_lengths';
    'facility_raw' (bytes of facility records 1-4 after their 16-byte header and sequence number)."""
    headers = walk_records(data, path)
    fdr = _parse(L.LEADER_FDR, data, headers[0], path)
    out: Dict[str, Any] = {"fdr": fdr}
    found: Dict[str, int] = {}
    facility: List[RecordHeader] = []
    for h in headers[1:]:
        if h.codes == L.CODES_FACILITY:
            facility.append(h)
            continue
        kind = _LEADER_KINDS.get(h.codes)
        if kind is None:
            continue  # record types we do not need (histogram, ...): skipped
        name, layout = kind
        found[name] = found.get(name, 0) + 1
        expected = fdr.get(f"{name}_length")
        if expected and h.length != expected:
            raise CeosFormatError(f"{name.replace('_', ' ')} record is {h.length} bytes, the leader file "
                                  f"descriptor says {expected}", path=path, record=name, offset=h.offset + 8)
        if layout == "attitude" and name not in out:
            out[name] = _parse_attitude(data, h, path)
        elif layout is not None and name not in out:
            if layout.length is not None and h.length != layout.length:
                raise CeosFormatError(f"{layout.name} record is {h.length} bytes, not {layout.length}",
                                      path=path, record=layout.name, offset=h.offset + 8)
            out[name] = _parse(layout, data, h, path)
    for name in ("dss", "map_projection", "platform_position", "attitude", "radiometric", "data_quality"):
        announced = fdr.get(f"{name}_count") or 0
        if found.get(name, 0) != announced:
            raise CeosFormatError(f"leader file descriptor announces {announced} {name.replace('_', ' ')} "
                                  f"record(s), the file holds {found.get(name, 0)}", path=path,
                                  record="leader file descriptor", offset=180)
    for name in ("dss", "platform_position", "radiometric"):
        if name not in out:
            raise CeosFormatError(f"leader has no {name.replace('_', ' ')} record", path=path, record=name,
                                  offset=len(data))
    counts = [fdr.get(f"facility{k}_count") or 0 for k in range(1, 6)]
    lengths = [fdr.get(f"facility{k}_length") or 0 for k in range(1, 6)]
    if sum(counts) != len(facility):
        raise CeosFormatError(f"leader file descriptor announces {sum(counts)} facility records, the file holds "
                              f"{len(facility)}", path=path, record="leader file descriptor", offset=420)
    k = 0
    raw: List[bytes] = []
    for number, (count, length) in enumerate(zip(counts, lengths), start=1):
        for _ in range(count):
            h = facility[k]
            k += 1
            if length and h.length != length:
                raise CeosFormatError(f"facility {number} record is {h.length} bytes, the leader file descriptor "
                                      f"says {length}", path=path, record=f"facility {number}", offset=h.offset + 8)
            if number == 5 and h.length == L.FACILITY_LENGTHS[4] and "facility5" not in out:
                out["facility5"] = _parse(L.FACILITY_COORDINATES, data, h, path)
            elif number < 5:
                raw.append(data[h.offset + 16:h.offset + h.length])
    out["facility_lengths"] = tuple(h.length for h in facility)
    out["facility_raw"] = tuple(raw)
    return out


def parse_trailer(data: bytes, path: str) -> Dict[str, Any]:
    """The trailer file descriptor's fields (the low-resolution image is not read)."""
    if len(data) < L.FDR_LENGTH:
        raise CeosFormatError(f"trailer is truncated ({len(data)} bytes, its descriptor needs 720)", path=path,
                              record="trailer file descriptor", offset=len(data))
    h = unpack_header(data[:12], 0)
    check_header_codes(data[:12], L.TRAILER_FDR, path, 0)
    return L.TRAILER_FDR.parse(data[:h.length], path, 0)


# ------------------------------------------------------------------------------ image files
@dataclass(frozen=True)
class ImageDescriptor:
    """What the IMG file descriptor says (plus the file's actual line count)."""

    fields: Dict[str, Any]
    lines: int
    pixels: int
    record_length: int
    prefix_bytes: int
    sample_format: str
    lines_present: int


def parse_image_descriptor(pf: ProductFile) -> ImageDescriptor:
    """Parse and check an IMG file's descriptor; check the file holds all its line records
    (a file cut to its 720-byte descriptor is accepted as metadata-only: ``lines_present`` 0)."""
    path = pf.display
    head = pf.read(0, L.FDR_LENGTH)
    if len(head) < L.FDR_LENGTH:
        raise CeosFormatError(f"image file is truncated ({len(head)} bytes, its descriptor needs 720) "
                              f"or not a CEOS file", path=path, record="image file descriptor", offset=len(head))
    fdr = L.IMAGE_FDR.parse(head, path, 0)
    code = fdr["format_code"]
    if code not in ("C*8", "IU2"):
        raise CeosFormatError(f"image format code {code!r} is neither C*8 (L1.1) nor IU2 (L1.5)", path=path,
                              record="image file descriptor", offset=428)
    prefix = fdr["prefix_bytes"]
    expected_prefix = L.SIGNAL_PREFIX_BYTES if code == "C*8" else L.PROCESSED_PREFIX_BYTES
    if prefix != expected_prefix:
        raise CeosFormatError(f"line prefix of {prefix} bytes, {expected_prefix} expected for {code}", path=path,
                              record="image file descriptor", offset=276)
    pixels = fdr["number_of_pixels"]
    lines = fdr["number_of_lines"] if fdr["number_of_lines"] is not None else fdr["number_of_records"]
    reclen = fdr["record_length"]
    width = 8 if code == "C*8" else 2
    if not pixels or pixels <= 0 or lines is None or lines <= 0:
        raise CeosFormatError(f"image size {lines} lines x {pixels} pixels is not valid", path=path,
                              record="image file descriptor", offset=236)
    if reclen != prefix + width * pixels:
        raise CeosFormatError(f"record length {reclen} is not prefix {prefix} + {width} x {pixels} pixels",
                              path=path, record="image file descriptor", offset=186)
    size = pf.size
    if size == L.FDR_LENGTH:
        present = 0
    else:
        present = (size - L.FDR_LENGTH) // reclen
        if present < lines:
            raise CeosFormatError(f"image file is truncated: {present} complete line records of {lines}",
                                  path=path, record=f"line {present + 1}",
                                  offset=L.FDR_LENGTH + present * reclen)
    return ImageDescriptor(fdr, lines, pixels, reclen, prefix, code, min(present, lines))


def parse_line_prefix(pf: ProductFile, desc: ImageDescriptor, line: int) -> Dict[str, Any]:
    """Fields of the prefix of 0-based ``line`` (signal prefix for C*8, processed prefix for IU2)."""
    layout = L.SIGNAL_PREFIX if desc.sample_format == "C*8" else L.PROCESSED_PREFIX
    offset = L.FDR_LENGTH + line * desc.record_length
    raw = pf.read(offset, desc.prefix_bytes)
    if len(raw) < desc.prefix_bytes:
        raise CeosFormatError("line prefix truncated", path=pf.display, record=f"line {line + 1}", offset=offset)
    check_header_codes(raw, layout, pf.display, offset)
    h = unpack_header(raw, offset)
    if h.length != desc.record_length:
        raise CeosFormatError(f"line record length {h.length}, the image file descriptor says {desc.record_length}",
                              path=pf.display, record=f"line {line + 1}", offset=offset + 8)
    if h.sequence != line + 2:
        raise CeosFormatError(f"line record sequence number {h.sequence}, expected {line + 2}",
                              path=pf.display, record=f"line {line + 1}", offset=offset)
    return layout.parse(raw, pf.display, offset, check_header=False)


def prefix_time(prefix: Dict[str, Any], path: str = "", line: int = 0, offset: int = 0) -> datetime:
    """UTC time of a line from its prefix: Jan 1 of the year + (day of year - 1) + microseconds of
    day (milliseconds x 1000 when the microsecond field is 0)."""
    us = prefix.get("microseconds_of_day") or 0
    if not us:
        us = (prefix.get("milliseconds_of_day") or 0) * 1000
    year, doy = prefix["year"], prefix["day_of_year"]
    if not (1990 <= year <= 2200 and 1 <= doy <= 366 and 0 <= us < 86_401_000_000):
        raise CeosFormatError(f"line time year {year}, day {doy}, {us} us of day is not a valid UTC time",
                              path=path, record=f"line {line + 1}", offset=offset + 36)
    return datetime(year, 1, 1, tzinfo=timezone.utc) + timedelta(days=doy - 1, microseconds=us)


# ------------------------------------------------------------------------------ scene
def _dss_time(value: str, path: str) -> datetime:
    try:
        t = datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        return t + timedelta(milliseconds=int(value[14:17] or 0))
    except ValueError:
        raise CeosFormatError(f"scene centre time {value!r} is not YYYYMMDDhhmmssttt", path=path,
                              record="data set summary", offset=720 + 68) from None


def _state_vectors(pp: Dict[str, Any], path: str) -> Tuple[StateVector, ...]:
    n = pp["number_of_points"]
    if n != L.NUMBER_OF_STATE_VECTORS:
        raise CeosFormatError(f"platform position record has {n} state vectors, {L.NUMBER_OF_STATE_VECTORS} "
                              f"expected", path=path, record="platform position", offset=140)
    try:
        t0 = datetime(pp["year"], pp["month"], pp["day"], tzinfo=timezone.utc) + \
            timedelta(seconds=pp["seconds_of_day"])
        step = timedelta(seconds=pp["interval"])
    except (TypeError, ValueError, OverflowError):
        raise CeosFormatError("platform position record has no valid first-point date/time or interval",
                              path=path, record="platform position", offset=144) from None
    out = []
    for k in range(n):
        values = [pp[key][k] for key in ("x", "y", "z", "vx", "vy", "vz")]
        if any(v is None for v in values):
            raise CeosFormatError(f"state vector {k + 1} is blank", path=path, record="platform position",
                                  offset=386 + 132 * k)
        out.append(StateVector(t0 + step * k, tuple(values[:3]), tuple(values[3:])))
    return tuple(out)


def _corners(summary: Dict[str, str], prefix: str) -> Optional[Corners]:
    vals = {}
    for key in ("LeftTop", "RightTop", "LeftBottom", "RightBottom", "Center"):
        lat = summary_float(summary, f"{prefix}{key}Latitude")
        lon = summary_float(summary, f"{prefix}{key}Longitude")
        vals[key] = (lat, lon) if lat is not None and lon is not None else None
    if any(vals[k] is None for k in ("LeftTop", "RightTop", "LeftBottom", "RightBottom")):
        return None
    return Corners(vals["LeftTop"], vals["RightTop"], vals["LeftBottom"], vals["RightBottom"], vals["Center"])


def _map_georeference(mp: Dict[str, Any], lines: int, pixels: int) -> MapGeoreference:
    """Georeference of the L1.5 grid from the map projection record (its own pixel/line counts
    when given, else the image's). Corners are pixel centres; the geotransform is of pixel edges."""
    lines = mp.get("lines") or lines
    pixels = mp.get("pixels") or pixels
    ne = mp["corner_northing_easting"]
    ll = mp["corner_lat_lon"]
    corners_en = tuple((ne[2 * k + 1] * 1000.0, ne[2 * k] * 1000.0) for k in range(4))
    corners_ll = tuple((ll[2 * k], ll[2 * k + 1]) for k in range(4))
    (e0, n0), (e1, n1), _, (e3, n3) = corners_en  # first-first, first-last, last-last, last-first
    a = (e1 - e0) / max(pixels - 1, 1)
    c = (n1 - n0) / max(pixels - 1, 1)
    b = (e3 - e0) / max(lines - 1, 1)
    d = (n3 - n0) / max(lines - 1, 1)
    gt = (e0 - 0.5 * a - 0.5 * b, a, b, n0 - 0.5 * c - 0.5 * d, c, d)
    zone = mp.get("utm_zone")
    name = (mp.get("projection_name") or "") + " " + (mp.get("projection_id") or "")
    epsg = None
    if "UTM" in name.upper() or "TRANSVERSE MERCATOR" in name.upper():
        south = (mp.get("false_northing") or 0) >= 5e6 or (mp.get("centre_latitude") or 0) < 0
        if zone:
            epsg = (32700 if south else 32600) + zone
    return MapGeoreference(name.strip(), zone, epsg, mp.get("pixel_spacing") or abs(a),
                           mp.get("line_spacing") or abs(d), corners_ll, corners_en, gt)


def _polynomials(f5: Optional[Dict[str, Any]]) -> Optional[CoordinatePolynomials]:
    if not f5:
        return None
    keys = ("pixel_line_to_latitude", "pixel_line_to_longitude", "lat_lon_to_pixel", "lat_lon_to_line")
    if any(v is None for k in keys for v in f5[k]):
        return None
    return CoordinatePolynomials(f5[keys[0]], f5[keys[1]], f5["origin_pixel"] or 0.0, f5["origin_line"] or 0.0,
                                 f5[keys[2]], f5[keys[3]], f5["origin_latitude"] or 0.0,
                                 f5["origin_longitude"] or 0.0)


def _beam_sort_key(key):
    beam, pol = key
    return (beam or 1, POLARISATION_ORDER.index(pol))


def scene_from_files(files: ProductFiles) -> Scene:
    """Parse the located files into a Scene."""
    if files.leader is None:
        img = next(iter(files.images.values()), None)
        where = img.display if img is not None else files.source
        raise CeosFormatError(f"the leader file LED-{files.stem} is missing; it must lie beside the image "
                              f"files (keep the product's files together)", path=where, record="leader file")
    led_path = files.leader.display
    leader = parse_leader(files.leader.read_all(), led_path)
    volume = None
    if files.volume is not None:
        volume = parse_volume_directory(files.volume.read_all(), files.volume.display)
    if files.trailer is not None:
        parse_trailer(files.trailer.read(0, L.FDR_LENGTH), files.trailer.display)
    summary_pairs: Tuple[Tuple[str, str], ...] = ()
    if files.summary is not None:
        summary_pairs = parse_summary(files.summary.read_all(), files.summary.display)
    summary = dict(summary_pairs)
    dss = leader["dss"]
    check_identity(files, dss, volume, summary)
    stem = files.stem
    product_id = summary.get("Pds_ProductID") or stem.split("-", 2)[2]
    scene_id = dss["scene_id"] or summary.get("Scs_SceneID") or stem.rsplit("-", 1)[0]
    mode = product_id[:3]
    level = dss["product_level"] or product_id[4:7]
    clock = dss["clock_angle"]
    if clock is None or not math.isfinite(clock):
        look_side = "right" if product_id[3:4] == "R" else "left"
        clock = 90.0 if look_side == "right" else -90.0
    else:
        look_side = "right" if clock > 0 else "left"
    direction = (dss["time_direction_line"] or "").upper()
    if direction.startswith("ASC"):
        pass_direction = "ascending"
    elif direction.startswith("DES"):
        pass_direction = "descending"
    else:
        pass_direction = "ascending" if product_id.endswith("A") else "descending"
    for key, offset in (("range_sampling_rate", 710), ("wavelength", 500)):
        value = dss[key]
        if value is None or not math.isfinite(value) or value <= 0:
            raise CeosFormatError(f"data set summary gives no valid {key.replace('_', ' ')} ({value})",
                                  path=led_path, record="data set summary", offset=720 + offset)
    fs = exact_range_sampling_rate_hz(dss["range_sampling_rate"])
    spacing = range_pixel_spacing_m(fs)
    dss_prf_hz = (dss["prf"] or 0.0) / 1000.0
    cf = leader["radiometric"]["calibration_factor"]
    if cf is None or not math.isfinite(cf):
        raise CeosFormatError("radiometric record gives no calibration factor", path=led_path,
                              record="radiometric", offset=20)

    images = []
    if not files.images:
        raise CeosFormatError(f"no image files IMG-<pol>-{stem} found beside the leader", path=led_path,
                              record="image files")
    for key in sorted(files.images, key=_beam_sort_key):
        beam, pol = key
        pf = files.images[key]
        desc = parse_image_descriptor(pf)
        prf_hz, t_first, r0 = dss_prf_hz, None, None
        scan_id = None
        if desc.lines_present:
            prefix = parse_line_prefix(pf, desc, 0)
            check_image_prefix(pf.display, beam, pol, prefix, 0, L.FDR_LENGTH, mode in SCANSAR_MODES)
            if pf.mappable_path is not None:  # a compressed zip member would be inflated to its end
                last = desc.lines - 1
                check_image_prefix(pf.display, beam, pol, parse_line_prefix(pf, desc, last), last,
                                   L.FDR_LENGTH + last * desc.record_length, mode in SCANSAR_MODES)
            t_first = prefix_time(prefix, pf.display, 0, L.FDR_LENGTH)
            scan_id = prefix.get("scan_id")
            r0 = float(prefix["slant_range"] if desc.sample_format == "C*8" else prefix["slant_range_first"])
            if mode in SCANSAR_MODES and prefix.get("prf"):
                prf_hz = prefix["prf"] / 1000.0
        if not (math.isfinite(prf_hz) and prf_hz > 0):
            raise CeosFormatError("no PRF in the data set summary or line prefix", path=pf.display,
                                  record="line 1", offset=L.FDR_LENGTH + 56)
        f = desc.fields
        images.append(BeamImage(
            beam=beam or 1, polarisation=pol, path=pf.display, lines=desc.lines, pixels=desc.pixels,
            prf_hz=prf_hz, line_interval_s=1.0 / prf_hz, first_line_time_utc=t_first,
            slant_range_first_pixel_m=r0, range_pixel_spacing_m=spacing, range_sampling_rate_hz=fs,
            sample_format=desc.sample_format, record_length=desc.record_length, prefix_bytes=desc.prefix_bytes,
            number_of_bursts=f["number_of_bursts"], lines_per_burst=f["lines_per_burst"],
            burst_overlap_lines=f["burst_overlap_lines"], scan_id=scan_id))
    pols = tuple(p for p in POLARISATION_ORDER if any(im.polarisation == p for im in images))
    map_geo = None
    if "map_projection" in leader:
        first = images[0]
        map_geo = _map_georeference(leader["map_projection"], first.lines, first.pixels)
    poly = tuple(v if v is not None else 0.0 for v in dss["incidence_polynomial"])
    state_vectors = _state_vectors(leader["platform_position"], led_path)
    centre_time = _dss_time(dss["scene_centre_time"], led_path)
    if str(level).startswith("1.1"):  # L1.5 lines are map rows, not azimuth times 1/PRF apart
        check_image_times(led_path, centre_time, [sv.time_utc for sv in state_vectors], images)
    warnings = leader_warnings(led_path, cf, dss["wavelength"], fs, spacing,
                               [(im.path, im.prf_hz) for im in images], state_vectors)
    scene = Scene(
        scene_id=scene_id, product_id=product_id, mode=mode, level=level, look_side=look_side,
        pass_direction=pass_direction, polarisations=pols, wavelength_m=dss["wavelength"],
        calibration_factor_db=cf,
        doppler_centroid_hz=(dss["doppler_centroid_constant"] or 0.0, dss["doppler_centroid_linear"] or 0.0),
        incidence_polynomial=poly, state_vectors=state_vectors, scene_centre_time_utc=centre_time,
        centre_lat_lon=(dss["centre_latitude"], dss["centre_longitude"]),
        corners=_corners(summary, "Img_ImageScene"), frame_corners=_corners(summary, "Img_FrameScene"),
        clock_angle_deg=clock, range_sampling_rate_hz=fs, images=tuple(images),
        coordinate_polynomials=_polynomials(leader.get("facility5")), map_georeference=map_geo,
        product_folder=files.source, leader_path=led_path, summary=summary_pairs, warnings=warnings)
    return scene


def open_product(path) -> Scene:
    """Open an ALOS-2 CEOS product from its folder, its zip, or any one of its files.

    Reads only metadata (VOL, LED, TRL descriptor, summary.txt, IMG descriptors and the first and
    last line prefix of each image). Raises CeosFormatError for anything malformed or missing, for
    files that do not belong together (:mod:`.consistency`) and for leader values no ALOS-2 product
    can have; values outside ALOS-2's operational envelope give ``Scene.warnings``
    (:mod:`.plausibility`).
    """
    return scene_from_files(locate_product(path))


def product_files(scene: Scene) -> ProductFiles:
    """Locate the files of an opened scene again (used by the image reader)."""
    return locate_product(scene.leader_path.split("!")[0] if "!" in scene.leader_path else scene.leader_path)
