"""Recognise NRB products (JAXA L2.2, JAXA L2.1, the plugin's own NRB) from a folder, a zip, a
``summary.xml`` or any one file of a product, and check that their rasters can be read.

Entry points: :func:`find_products` (all products at a path), :func:`open_product` (exactly one)
and :func:`validate_product` (rasters readable, polarisations present, one common grid). Raster
paths are GDAL paths; files inside a zip become ``/vsizip/<zip>/<member>``. Nothing here copies
pixel data.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .. import gdal_calls
from ..errors import Palsar2Error
from . import jaxa_l21, jaxa_l22
from .reader_model import (KIND_JAXA_L21, KIND_JAXA_L22, Calibration, NrbProduct,
                           ProductInfo)

#: Folder depth searched below a given folder (products are often unpacked into a sub-folder).
MAX_DEPTH = 2


class ProductNotFoundError(Palsar2Error):
    """No recognisable product at the given path."""


class ProductIncompleteError(Palsar2Error):
    """A product lacks a file that was asked for (e.g. the HV polarisation)."""


class ProductRasterError(Palsar2Error):
    """A raster of a product is corrupted, unreadable or on another grid."""


@dataclass(frozen=True)
class _Entry:
    """One file found at the input: its base name, folder key, GDAL path and a byte reader."""

    name: str
    folder: str
    gdal_path: str
    read: Callable[[], bytes]


# ----------------------------------------------------------------------------------------------
# Listing
# ----------------------------------------------------------------------------------------------

def _list_folder(folder: str) -> List[_Entry]:
    entries = []
    base_depth = folder.rstrip(os.sep).count(os.sep)
    for current, dirs, files in os.walk(folder):
        if current.count(os.sep) - base_depth >= MAX_DEPTH:
            dirs[:] = []
        for name in sorted(files):
            full = os.path.join(current, name)
            if name.lower().endswith(".zip"):
                continue
            entries.append(_Entry(name, current, full, _file_reader(full)))
    return entries


def _file_reader(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with open(path, "rb") as handle:
            return handle.read()
    return read


def _list_zip(path: str) -> List[_Entry]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise ProductNotFoundError(f"{path} is not a readable zip file ({error}). Download it again.") from error
    absolute = os.path.abspath(path)
    entries = []
    for member in names:
        def read(member=member) -> bytes:
            with zipfile.ZipFile(absolute) as archive:
                return archive.read(member)
        entries.append(_Entry(posixpath.basename(member), "zip:" + posixpath.dirname(member),
                              f"/vsizip/{absolute}/{member}", read))
    return entries


# ----------------------------------------------------------------------------------------------
# Recognition
# ----------------------------------------------------------------------------------------------

def _l22_products(entries: Sequence[_Entry]) -> List[NrbProduct]:
    groups: Dict[Tuple[str, str], Dict[str, object]] = {}
    for entry in entries:
        match = jaxa_l22.FILE_RE.match(entry.name)
        if not match:
            continue
        stem = f"{match.group('scene')}_{match.group('pid')}"
        group = groups.setdefault((entry.folder, stem), {"backscatter": {}})
        role = jaxa_l22.suffix_role(match.group("suffix"))
        if role["role"] == "backscatter":
            group["backscatter"][role["pol"]] = entry.gdal_path
        else:
            group[role["role"]] = entry
    products = []
    for (_, stem), group in sorted(groups.items()):
        summary: Optional[_Entry] = group.get("summary")  # type: ignore[assignment]
        if summary is not None:
            info = jaxa_l22.parse_summary_xml(summary.read(), summary.gdal_path)
        elif group["backscatter"]:
            info = jaxa_l22.info_from_name(stem)
        else:
            continue
        if not info.polarisations:
            info = _with_polarisations(info, group["backscatter"])
        lia: Optional[_Entry] = group.get("lia")  # type: ignore[assignment]
        mask: Optional[_Entry] = group.get("mask")  # type: ignore[assignment]
        kml: Optional[_Entry] = group.get("kml")  # type: ignore[assignment]
        products.append(NrbProduct(
            kind=KIND_JAXA_L22, name=stem, info=info, backscatter=dict(group["backscatter"]),
            calibration=Calibration("amplitude_dn", -83.0, 0.0),
            mask=mask.gdal_path if mask else None, local_incidence=lia.gdal_path if lia else None,
            local_incidence_scale=0.01, metadata_file=summary.gdal_path if summary else None,
            footprint_file=kml.gdal_path if kml else None))
    return products


def _l21_products(entries: Sequence[_Entry]) -> List[NrbProduct]:
    groups: Dict[Tuple[str, str], Dict[str, str]] = {}
    first_name: Dict[Tuple[str, str], str] = {}
    summaries = {entry.folder: entry for entry in entries if entry.name.lower() == "summary.txt"
                 or re.match(r"^summary_ALOS2.*\.txt$", entry.name, re.IGNORECASE)}
    for entry in entries:
        match = jaxa_l21.FILE_RE.match(entry.name)
        if not match:
            continue
        key = (entry.folder, f"{match.group('scene')}-{match.group('pid').upper()}")
        groups.setdefault(key, {})[match.group("pol").upper()] = entry.gdal_path
        first_name.setdefault(key, entry.name)
    per_folder: Dict[str, int] = {}
    for folder, _ in groups:
        per_folder[folder] = per_folder.get(folder, 0) + 1
    products = []
    for key, pols in sorted(groups.items()):
        folder, stem = key
        summary = summaries.get(folder) if per_folder[folder] == 1 else None
        text = summary.read().decode("utf-8", "replace") if summary is not None else None
        info = jaxa_l21.info_from_name(first_name[key], text)
        info = _with_polarisations(info, pols)
        products.append(NrbProduct(
            kind=KIND_JAXA_L21, name=stem, info=info, backscatter=pols,
            calibration=Calibration("amplitude_dn", -83.0, 0.0),
            metadata_file=summary.gdal_path if summary else None))
    return products


def _with_polarisations(info: ProductInfo, pols: Iterable[str]) -> ProductInfo:
    from dataclasses import replace
    order = [p for p in ("HH", "HV", "VV", "VH") if p in set(pols)]
    return replace(info, polarisations=tuple(order))


#: Recognisers of product kinds, tried in order. Each maps the input's files to products.
RECOGNISERS: List[Callable[[Sequence[_Entry]], List[NrbProduct]]] = [_l22_products, _l21_products]


def _own_products(entries: Sequence[_Entry]) -> List[NrbProduct]:
    """The plugin's own NRB products (recognised by :mod:`.reader_own`, if present)."""
    try:
        from . import reader_own
    except ImportError:  # the writer side has not landed
        return []
    return reader_own.recognise(entries)


