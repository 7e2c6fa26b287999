"""GDAL VRTs that turn a product's stored values into calibrated backscatter, without copying pixels.

Every VRT references the original (COG) files by absolute path and computes on the fly with
GDAL's built-in pixel functions (no Python pixel functions):

* ``<name>_<POL>_masked.vrt``: Float32 calibrated *amplitude* (JAXA DN · 10^(offset/20)) or power,
  NaN where DN is 0 or the data mask is 0 (pixel function ``mul`` with the mask mapped to 1).
* ``<name>_<POL>_<gamma0|sigma0>_dB.vrt``: 20·log10(amplitude) (``dB`` with fact 20), or 10·log10(power).
* ``<name>_<POL>_<gamma0|sigma0>_linear.vrt``: linear power (``intensity`` = amplitude²).
* ``<name>_RGB_dB.vrt`` / ``_RGB_linear.vrt``: bands HH, HV, HH/HV (dB difference or power ratio).
* ``<name>_MSK.vrt``: the data mask with NoData 0, a colour table and class names.
* ``<name>_LIA.vrt``: local incidence angle in degrees (0.01·DN), NaN where the mask is 0.

No data is NaN in every Float32 VRT. The grid (size, geotransform, CRS) is copied from the
GeoTIFF, never from the product XML. Pixel values are read at pixel centres as GDAL does.
"""

from __future__ import annotations

import os
from typing import Callable, Dict, List, Optional, Sequence, Tuple
from xml.sax.saxutils import escape

from .. import attribution
from .reader import RasterGrid, open_raster, read_grid
from .reader_model import MASK_CLASSES, NrbProduct

#: Scale names accepted by the builders.
SCALE_DB = "dB"
SCALE_LINEAR = "linear"

#: Colours (R, G, B) of the mask classes; 0 (no data) is transparent.
MASK_COLOURS: Dict[int, tuple] = {
    0: (0, 0, 0),
    1: (77, 175, 74),     # valid: green
    2: (228, 26, 28),     # layover: red
    3: (55, 55, 55),      # shadow: dark grey
    4: (55, 126, 184),    # ocean water: blue
    5: (255, 127, 0),     # invalid data: orange
}


def _geo_header(grid: RasterGrid) -> str:
    gt = ", ".join(repr(float(v)) for v in grid.geotransform)
    return (f'<VRTDataset rasterXSize="{grid.width}" rasterYSize="{grid.height}">\n'
            f"  <SRS>{escape(grid.crs_wkt)}</SRS>\n  <GeoTransform>{gt}</GeoTransform>\n")


def _metadata(items: Dict[str, str], indent: str = "  ") -> str:
    body = "".join(f'{indent}  <MDI key="{escape(k)}">{escape(str(v))}</MDI>\n' for k, v in items.items())
    return f"{indent}<Metadata>\n{body}{indent}</Metadata>\n"


def _dataset_metadata(product: NrbProduct, extra: Dict[str, str]) -> str:
    items = dict(attribution.geotiff_tags())
    items.update({"PALSAR2_PRODUCT": product.name, "PALSAR2_PRODUCT_KIND": product.kind,
                  "PALSAR2_LEVEL": product.info.level, "PALSAR2_PRODUCT_FILE": product_file(product)})
    items.update(extra)
    return _metadata(items)


def _source(path: str, band: int = 1, scale: Optional[float] = None, nodata: Optional[float] = None,
            lut: Optional[str] = None, level: Optional[int] = None) -> str:
    """A ComplexSource; ``level`` (0-based) reads the source's overview of that level instead."""
    parts = [f'    <ComplexSource>\n      <SourceFilename relativeToVRT="0">{escape(path)}</SourceFilename>\n'
             f"      <SourceBand>{band}</SourceBand>\n"]
    if level is not None:
        parts.append(f'      <OpenOptions><OOI key="OVERVIEW_LEVEL">{level}</OOI></OpenOptions>\n')
    if scale is not None:
        parts.append(f"      <ScaleOffset>0</ScaleOffset>\n      <ScaleRatio>{scale!r}</ScaleRatio>\n")
    if lut is not None:
        parts.append(f"      <LUT>{lut}</LUT>\n")
    if nodata is not None:
        parts.append(f"      <NODATA>{nodata!r}</NODATA>\n")
    parts.append("    </ComplexSource>\n")
    return "".join(parts)


