"""JAXA attribution: the one place that owns the credit text and how it is attached to files.

JAXA's terms (G-Portal terms of use, section 7, and the ALOS-2 product page) require that JAXA
is shown as the distributor of the data and of anything derived from it. This module holds
that text in English and Japanese and produces the metadata items written into every file
the plugin makes. Applying it to QGIS layers is done by ``palsar2_plugin.gui.layer_metadata``
with the texts defined here.
"""

from __future__ import annotations

from typing import Dict

#: Short credit line, as JAXA's examples give it.
CREDIT_EN = "Data provided by JAXA"
CREDIT_JA = "提供:JAXA"

#: Long credit for derived products (JAXA's example wording, with its English translation).
DERIVED_EN = ("The data used in this product were provided as free open data by the "
              "Japan Aerospace Exploration Agency (JAXA). JAXA is the distributor of the original data.")
DERIVED_JA = "本製品に使用したデータは、無償公開データ(宇宙航空研究開発機構)より提供を受けました。"

DISTRIBUTOR_EN = "Japan Aerospace Exploration Agency (JAXA)"
DISTRIBUTOR_JA = "国立研究開発法人宇宙航空研究開発機構"

#: G-Portal terms of use ("7. Conditions of use of G-Portal data").
TERMS_URL = "https://gportal.jaxa.jp/gpr/index/eula?lang=en"
TERMS_URL_JA = "https://gportal.jaxa.jp/gpr/index/eula?lang=jp"
LICENCE_EN = ("JAXA G-Portal terms of use, section 7 (conditions of use of G-Portal data); "
              "disaster-event data of Taiwan 2024 and Noto 2024: non-commercial use only. " + TERMS_URL)
COPYRIGHT = "© JAXA"
CONTACT_EMAIL = "aproject@jaxa.jp"


def credit(language: str = "en") -> str:
    """The short credit line in ``language`` ("en" or "ja"; anything else gives English)."""
    return CREDIT_JA if language.lower().startswith("ja") else CREDIT_EN


def rights_statements() -> list:
    """The rights statements for layer metadata, English first then Japanese."""
    return [f"{CREDIT_EN}. {DERIVED_EN}", f"{CREDIT_JA}。{DERIVED_JA}"]


def geotiff_tags() -> Dict[str, str]:
    """Dataset-level metadata items for every GeoTIFF the plugin writes.

    ``TIFFTAG_COPYRIGHT`` is the standard TIFF copyright tag; the other keys are GDAL
    metadata items in the default domain.
    """
    return {
        "TIFFTAG_COPYRIGHT": f"{COPYRIGHT}. {CREDIT_EN} / {CREDIT_JA}",
        "JAXA_ATTRIBUTION": f"{CREDIT_EN}. {DERIVED_EN}",
        "JAXA_ATTRIBUTION_JA": f"{CREDIT_JA}。{DERIVED_JA}",
        "LICENSE": LICENCE_EN,
    }


def product_metadata() -> Dict[str, str]:
    """Attribution fields for JSON/XML product metadata written by the plugin."""
    return {
        "credit": CREDIT_EN,
        "credit_ja": CREDIT_JA,
        "distributor": DISTRIBUTOR_EN,
        "distributor_ja": DISTRIBUTOR_JA,
        "statement": DERIVED_EN,
        "statement_ja": DERIVED_JA,
        "terms_url": TERMS_URL,
        "copyright": COPYRIGHT,
    }