RECOGNISERS.insert(0, _own_products)


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------

def find_products(path: str) -> List[NrbProduct]:
    """All products at ``path``: a folder, a zip, a ``summary.xml`` or any one file of a product.

    When ``path`` is one file, only the product that file belongs to is returned.
    Raises :class:`ProductNotFoundError` (with what was expected) if there is none.
    """
    path = os.fspath(path)
    from . import reader_remote

    if reader_remote.is_remote(path):
        return _recognise_all(reader_remote.remote_entries(path), path)
    if not os.path.exists(path):
        raise ProductNotFoundError(f"{path} does not exist. Give a product folder, its zip, its summary.xml "
                                   "or one of its files.")
    only: Optional[str] = None
    if os.path.isdir(path):
        entries = _list_folder(path)
    elif path.lower().endswith(".zip"):
        entries = _list_zip(path)
    else:
        entries = _list_folder(os.path.dirname(os.path.abspath(path)) or ".")
        entries = [e for e in entries if e.folder == (os.path.dirname(os.path.abspath(path)) or ".")]
        only = os.path.abspath(path)
    products = _recognise_all(entries, path, raise_if_none=False)
    if only is not None:
        stem = os.path.splitext(os.path.basename(only))[0]
        products = [p for p in products if only in _product_files(p) or p.name == stem]
        if not products and os.path.basename(path).lower().endswith(".xml"):
            # a summary.xml renamed or standing alone: parse it to tell "not XML" from "no rasters"
            with open(path, "rb") as handle:
                info = jaxa_l22.parse_summary_xml(handle.read(), path)
            raise ProductNotFoundError(
                f"{path} describes {info.scene_id or 'a product'} but none of its GeoTIFFs are beside it "
                "(expected e.g. <SceneID>_<ProductID>_HH_SLP.tif in the same folder).")
    if not products:
        raise _not_found(path)
    return products


