"""Remote products read in place through /vsicurl/ from a loopback HTTP server (real server, own process).

The server runs in a child process: GDAL holds Python's GIL while it reads, so a server thread in
this process could not answer.
"""

from __future__ import annotations
from sample_data import L22

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio

from palsar2_plugin.change import detect, sources
from palsar2_plugin.nrb import reader, reader_remote, vrt
from synthetic import jaxa_nrb

TESTS = Path(__file__).resolve().parents[1]
STEM = "ALOS2437590500-220630_WWDR2.2GUA"
SERVER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from servers.http_server import LoopbackHttpServer
server = LoopbackHttpServer(lifetime=240).start()
root = Path(sys.argv[2])
for file in root.rglob('*'):
    if file.is_file():
        server.put('bucket/' + file.relative_to(root).as_posix(), file.read_bytes())
print(server.base_url, flush=True)
sys.stdin.read()
server.stop()
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("bucket")
    rng = np.random.default_rng(3)
    hh = rng.integers(1, 9000, (300, 280)).astype(np.uint16)
    mask = np.ones(hh.shape, np.uint8)
    mask[:, :10] = 0
    jaxa_nrb.write_l22_product(str(root / "l22"), {"HH": hh, "HV": hh // 3 + 1}, mask,
                                     np.full(hh.shape, 3000, np.uint16), str(L22 / f"{STEM}_summary.xml"))
    item = json.loads((L22 / f"stactools_example_item_{STEM}.json").read_text())
    for name, asset in item["assets"].items():
        suffix = {"summary": "_summary.xml", "kml": ".kml"}.get(name, f"_{name}.tif")
        asset["href"] = f"./{STEM}{suffix}"
    (root / "l22" / f"{STEM}.json").write_text(json.dumps(item))
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(TESTS), str(root)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    base = process.stdout.readline().strip()
    assert base.startswith("http://127.0.0.1:")
    yield f"{base}/bucket/l22", hh, mask
    process.stdin.close()
    process.wait(timeout=30)


@pytest.mark.parametrize("entry", [f"{STEM}.json", f"{STEM}_summary.xml", f"{STEM}_HV_SLP.tif"])
def test_remote_product_read_in_place(served, tmp_path, entry):
    base, hh, mask = served
    product = reader.open_product(f"{base}/{entry}")
    assert product.name == STEM and product.polarisations == ("HH", "HV")
    assert product.mask and product.local_incidence and product.info.path_number == 137
    assert all(path.startswith("/vsicurl?empty_dir=yes&url=") for path in product.raster_paths())
    reader.validate_product(product, None, True, True)
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path))) as dataset:
        got = dataset.read(1)
    with np.errstate(divide="ignore"):
        expected = np.where(mask == 0, np.nan, 20 * np.log10(hh.astype(float)) - 83.0)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.nanmax(np.abs(got - expected)) < 0.01
    assert vrt.product_file(product).startswith("http://127.0.0.1:")


def test_remote_layer_can_be_compared(served, tmp_path):
    base = served[0]
    product = reader.open_product(f"{base}/{STEM}.json")
    layer = vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path / "layers"))
    before = sources.resolve_input(layer, None, str(tmp_path / "w"), "BEFORE")
    assert before.product is not None and before.path.endswith("_linear_valid.vrt")
    result = detect.detect_changes(before, before, str(tmp_path / "r.tif"))
    with rasterio.open(result.output) as dataset:
        assert np.nanmax(np.abs(dataset.read(1))) == 0.0


def test_remote_errors(served):
    base = served[0]
    with pytest.raises(reader.Palsar2Error, match="Cannot read .*missing.json"):
        reader.find_products(f"{base}/missing.json")
    with pytest.raises(reader.ProductNotFoundError, match="No PALSAR-2 NRB product found"):
        reader.find_products(f"{base}/notes.txt")
    assert reader_remote.plain_url(reader_remote.gdal_path("http://a/b c.tif")) == "http://a/b c.tif"


def test_a_url_with_a_password_is_refused_not_written_into_layers(served, tmp_path):
    """GDAL would keep user:password inside every VRT and layer path (and so in the project): refused."""
    base = served[0].replace("http://", "http://alice:s3cret-pw@")
    with pytest.raises(reader.Palsar2Error, match="user name and password.*Download the product first") as error:
        reader.find_products(f"{base}/{STEM}.json")
    assert "s3cret" not in str(error.value) and "alice" not in str(error.value)
