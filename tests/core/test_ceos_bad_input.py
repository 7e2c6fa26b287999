"""Bad input: truncated or altered files, non-CEOS files, missing leader, unsafe zips, and a fuzz
test over the record parsers (only CeosFormatError may come out)."""

import io
import os
import shutil
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos import layouts as L
from palsar2_plugin.ceos.files import ProductFile, ProductFiles
from palsar2_plugin.ceos.image import ImageReader
from palsar2_plugin.ceos.reader import (parse_image_descriptor, parse_line_prefix,
                                        parse_volume_directory, scene_from_files)
from palsar2_plugin.ceos.summary import parse_summary
from synthetic.ceos_products import example_description, random_blocks
from palsar2_plugin.ceos.writer import write_product
from palsar2_plugin.errors import CeosFormatError

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    desc = example_description("FBD", lines=16, pixels=8)
    folder = tmp_path_factory.mktemp("bad") / "product"
    write_product(folder, desc, lambda b, p: random_blocks(16, 8, seed=len(p)))
    return folder, f"{desc.scene_id}-{desc.product_id}"


def _copy(product, tmp_path):
    folder, stem = product
    dst = tmp_path / "copy"
    shutil.copytree(folder, dst)
    return dst, stem


def _expect(match, path_part, fn, *args):
    with pytest.raises(CeosFormatError, match=match) as info:
        fn(*args)
    err = info.value
    assert path_part in str(err.path)
    assert err.offset is not None and f"byte offset {err.offset}" in str(err)
    return err