def _mask_source(product: NrbProduct, level: Optional[int] = None, valid_only: bool = False) -> str:
    """The data mask as a factor: 1 where kept, NaN where masked (mask 0; or every class but Valid)."""
    if not product.mask:
        return ""
    lut = "0:nan,1:1,2:nan,255:nan" if valid_only else "0:nan,1:1,255:1"
    return _source(product.mask, lut=lut, level=level)


#: Pixel functions of several sources. GDAL 3.10 and later skip a source that is NoData in them
#: (a NaN mask value would then no longer mask) unless told to propagate it; older GDAL ignores the
#: argument and always propagates NaN.
_MULTI_SOURCE_FUNCTIONS = ("mul", "sum", "diff", "div")


def _derived_band(function: Optional[str], sources: str, unit: str, description: str,
                  metadata: Dict[str, str], arguments: str = "", band: int = 1) -> str:
    """A Float32 band (NaN no data) computing ``function`` over ``sources``; a plain band if None.
    A NaN in any source of a several-source function gives NaN (``propagateNoData``)."""
    if function in _MULTI_SOURCE_FUNCTIONS:
        arguments = (arguments + ' propagateNoData="true"').strip()
    if function is None:
        head = f'  <VRTRasterBand dataType="Float32" band="{band}">\n'
        tail = ""
    else:
        head = f'  <VRTRasterBand dataType="Float32" band="{band}" subClass="VRTDerivedRasterBand">\n'
        tail = (f"    <PixelFunctionType>{function}</PixelFunctionType>\n"
                + (f"    <PixelFunctionArguments {arguments}/>\n" if arguments else "")
                + "    <SourceTransferType>Float64</SourceTransferType>\n")
    return (head + f"    <Description>{escape(description)}</Description>\n"
            f"    <NoDataValue>nan</NoDataValue>\n    <UnitType>{escape(unit)}</UnitType>\n"
            + _metadata(metadata, "    ") + tail + sources + "  </VRTRasterBand>\n")


def _write(path: str, text: str) -> str:
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return path


OVERVIEW_FOLDER = "overviews"


def overview_sizes(paths: Sequence[str]) -> List[Tuple[int, int]]:
    """(width, height) of the overview levels that all ``paths`` have in common (same sizes, in order)."""
    common: Optional[List[Tuple[int, int]]] = None
    for path in paths:
        dataset = open_raster(path)        # kept alive while its band is used (GDAL < 3.8 bindings)
        band = dataset.GetRasterBand(1)
        sizes = [(band.GetOverview(level).XSize, band.GetOverview(level).YSize)
                 for level in range(band.GetOverviewCount())]
        del band, dataset
        if common is None:
            common = sizes
        else:
            prefix = []
            for a, b in zip(common, sizes):
                if a != b:
                    break
                prefix.append(a)
            common = prefix
    return common or []


def _write_pyramid(path: str, grid: RasterGrid, levels: Sequence[Tuple[int, int]], dataset_metadata: str,
                   bands: Callable[[Optional[int]], List[str]]) -> str:
    """Write ``path`` and one VRT per overview level (in ``overviews/``) that reads the sources' overviews.

    ``bands(level)`` returns the band XML reading sources at overview ``level`` (None: full resolution).
    GDAL does not derive overviews for pixel-function VRTs by itself; without them QGIS would read a
    whole scene at full resolution to draw it zoomed out.
    """
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.splitext(os.path.basename(path))[0]
    names = []
    for level, (width, height) in enumerate(levels):
        gt = list(grid.geotransform)
        gt[1] *= grid.width / width
        gt[2] *= grid.height / height
        gt[4] *= grid.width / width
        gt[5] *= grid.height / height
        level_grid = RasterGrid(width, height, tuple(gt), grid.crs_wkt, grid.dtype)
        name = f"{OVERVIEW_FOLDER}/{base}.{level + 1}.vrt"
        _write(os.path.join(folder, name), _geo_header(level_grid) + "".join(bands(level)) + "</VRTDataset>\n")
        names.append(name)
    main = []
    for number, band in enumerate(bands(None), start=1):
        overviews = "".join(f'    <Overview>\n      <SourceFilename relativeToVRT="1">{escape(name)}</SourceFilename>\n'
                            f"      <SourceBand>{number}</SourceBand>\n    </Overview>\n" for name in names)
        head, tail = band.rsplit("  </VRTRasterBand>", 1)
        main.append(head + overviews + "  </VRTRasterBand>" + tail)
    return _write(path, _geo_header(grid) + dataset_metadata + "".join(main) + "</VRTDataset>\n")