def _recognise_all(entries: Sequence[_Entry], path: str, raise_if_none: bool = True) -> List[NrbProduct]:
    """Run every recogniser over ``entries``; a file belongs to the first product that claims it."""
    products: List[NrbProduct] = []
    claimed = set()
    for recognise in RECOGNISERS:
        for product in recognise([e for e in entries if e.gdal_path not in claimed]):
            products.append(product)
            claimed.update(_product_files(product))
    if raise_if_none and not products:
        raise _not_found(path)
    return products


def _not_found(path: str) -> "ProductNotFoundError":
    return ProductNotFoundError(
        f"No PALSAR-2 NRB product found at {path}. Expected a JAXA L2.2 product "
        "(<SceneID>_<ProductID>_summary.xml with _HH_SLP.tif/_HV_SLP.tif/_MSK.tif/_LIN.tif), "
        "a JAXA L2.1 GeoTIFF (IMG-HH-<SceneID>-<ProductID>.tif) or an NRB product made by this plugin "
        "(or the URL of a product's STAC item or file).")


def open_product(path: str) -> NrbProduct:
    """The single product at ``path``; raises :class:`ProductNotFoundError` if there are several."""
    products = find_products(path)
    if len(products) > 1:
        names = ", ".join(p.name for p in products)
        raise ProductNotFoundError(f"{path} holds {len(products)} products ({names}); give one product's "
                                   "folder or file.")
    return products[0]


def _product_files(product: NrbProduct) -> set:
    files = set(product.raster_paths())
    files.update(p for p in (product.metadata_file, product.footprint_file) if p)
    return {os.path.abspath(f) if not f.startswith("/vsi") else f for f in files}


def select_polarisations(product: NrbProduct, wanted: Optional[Sequence[str]]) -> Tuple[str, ...]:
    """The polarisations to load: ``wanted`` (all must exist) or, if empty, all the product has."""
    if not product.backscatter:
        raise ProductIncompleteError(
            f"Product {product.name} has no backscatter GeoTIFF (e.g. {product.name}_HH_SLP.tif) beside its "
            "metadata. Download the complete product.")
    if not wanted:
        return product.polarisations
    wanted = tuple(dict.fromkeys(p.upper() for p in wanted))
    missing = [p for p in wanted if p not in product.backscatter]
    if missing:
        have = " ".join(product.polarisations) or "none"
        raise ProductIncompleteError(
            f"Product {product.name} has no {' '.join(missing)} backscatter file (it holds {have}). "
            f"Choose polarisations among: {have}, or download the complete product.")
    return wanted


@dataclass(frozen=True)
class RasterGrid:
    """Pixel grid of a raster: size in pixels, GDAL geotransform (pixel corners), CRS as WKT."""

    width: int
    height: int
    geotransform: Tuple[float, float, float, float, float, float]
    crs_wkt: str
    dtype: str

    def same_grid(self, other: "RasterGrid", tolerance: float = 1e-6) -> bool:
        return (self.width, self.height) == (other.width, other.height) and all(
            abs(a - b) <= tolerance * max(1.0, abs(a)) for a, b in zip(self.geotransform, other.geotransform))


