"""Plan and build the layers of NRB products: validated first, then VRTs written, nothing half-way.

:func:`build_product_layers` is what ``palsar2:loadnrb`` and the event dock call: it finds the
products at a path, checks every raster it will use, and only then writes the VRTs. The result
lists, per product, :class:`LayerSpec` entries (source path, role, display name) for the GUI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple, Union

from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from . import vrt
from .reader import ProductIncompleteError, find_products, select_polarisations, validate_product
from .reader_model import NrbProduct

STYLE_GREY = "grey"
STYLE_RGB = "rgb"
STYLES = (STYLE_GREY, STYLE_RGB)

ROLE_BACKSCATTER = "backscatter"
ROLE_RGB = "rgb"
ROLE_MASK = "mask"
ROLE_LIA = "lia"

_SYMBOL = {"gamma0": "γ⁰", "sigma0": "σ⁰"}


@dataclass(frozen=True)
class LayerSpec:
    """One layer to add: GDAL source, role (backscatter/rgb/mask/lia), display name, details."""

    source: str
    role: str
    name: str
    polarisation: str = ""     # "HH", ... ; "HH,HV" for RGB
    scale: str = ""            # "dB" or "linear" for backscatter/RGB


@dataclass(frozen=True)
class ProductLayers:
    """A product and the layers built for it, in drawing order (top first)."""

    product: NrbProduct
    layers: Tuple[LayerSpec, ...]

    @property
    def group_name(self) -> str:
        return self.product.info.short_name


def layer_name(product: NrbProduct, what: str) -> str:
    """``2022-06-30 P137 F500 HH γ⁰ [dB]``-style name: date, path/frame, then ``what``."""
    info = product.info
    parts = [info.observation_date]
    if info.path_number is not None:
        parts.append(f"P{info.path_number}")
    if info.frame_number is not None:
        parts.append(f"F{info.frame_number}")
    return " ".join([p for p in parts if p] + [what])


def _cross_pair(product: NrbProduct, pols: Sequence[str]) -> Tuple[str, str]:
    for co, cross in (("HH", "HV"), ("VV", "VH")):
        if co in pols and cross in pols:
            return co, cross
    have = " ".join(product.polarisations) or "none"
    raise ProductIncompleteError(
        f"The RGB style needs a co- and a cross-polarisation (HH and HV), but {product.name} gives "
        f"{' '.join(pols) or 'none'} (it holds {have}). Choose the grey style or a dual-polarisation product.")


def build_product_layers(path: str, folder: Union[str, Callable[[NrbProduct], str]],
                         polarisations: Optional[Sequence[str]] = None,
                         scale: str = vrt.SCALE_DB, style: str = STYLE_GREY, with_mask: bool = True,
                         with_lia: bool = True, progress: Optional[ProgressCallback] = None,
                         is_cancelled: Optional[CancelCheck] = None) -> List[ProductLayers]:
    """Find the products at ``path``, validate them all, then write their VRTs into ``folder``
    (a folder, or a function giving each product's folder).

    ``polarisations`` empty/None means all of each product's polarisations. ``style`` is
    ``grey`` (one layer per polarisation) or ``rgb`` (one 3-band composite HH, HV, HH/HV).
    Mask and LIA layers are added when asked and present. Raises a Palsar2Error subclass before
    writing anything if a product is incomplete or a raster unreadable.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {', '.join(STYLES)}")
    products = find_products(path)
    plans = []
    for product in products:
        pols = select_polarisations(product, polarisations)
        if style == STYLE_RGB:
            _cross_pair(product, pols)
        grids = validate_product(product, pols, with_mask, with_lia)
        plans.append((product, pols, grids))
        check_cancelled(is_cancelled)
    results = []
    for index, (product, pols, grids) in enumerate(plans):
        check_cancelled(is_cancelled)
        target = folder(product) if callable(folder) else folder
        os.makedirs(target, exist_ok=True)
        report(progress, index / len(plans), f"Building layers of {product.name}")
        grid = grids[product.backscatter[pols[0]]]
        symbol = _SYMBOL.get(product.info.measurement, product.info.measurement)
        layers: List[LayerSpec] = []
        if with_mask and product.mask:
            layers.append(LayerSpec(vrt.mask_vrt(product, target, grid), ROLE_MASK,
                                    layer_name(product, "data mask")))
        if with_lia and product.local_incidence:
            layers.append(LayerSpec(vrt.lia_vrt(product, target, grid), ROLE_LIA,
                                    layer_name(product, "local incidence angle [°]")))
        if style == STYLE_RGB:
            co, cross = _cross_pair(product, pols)
            layers.append(LayerSpec(vrt.rgb_vrt(product, scale, target, (co, cross), grid), ROLE_RGB,
                                    layer_name(product, f"{co}/{cross}/{co}÷{cross} {symbol} [{scale}]"),
                                    f"{co},{cross}", scale))
        else:
            for pol in reversed(pols):
                layers.append(LayerSpec(vrt.backscatter_vrt(product, pol, scale, target, grid), ROLE_BACKSCATTER,
                                        layer_name(product, f"{pol} {symbol} [{scale}]"), pol, scale))
        results.append(ProductLayers(product, tuple(reversed(layers))))
    report(progress, 1.0, "Layers built")
    return results
