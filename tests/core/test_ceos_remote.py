"""Reading CEOS products straight from HTTP(S)/S3 URLs with ranged requests (loopback server).

A simulated stripmap L1.1 product is served by the loopback HTTP server; it is opened and
terrain-corrected over a small EXTENT without a local copy, and the bytes read are counted.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.image import ImageReader
from palsar2_plugin.ceos.remote import BYTES_READ, RangeSource, http_url, is_url
from palsar2_plugin.errors import CeosFormatError
from palsar2_plugin.rtc.scene_input import terrain_correct_product
from palsar2_plugin.scale import ExecutionOptions, batch_terrain_correct
from palsar2_plugin.simulate.product import simulate_product
from servers.fixtures import http_server  # noqa: F401
from servers.http_server import Fault
from hills_dem import LAT, LON, hills_dem

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

EXTENT = (LON - 0.012, LAT - 0.005, LON + 0.004, LAT + 0.004)   # lon/lat box, about 1.5 x 1 km


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("remote")
    dem = hills_dem(tmp / "hills.tif")
    folder = simulate_product(dem, "FBS", tmp / "l11", lines=5000, pixels=300, seed=3)
    return dem, folder, tmp


def _serve(server, folder, prefix="bucket/l11/"):
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as fh:
            server.put(prefix + name, fh.read())
    img = next(n for n in sorted(os.listdir(folder)) if n.startswith("IMG-"))
    return server.url_of(prefix + img), img


def test_urls_are_recognised_and_s3_maps_to_anonymous_https():
    assert is_url("https://h/x") and is_url("s3://b/k") and not is_url("/data/x") and not is_url("C:\\x")
    assert http_url("s3://jaxa-alos2/a/b/LED-x", region="ap-northeast-1") == \
        "https://jaxa-alos2.s3.ap-northeast-1.amazonaws.com/a/b/LED-x"
    assert http_url("http://h/k") == "http://h/k"
    with pytest.raises(CeosFormatError, match="bucket"):
        http_url("s3:///key")


def test_range_source_reads_exact_bytes_through_cache_and_faults(http_server):
    data = os.urandom(700_000)
    url = http_server.put("blob", data)
    src = RangeSource(url, block_bytes=65536, cache_blocks=4, retries=3)
    assert src.size == len(data)
    assert src.read(130_000, 5000) == data[130_000:135_000]
    first = src.bytes_read
    assert first == 65536 * 2                    # blocks 1 and 2 (the read straddles them)
    assert src.read(131_000, 1000) == data[131_000:132_000] and src.bytes_read == first   # cached
    assert src.read(699_990, 100) == data[699_990:]                                       # end of file
    http_server.add_fault("blob", Fault("status", code=503), Fault("drop", n=1000))
    assert src.read(300_000, 70_000) == data[300_000:370_000]                             # retried
    stream = src.open_stream()
    stream.seek(650_000)
    assert stream.read(60_000) == data[650_000:] and stream.tell() == len(data)
    with pytest.raises(CeosFormatError, match="404"):
        RangeSource(http_server.url_of("missing"), retries=0)


def test_product_opens_from_a_url_with_the_same_metadata_and_lines(product, http_server):
    dem, folder, _ = product
    url, img = _serve(http_server, folder)
    local = open_product(str(folder))
    remote = open_product(url)
    assert remote.scene_id == local.scene_id and remote.product_id == local.product_id
    assert remote.images[0].lines == local.images[0].lines == 5000
    assert remote.radar_grid(1) == local.radar_grid(1)
    with ImageReader(remote.images[0]) as r, ImageReader(local.images[0]) as l:
        np.testing.assert_array_equal(r.samples(2500, 2510), l.samples(2500, 2510))
    # metadata and 10 lines: a small part of the image file
    assert len(http_server.requests_for("bucket/l11/" + img)) < 10


def test_small_extent_from_a_url_reads_few_bytes_and_equals_the_local_run(product, http_server):
    dem, folder, tmp = product
    url, img = _serve(http_server, folder)
    img_size = os.path.getsize(os.path.join(folder, img))
    before = BYTES_READ["total"]
    remote = batch_terrain_correct([url], dem, str(tmp / "nrb_remote"), execution=ExecutionOptions(mode=0),
                                   extent=EXTENT, extent_crs="EPSG:4326")[0]
    read = BYTES_READ["total"] - before
    local = terrain_correct_product(str(folder), dem, str(tmp / "nrb_local"), extent=EXTENT, extent_crs="EPSG:4326")
    total_size = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))
    led_size = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder) if n.startswith("LED-"))
    assert read < 0.3 * total_size, (read, total_size)
    assert read - led_size < 0.2 * img_size, (read, led_size, img_size)     # about 700 of 5000 lines
    for key in ("mask", "local_incidence"):
        with rasterio.open(remote[key]) as a, rasterio.open(local[key]) as b:
            np.testing.assert_array_equal(a.read(1), b.read(1))
    with rasterio.open(remote["gamma0"]["HH"]) as a, rasterio.open(local["gamma0"]["HH"]) as b:
        ga, gb = a.read(1), b.read(1)
    assert np.isfinite(ga).sum() > 1000
    np.testing.assert_array_equal(np.isnan(ga), np.isnan(gb))
    np.testing.assert_allclose(ga, gb, rtol=1e-5, equal_nan=True)


# --------------------------------------------------------------------------- issue 14: what arrives is checked
def test_a_file_replaced_between_reads_or_a_web_page_is_an_error(http_server):
    data = os.urandom(3 << 20)
    url = http_server.put("b/IMG-HH-x", data)
    src = RangeSource(url, block_bytes=1 << 18, cache_blocks=2)
    assert src.read(0, 1000) == data[:1000]
    http_server.put("b/IMG-HH-x", bytes(reversed(data)), modified="Tue, 02 Jan 2024 00:00:00 GMT")
    with pytest.raises(CeosFormatError, match="changed on the server while it was being read"):
        src.read(2 << 20, 1000)
    http_server.put("b/IMG-HH-y", data)
    http_server.add_fault("b/IMG-HH-y", Fault("page"))
    with pytest.raises(CeosFormatError, match="web page instead of the file"):
        RangeSource(http_server.url_of("b/IMG-HH-y"))
    page = RangeSource(http_server.url_of("b/IMG-HH-y"))
    http_server.add_fault("b/IMG-HH-y", Fault("page"))
    with pytest.raises(CeosFormatError, match="web page instead of the file"):
        page.read(0, 100)


def test_credentials_in_a_url_are_used_but_never_shown_or_recorded(product, http_server):
    _, folder, _ = product
    http_server.require_auth = ("alice", "s3cret-pw")
    url, img = _serve(http_server, folder, prefix="private/l11/")
    secret = url.replace("http://", "http://alice:s3cret-pw@")
    scene = open_product(secret)  # reads (the server refuses requests without the login)
    paths = [scene.leader_path] + [beam.path for beam in scene.images]
    assert paths and all(p.startswith(http_server.base_url + "/private/l11/") for p in paths)
    assert "s3cret" not in repr(scene) and "alice" not in repr(scene)
    src = RangeSource(secret)
    assert src.display == url and "s3cret" not in src.shown
    with open(os.path.join(folder, img), "rb") as fh:
        assert src.read(0, 4096) == fh.read(4096)
    with pytest.raises(CeosFormatError) as error:
        RangeSource(secret.replace("IMG-", "NOPE-"))
    assert "s3cret" not in str(error.value) and "alice" not in str(error.value)
