"""JAXA's credit text: one module, English and Japanese, as JAXA's terms word it."""

from palsar2_plugin import attribution


def test_credit_lines_follow_jaxa_wording():
    assert attribution.credit("en") == "Data provided by JAXA"
    assert attribution.credit("ja") == "提供:JAXA"
    assert attribution.credit("ja_JP") == "提供:JAXA"
    assert attribution.credit("tr") == "Data provided by JAXA"


def test_geotiff_tags_name_jaxa_as_distributor_in_both_languages():
    tags = attribution.geotiff_tags()
    assert "JAXA" in tags["TIFFTAG_COPYRIGHT"] and "提供:JAXA" in tags["TIFFTAG_COPYRIGHT"]
    assert "distributor" in tags["JAXA_ATTRIBUTION"]
    assert "宇宙航空研究開発機構" in tags["JAXA_ATTRIBUTION_JA"]
    assert attribution.TERMS_URL in tags["LICENSE"]


def test_product_metadata_carries_terms_link():
    meta = attribution.product_metadata()
    assert meta["terms_url"].startswith("https://gportal.jaxa.jp/")
    assert meta["distributor"] == "Japan Aerospace Exploration Agency (JAXA)"
    assert len(attribution.rights_statements()) == 2
