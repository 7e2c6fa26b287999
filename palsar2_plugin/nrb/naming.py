"""Names of our NRB products and their files.

Modelled on JAXA's L2.2 names (``<SceneID>_<ProductID>_<suffix>``, e.g.
``ALOS2437590500-220630_WWDR2.2GUA_HH_SLP.tif``), with our own product-id tail ``NRB`` so a
product made by this plugin is never mistaken for a JAXA one:

    <SceneID>_<Mode><R|L>NRB<A|D>            e.g. ALOS2471852900-230217_WBSRNRBD

and, inside that folder, ``<name>_<suffix>`` files (see :data:`LAYER_SUFFIXES`).
"""

from __future__ import annotations

import re

from ..errors import Palsar2Error

#: layer key -> (file suffix, description). gamma0 files are ``<name>_<POL>.tif``.
LAYER_SUFFIXES = {
    "mask": ("MSK", "Data mask (JAXA L2.2 values: 0 no data, 1 valid, 2 layover, 3 shadow, 5 invalid)"),
    "local_incidence": ("LIA", "Local incidence angle (degrees)"),
    "ellipsoid_incidence": ("EIA", "Ellipsoid incidence angle (degrees)"),
    "scattering_area": ("AREA", "Scattering area: illuminated area A_gamma of the radar cell (m^2)"),
    "gamma_to_sigma": ("GTS", "Gamma-to-sigma ratio: sigma0_T = gamma0_T x ratio"),
    "number_of_looks": ("NLK", "Number of looks"),
    "dem": ("DEM", "DEM used, WGS84 ellipsoidal height (m)"),
}

_SCENE_ID = re.compile(r"^ALOS2\d{9}-\d{6}$")


def product_name(scene_id: str, mode: str, look_side: str, pass_direction: str) -> str:
    """``<SceneID>_<Mode><R|L>NRB<A|D>``; raises :class:`Palsar2Error` on an impossible scene id."""
    scene_id = str(scene_id).strip()
    if not scene_id or "/" in scene_id or "\\" in scene_id:
        raise Palsar2Error(f"Cannot name a product after the scene id {scene_id!r}.")
    side = "L" if str(look_side).lower().startswith("l") else "R"
    direction = "A" if str(pass_direction).lower().startswith("a") else "D"
    return f"{scene_id}_{str(mode).upper()}{side}NRB{direction}"


def is_jaxa_scene_id(scene_id: str) -> bool:
    return bool(_SCENE_ID.match(scene_id or ""))


def gamma0_file(name: str, polarisation: str) -> str:
    return f"{name}_{polarisation.upper()}.tif"


def layer_file(name: str, key: str) -> str:
    return f"{name}_{LAYER_SUFFIXES[key][0]}.tif"


def metadata_file(name: str) -> str:
    return f"{name}_summary.xml"


def stac_file(name: str) -> str:
    return f"{name}.json"


def quicklook_file(name: str) -> str:
    return f"{name}_QL.png"