#: GDAL data type names -> the numpy-style names RasterGrid.dtype uses.
_GDAL_DTYPES = {"Byte": "uint8", "Int8": "int8", "UInt16": "uint16", "Int16": "int16", "UInt32": "uint32",
                "Int32": "int32", "UInt64": "uint64", "Int64": "int64", "Float32": "float32", "Float64": "float64"}


def open_raster(path: str):
    """A GDAL dataset of ``path`` (read-only), whatever GDAL's exception mode; raises ProductRasterError."""
    from osgeo import gdal

    dataset, message = gdal_calls.call(gdal.Open, path)
    if dataset is None:
        raise ProductRasterError(
            f"{path} cannot be read as a GeoTIFF ({message or 'GDAL cannot open it'}). The file is corrupted or "
            "incompletely downloaded: download the product again.")
    return dataset


def read_grid(path: str) -> RasterGrid:
    """Grid of a GDAL-readable raster; checks that its first and last blocks can be decoded.

    Raises :class:`ProductRasterError` naming the file if it cannot be opened or read. Reads through
    GDAL's own Python bindings (every QGIS has them), so loading products needs no rasterio.
    """
    from osgeo import gdal

    dataset = open_raster(path)
    if not dataset.GetProjection():
        raise ProductRasterError(f"{path} has no coordinate reference system; it is not a product GeoTIFF.")
    band = dataset.GetRasterBand(1)
    width, height = dataset.RasterXSize, dataset.RasterYSize
    block_w, block_h = band.GetBlockSize()
    last_col = ((width - 1) // block_w) * block_w
    last_row = ((height - 1) // block_h) * block_h
    for col, row in ((0, 0), (last_col, last_row)):
        data, message = gdal_calls.call(band.ReadRaster, col, row, min(block_w, width - col),
                                        min(block_h, height - row))
        if data is None:
            raise ProductRasterError(
                f"{path} cannot be read as a GeoTIFF ({message}). The file is corrupted or incompletely "
                "downloaded: download the product again.")
    type_name = gdal.GetDataTypeName(band.DataType)
    return RasterGrid(width, height, tuple(dataset.GetGeoTransform()), dataset.GetProjection(),
                      _GDAL_DTYPES.get(type_name, type_name.lower()))


def validate_product(product: NrbProduct, polarisations: Optional[Sequence[str]] = None,
                     with_mask: bool = False, with_lia: bool = False) -> Dict[str, RasterGrid]:
    """Check a product before anything is built from it; returns {raster path: grid}.

    Every selected backscatter raster (and mask / LIA if asked) must open, decode and share one
    grid; amplitude-DN rasters must be integers. Raises a :class:`Palsar2Error` subclass.
    """
    pols = select_polarisations(product, polarisations)
    paths = [product.backscatter[p] for p in pols]
    if with_mask and product.mask:
        paths.append(product.mask)
    if with_lia and product.local_incidence:
        paths.append(product.local_incidence)
    grids = {path: read_grid(path) for path in paths}
    reference_path = paths[0]
    reference = grids[reference_path]
    for path, grid in grids.items():
        if not grid.same_grid(reference):
            raise ProductRasterError(
                f"{path} is not on the same pixel grid as {reference_path} ({grid.width}x{grid.height} px, origin "
                f"{grid.geotransform[0]}, {grid.geotransform[3]} vs {reference.width}x{reference.height} px, origin "
                f"{reference.geotransform[0]}, {reference.geotransform[3]}); the product is inconsistent.")
    if product.calibration.encoding == "amplitude_dn":
        for pol in pols:
            dtype = grids[product.backscatter[pol]].dtype
            if not dtype.startswith(("uint", "int")):
                raise ProductRasterError(
                    f"{product.backscatter[pol]} holds {dtype} values, but a JAXA product stores 16-bit DN; "
                    "this file was modified after download.")
    return grids