def quantity_name(product: NrbProduct) -> str:
    """``gamma0`` or ``sigma0`` (what the product's backscatter measures)."""
    return product.info.measurement


def product_file(product: NrbProduct) -> str:
    """A file of ``product`` from which :func:`..reader.find_products` finds it again (a zip for /vsizip/)."""
    path = product.metadata_file or product.raster_paths()[0]
    if path.startswith("/vsicurl"):
        from .reader_remote import plain_url

        return plain_url(path)
    if path.startswith("/vsizip/"):
        inner = path[len("/vsizip/"):]
        cut = inner.lower().find(".zip/")
        return inner[:cut + 4] if cut >= 0 else inner
    return path


def masked_vrt(product: NrbProduct, pol: str, folder: str, grid: Optional[RasterGrid] = None,
               valid_only: bool = False) -> str:
    """Write ``<name>_<POL>_masked.vrt``: calibrated linear amplitude (DN products) or power; NaN = no data.

    No data: DN 0 and mask 0; with ``valid_only`` also every mask class but Valid (layover, shadow,
    ocean, invalid), written as ``<name>_<POL>_valid.vrt``.
    """
    source = product.backscatter[pol]
    grid = grid or read_grid(source)
    cal = product.calibration
    what = {"amplitude_dn": "amplitude", "power": "power", "db": "dB"}[cal.encoding]
    unit = "dB" if cal.encoding == "db" else ""

    def bands(level: Optional[int]) -> List[str]:
        if cal.encoding == "amplitude_dn":
            value = _source(source, scale=cal.amplitude_scale(), nodata=cal.nodata, level=level)
        else:
            value = _source(source, nodata=cal.nodata, level=level)
        return [_derived_band("mul" if product.mask else None, value + _mask_source(product, level, valid_only),
                              unit, f"{quantity_name(product)} {pol} {what}" + (" (masked)" if product.mask else ""),
                              {"PALSAR2_POLARISATION": pol, "PALSAR2_VALUE": what})]

    levels = overview_sizes([source] + ([product.mask] if product.mask else []))
    suffix = "valid" if valid_only else "masked"
    return _write_pyramid(os.path.join(folder, f"{product.name}_{pol}_{suffix}.vrt"), grid, levels,
                          _dataset_metadata(product, {}), bands)


def backscatter_vrt(product: NrbProduct, pol: str, scale: str, folder: str,
                    grid: Optional[RasterGrid] = None, valid_only: bool = False) -> str:
    """Write the γ⁰/σ⁰ VRT of one polarisation in ``scale`` (``"dB"`` or ``"linear"`` power); returns its path.

    Metadata items ``PALSAR2_QUANTITY`` (gamma0/sigma0), ``PALSAR2_SCALE`` (dB/linear) and
    ``PALSAR2_POLARISATION`` let other tools (change detection) read the values back correctly.
    ``valid_only`` also masks layover, shadow, ocean and invalid pixels (file name ``..._valid.vrt``).
    """
    scale = _check_scale(scale)
    source = product.backscatter[pol]
    grid = grid or read_grid(source)
    masked = masked_vrt(product, pol, folder, grid, valid_only)
    encoding = product.calibration.encoding
    quantity = quantity_name(product)
    if scale == SCALE_DB:
        function, arguments = {"amplitude_dn": ("dB", 'fact="20"'), "power": ("dB", 'fact="10"'),
                               "db": (None, "")}[encoding]
        unit = "dB"
    else:
        function, arguments = {"amplitude_dn": ("intensity", ""), "power": (None, ""),
                               "db": ("dB2pow", "")}[encoding]
        unit = ""
    info = {"PALSAR2_QUANTITY": quantity, "PALSAR2_SCALE": scale, "PALSAR2_POLARISATION": pol}

    def bands(level: Optional[int]) -> List[str]:
        return [_derived_band(function, _source(masked, level=level), unit, f"{quantity} {pol} [{scale}]", info,
                              arguments)]

    name = f"{product.name}_{pol}_{quantity}_{scale}" + ("_valid" if valid_only else "")
    return _write_pyramid(os.path.join(folder, name + ".vrt"), grid,
                          overview_sizes([masked]), _dataset_metadata(product, info), bands)