def test_truncated_leader(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    led = folder / f"LED-{stem}"
    data = led.read_bytes()
    led.write_bytes(data[:720 + 4096 + 100])  # cut inside the platform position record
    err = _expect("truncated", "LED-", open_product, folder)
    assert err.offset == 720 + 4096 and err.record == "#3"


def test_wrong_record_length(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    led = folder / f"LED-{stem}"
    data = bytearray(led.read_bytes())
    # shorten the DSS by 96 bytes and say so in its header: the leader's FDR table says 4096
    dss = data[720:720 + 4096 - 96]
    dss[8:12] = struct.pack(">I", 4000)
    led.write_bytes(bytes(data[:720] + dss + data[720 + 4096:]))
    err = _expect("4000 bytes, the leader file descriptor says 4096", "LED-", open_product, folder)
    assert err.offset == 720 + 8 and err.record == "dss"


def test_wrong_type_code(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    led = folder / f"LED-{stem}"
    data = bytearray(led.read_bytes())
    data[720 + 5] = 99  # the DSS is no longer a DSS
    led.write_bytes(bytes(data))
    err = _expect("announces 1 dss record", "LED-", open_product, folder)
    assert err.record == "leader file descriptor"
    data[5] = 7  # and now the FDR itself has a wrong code
    led.write_bytes(bytes(data))
    err = _expect(r"type codes \(11, 7, 18, 18\)", "LED-", open_product, folder)
    assert err.offset == 4


def test_text_in_a_numeric_field(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    led = folder / f"LED-{stem}"
    data = bytearray(led.read_bytes())
    data[720 + 500:720 + 516] = b"    not-a-number"  # 501 F16 wavelength
    led.write_bytes(bytes(data))
    err = _expect("'wavelength'.*not a number", "LED-", open_product, folder)
    assert err.offset == 720 + 500 and err.record == "data set summary"


def test_non_ceos_file(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    stem = "ALOS2449082850-220916-WBDR1.1__D"
    (folder / f"LED-{stem}").write_bytes(b"<html>this is an error page, not a leader</html>\n" * 20)
    (folder / f"IMG-HH-{stem}-F1").write_bytes(b"\x00" * 100)
    _expect("", "LED-", open_product, folder / f"IMG-HH-{stem}-F1")


def test_image_without_leader(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    os.remove(folder / f"LED-{stem}")
    with pytest.raises(CeosFormatError, match=f"leader file LED-{stem} is missing") as info:
        open_product(folder / f"IMG-HH-{stem}")
    assert "IMG-HH-" in info.value.path


def test_truncated_image(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    img = folder / f"IMG-HV-{stem}"
    data = img.read_bytes()
    reclen = 544 + 8 * 8
    img.write_bytes(data[:720 + 10 * reclen + 7])
    err = _expect("truncated: 10 complete line records of 16", "IMG-HV-", open_product, folder)
    assert err.offset == 720 + 10 * reclen and err.record == "line 11"


def test_bad_line_record_found_when_reading(product, tmp_path):
    folder, stem = _copy(product, tmp_path)
    img = folder / f"IMG-HH-{stem}"
    data = bytearray(img.read_bytes())
    reclen = 544 + 8 * 8
    data[720 + 7 * reclen + 5] = 11  # line 8 claims to be a processed (L1.5) record
    img.write_bytes(bytes(data))
    scene = open_product(folder)  # first and last line are fine
    with ImageReader(scene.image(1, "HH")) as r:
        with pytest.raises(CeosFormatError, match="wrong type codes") as info:
            r.records(0, 16)
    assert info.value.offset == 720 + 7 * reclen and info.value.record == "line 8"


def test_bad_summary_line(product, tmp_path):
    folder, _ = _copy(product, tmp_path)
    text = (folder / "summary.txt").read_text()
    (folder / "summary.txt").write_text(text.replace('Pds_ProductID="', 'Pds_ProductID "', 1))
    err = _expect("is not Sss_Keyword", "summary.txt", open_product, folder)
    assert err.record.startswith("summary line")


@pytest.mark.parametrize("bad_name", ["../evil.txt", "/abs/LED-x", "C:/x"])
def test_zip_with_unsafe_member(product, tmp_path, bad_name):
    folder, stem = product
    archive = tmp_path / "product.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"product/{f.name}")
        zf.writestr(bad_name, b"x")
    err = _expect("unsafe member name", "product.zip", open_product, archive)
    assert bad_name in err.record


def test_zip_with_symlink_member(product, tmp_path):
    folder, _ = product
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"product/{f.name}")
        info = zipfile.ZipInfo("product/link")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    _expect("unsafe member name", "link.zip", open_product, archive)


def test_not_a_zip(tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    _expect("not a readable zip", "x.zip", open_product, bad)


# ---------------------------------------------------------------------------------- fuzz
class BytesFile(ProductFile):
    def __init__(self, name, data):
        super().__init__(name, name, len(data), local_path=None)
        self.data = data

    @property
    def mappable_path(self):
        return None

    def read(self, offset, size):
        return self.data[offset:offset + size]

    def open_stream(self):
        return io.BytesIO(self.data)


def _mutate(data: bytes, edits, cut):
    buf = bytearray(data)
    for pos, value in edits:
        buf[pos % len(buf)] = value
    return bytes(buf[:cut]) if cut is not None else bytes(buf)


# Positions concentrated on headers and the fields the parsers read.
def _edits(hot_positions):
    pos = st.one_of(st.sampled_from(hot_positions), st.integers(0, 5000))
    return st.lists(st.tuples(pos, st.integers(0, 255)), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def raw(product):
    folder, stem = product
    return {k: (folder / f"{k}-{stem}").read_bytes() for k in ("LED", "VOL")} | {
        "IMG": (folder / f"IMG-HH-{stem}").read_bytes(), "SUM": (folder / "summary.txt").read_bytes()}


def _leader_hot():
    hot = list(range(0, 12)) + list(range(180, 500))
    for off in (720, 720 + 4096, 720 + 4096 + 4680):
        hot += list(range(off, off + 12))
    hot += [720 + k for k in range(60, 1900, 7)]
    return hot


@settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(edits=_edits(_leader_hot()), cut=st.one_of(st.none(), st.integers(0, 40000)), data=st.data())
def test_fuzz_leader_and_scene(raw, edits, cut, data):
    led = _mutate(raw["LED"], edits, cut)
    files = ProductFiles("ALOS2449082850-220916-FBDR1.1__D", "fuzz", BytesFile("VOL", raw["VOL"]),
                         BytesFile("LED", led), None, BytesFile("summary.txt", raw["SUM"]),
                         {(None, "HH"): BytesFile("IMG", raw["IMG"])})
    try:
        scene_from_files(files)
    except CeosFormatError:
        pass


@settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(edits=_edits(list(range(0, 12)) + list(range(176, 460)) + list(range(720, 720 + 300))
                   + list(range(720 + 15 * 608, 720 + 15 * 608 + 300))),
       cut=st.one_of(st.none(), st.integers(0, 3000)))
def test_fuzz_image_descriptor_and_prefixes(raw, edits, cut):
    img = BytesFile("IMG", _mutate(raw["IMG"], edits, cut))
    try:
        desc = parse_image_descriptor(img)
        if desc.lines_present:
            parse_line_prefix(img, desc, 0)
            parse_line_prefix(img, desc, desc.lines - 1)
    except CeosFormatError:
        pass
    files = ProductFiles("ALOS2449082850-220916-FBDR1.1__D", "fuzz", None, BytesFile("LED", raw["LED"]), None,
                         None, {(None, "HH"): img})
    try:
        scene = scene_from_files(files)
        with ImageReader(scene.images[0], source=img) as reader:
            reader.records(0, scene.images[0].lines)
    except CeosFormatError:
        pass


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(edits=_edits(list(range(0, 24)) + list(range(150, 170)) + list(range(360, 380))),
       cut=st.one_of(st.none(), st.integers(0, 2000)), summary_junk=st.binary(max_size=40))
def test_fuzz_volume_and_summary(raw, edits, cut, summary_junk):
    try:
        parse_volume_directory(_mutate(raw["VOL"], edits, cut), "VOL")
    except CeosFormatError:
        pass
    try:
        parse_summary(raw["SUM"][:200] + summary_junk + raw["SUM"][200:], "summary.txt")
    except CeosFormatError:
        pass


@settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(record=st.binary(min_size=0, max_size=300), layout=st.sampled_from(
    [L.SIGNAL_PREFIX, L.PROCESSED_PREFIX, L.IMAGE_FDR, L.DATA_SET_SUMMARY, L.FILE_POINTER, L.RADIOMETRIC]))
def test_fuzz_random_bytes_into_layouts(record, layout):
    try:
        layout.parse(record, "fuzz", 0)
    except CeosFormatError:
        pass
