"""Turn a BEFORE/AFTER input (a product path, a layer made by ``loadnrb``, or any raster) into a
raster of linear backscatter power, masked so that only valid pixels remain.

* A product (folder, zip, summary.xml, any product file) or a ``loadnrb`` VRT (it names its
  product in the ``PALSAR2_PRODUCT_FILE`` metadata item): a linear-power VRT of the chosen
  polarisation is written, with every data-mask class but Valid set to NaN.
* Any other raster: band 1, read as dB if its unit is ``dB`` (else as linear power); its
  NoData and NaN are no data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

from ..errors import Palsar2Error
from ..nrb import vrt
from ..nrb.reader import ProductNotFoundError, find_products, select_polarisations, validate_product
from ..nrb.reader_model import NrbProduct

SCALE_LINEAR = "linear"
SCALE_DB = "dB"


class ChangeInputError(Palsar2Error):
    """A BEFORE/AFTER input cannot be used for change detection."""


@dataclass(frozen=True)
class PowerSource:
    """A raster to read for change detection: band 1 in ``scale`` (linear power or dB)."""

    path: str
    scale: str
    label: str
    polarisation: str = ""
    product: Optional[NrbProduct] = None


def _raster_tags(path: str):
    import rasterio

    try:
        with rasterio.open(path) as dataset:
            return dataset.tags(), dataset.tags(1), dataset.units[0] or "", dataset.count
    except Exception:  # noqa: BLE001 - not a raster: maybe a product folder
        return None


def resolve_input(source: str, polarisation: Optional[str], workdir: str, label: str = "input") -> PowerSource:
    """The :class:`PowerSource` for ``source``; VRTs it needs are written into ``workdir``.

    ``polarisation`` selects the product band (default: the layer's own, else HH, else the first).
    Raises :class:`ChangeInputError` / reader errors with a message naming ``label``.
    """
    source = os.fspath(source)
    tags = _raster_tags(source) if os.path.isfile(source) or source.startswith("/vsi") else None
    product_path = None
    layer_pol = ""
    if tags is not None:
        dataset_tags, band_tags, unit, count = tags
        product_path = dataset_tags.get("PALSAR2_PRODUCT_FILE")
        layer_pol = band_tags.get("PALSAR2_POLARISATION", "") if count == 1 else ""
        if "/" in layer_pol:
            layer_pol = ""
    products = None
    if product_path or tags is None or _looks_like_product_file(source):
        try:
            products = find_products(product_path or source)
        except ProductNotFoundError:
            if tags is None:
                raise ChangeInputError(
                    f"The {label} ({source}) is neither a readable raster nor a PALSAR-2 NRB product. "
                    "Give a product folder, zip or file, or a backscatter layer.") from None
            products = None
    if products:
        if len(products) > 1:
            names = ", ".join(p.name for p in products)
            raise ChangeInputError(f"The {label} ({source}) holds {len(products)} products ({names}); give one.")
        product = products[0]
        pol = (polarisation or layer_pol or ("HH" if "HH" in product.backscatter else product.polarisations[0]))
        select_polarisations(product, [pol])
        grids = validate_product(product, [pol], with_mask=True)
        path = vrt.backscatter_vrt(product, pol, vrt.SCALE_LINEAR, workdir, grids[product.backscatter[pol]],
                                   valid_only=True)
        return PowerSource(path, SCALE_LINEAR, f"{label} {product.name} {pol}", pol, product)
    dataset_tags, band_tags, unit, _ = tags
    scale = SCALE_DB if (unit.strip().lower() == "db" or band_tags.get("PALSAR2_SCALE") == "dB") else SCALE_LINEAR
    return PowerSource(source, scale, f"{label} {os.path.basename(source)}", layer_pol)


def _looks_like_product_file(path: str) -> bool:
    from ..nrb import jaxa_l21, jaxa_l22

    name = os.path.basename(path)
    return bool(jaxa_l22.FILE_RE.match(name) or jaxa_l21.FILE_RE.match(name)) or name.lower().endswith(".zip")