def rgb_vrt(product: NrbProduct, scale: str, folder: str, pols: Sequence[str] = ("HH", "HV"),
            grid: Optional[RasterGrid] = None) -> str:
    """Write a 3-band false-colour VRT: co-pol, cross-pol, and their ratio (dB difference or power ratio)."""
    scale = _check_scale(scale)
    co, cross = pols
    grid = grid or read_grid(product.backscatter[co])
    co_path = backscatter_vrt(product, co, scale, folder, grid)
    cross_path = backscatter_vrt(product, cross, scale, folder, grid)
    quantity = quantity_name(product)
    unit = "dB" if scale == SCALE_DB else ""
    ratio_function = "diff" if scale == SCALE_DB else "div"

    def bands(level: Optional[int]) -> List[str]:
        out = [_derived_band(None, _source(path, level=level), unit, f"{quantity} {pol} [{scale}]",
                             {"PALSAR2_POLARISATION": pol}, band=number)
               for number, (pol, path) in enumerate(((co, co_path), (cross, cross_path)), start=1)]
        out.append(_derived_band(ratio_function, _source(co_path, level=level) + _source(cross_path, level=level),
                                 unit, f"{co}/{cross} ratio [{scale}]", {"PALSAR2_POLARISATION": f"{co}/{cross}"},
                                 band=3))
        return out

    info = {"PALSAR2_QUANTITY": quantity, "PALSAR2_SCALE": scale, "PALSAR2_COMPOSITE": f"{co},{cross},{co}/{cross}"}
    return _write_pyramid(os.path.join(folder, f"{product.name}_RGB_{scale}.vrt"), grid,
                          overview_sizes([co_path, cross_path]), _dataset_metadata(product, info), bands)


def mask_vrt(product: NrbProduct, folder: str, grid: Optional[RasterGrid] = None) -> str:
    """Write ``<name>_MSK.vrt``: the Byte mask with NoData 0, a colour table and category names."""
    if not product.mask:
        raise ValueError(f"{product.name} has no data mask")
    grid = grid or read_grid(product.mask)
    top = max(MASK_CLASSES)
    colours = "".join(
        f'      <Entry c1="{r}" c2="{g}" c3="{b}" c4="{0 if value == 0 else 255}"/>\n'
        for value, (r, g, b) in ((v, MASK_COLOURS.get(v, (0, 0, 0))) for v in range(top + 1)))
    names = "".join(f"      <Category>{escape(MASK_CLASSES.get(v, ''))}</Category>\n" for v in range(top + 1))
    band = ('  <VRTRasterBand dataType="Byte" band="1">\n    <Description>data mask</Description>\n'
            "    <NoDataValue>0</NoDataValue>\n    <ColorInterp>Palette</ColorInterp>\n"
            f"    <CategoryNames>\n{names}    </CategoryNames>\n"
            f"    <ColorTable>\n{colours}    </ColorTable>\n"
            f'    <SimpleSource>\n      <SourceFilename relativeToVRT="0">{escape(product.mask)}</SourceFilename>\n'
            "      <SourceBand>1</SourceBand>\n    </SimpleSource>\n  </VRTRasterBand>\n")
    text = _geo_header(grid) + _dataset_metadata(product, {"PALSAR2_LAYER": "mask"}) + band + "</VRTDataset>\n"
    return _write(os.path.join(folder, f"{product.name}_MSK.vrt"), text)


def lia_vrt(product: NrbProduct, folder: str, grid: Optional[RasterGrid] = None) -> str:
    """Write ``<name>_LIA.vrt``: local incidence angle in degrees; NaN where stored 0 or mask 0."""
    if not product.local_incidence:
        raise ValueError(f"{product.name} has no local incidence angle layer")
    grid = grid or read_grid(product.local_incidence)

    def bands(level: Optional[int]) -> List[str]:
        value = _source(product.local_incidence, scale=product.local_incidence_scale, nodata=0, level=level)
        return [_derived_band("mul" if product.mask else None, value + _mask_source(product, level), "deg",
                              "local incidence angle [deg]", {"PALSAR2_LAYER": "local_incidence_angle"})]

    levels = overview_sizes([product.local_incidence] + ([product.mask] if product.mask else []))
    return _write_pyramid(os.path.join(folder, f"{product.name}_LIA.vrt"), grid, levels,
                          _dataset_metadata(product, {"PALSAR2_LAYER": "local_incidence_angle"}), bands)


def _check_scale(scale: str) -> str:
    for known in (SCALE_DB, SCALE_LINEAR):
        if scale.lower() == known.lower():
            return known
    raise ValueError(f"unknown scale {scale!r}: use 'dB' or 'linear'")
