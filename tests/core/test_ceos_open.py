"""open_product from a folder, a zip (stored or deflated, read in place), any one file, and the
open-data bucket's flat layout (summary_<stem>.txt, several products side by side)."""

import shutil
import zipfile

import numpy as np
import pytest

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.image import ImageReader, iter_multilooked_intensity, multilook_intensity
from synthetic.ceos_products import example_description, random_blocks
from palsar2_plugin.ceos.writer import write_product
from palsar2_plugin.errors import CeosFormatError


def _write(folder, orbit=44908, mode="WBD"):
    desc = example_description(mode, lines=20, pixels=12, orbit_number=orbit)
    sizes = {b.beam: (b.lines, b.pixels) for b in desc.beams}
    write_product(folder, desc, lambda b, p: random_blocks(*sizes[b], seed=b + 7 * len(p) + ord(p[1])))
    return desc


@pytest.fixture(scope="module")
def wbd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("open") / "product"
    desc = _write(folder)
    return folder, desc


def _all_samples(scene):
    out = {}
    for im in scene.images:
        with ImageReader(im) as r:
            out[(im.beam, im.polarisation)] = np.array(r.samples(0, im.lines))
    return out


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_zip_read_in_place(wbd, tmp_path, compression):
    folder, desc = wbd
    archive = tmp_path / "0000022708_001001_ALOS2.zip"
    with zipfile.ZipFile(archive, "w", compression=compression) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"0000022708_001001_ALOS2/{f.name}")
    from_zip = open_product(archive)
    from_folder = open_product(folder)
    assert from_zip.scene_id == desc.scene_id and len(from_zip.images) == 10
    assert all("!" in im.path for im in from_zip.images)
    a, b = _all_samples(from_zip), _all_samples(from_folder)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    im = from_zip.image(4, "HV")
    ml_zip = np.concatenate([blk for _, blk in iter_multilooked_intensity(im, 3, 2, block_bytes=3000)])
    assert np.allclose(ml_zip, multilook_intensity(b[(4, "HV")], 3, 2))
    assert not list(tmp_path.glob("**/IMG-*"))  # nothing was extracted


def test_open_from_every_file(wbd):
    folder, desc = wbd
    for f in folder.iterdir():
        assert open_product(f).scene_id == desc.scene_id


def test_flat_bucket_layout(tmp_path):
    flat = tmp_path / "L1.1"
    first = _write(tmp_path / "a", orbit=44908)
    second = _write(tmp_path / "b", orbit=44909, mode="WBS")
    flat.mkdir()
    for desc, src in ((first, tmp_path / "a"), (second, tmp_path / "b")):
        stem = f"{desc.scene_id}-{desc.product_id}"
        for f in src.iterdir():
            name = f"summary_{stem}.txt" if f.name == "summary.txt" else f.name
            shutil.copy(f, flat / name)
    s1 = open_product(flat / f"summary_{first.scene_id}-{first.product_id}.txt")
    s2 = open_product(flat / f"IMG-HH-{second.scene_id}-{second.product_id}-F2")
    assert (s1.scene_id, s1.mode, s1.polarisations) == (first.scene_id, "WBD", ("HH", "HV"))
    assert (s2.scene_id, s2.mode, s2.polarisations) == (second.scene_id, "WBS", ("HH",))
    assert s1.corners is not None and dict(s1.summary)["Scs_SceneID"] == first.scene_id
    with pytest.raises(CeosFormatError, match="2 products lie side by side"):
        open_product(flat)


def test_folder_holding_the_product_folder(wbd, tmp_path):
    folder, desc = wbd
    shutil.copytree(folder, tmp_path / "downloads" / "0000022708_001001_ALOS2")
    (tmp_path / "downloads" / "notes.txt").write_text("x")
    assert open_product(tmp_path / "downloads").scene_id == desc.scene_id


def test_folder_without_product(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(CeosFormatError, match="no ALOS-2 CEOS product files"):
        open_product(tmp_path)
    with pytest.raises(CeosFormatError, match="not an ALOS-2 CEOS product file name"):
        open_product(tmp_path / "readme.txt")


def test_scene_helpers(wbd):
    folder, desc = wbd
    s = open_product(folder)
    assert s.is_scansar and s.beams == (1, 2, 3, 4, 5)
    assert s.beam_image(3).lines == desc.beams[2].lines
    with pytest.raises(Exception, match="no image for beam 6"):
        s.image(6, "HH")
    orbit = s.orbit()
    grid = s.radar_grid(2, orbit)
    assert grid.lines == desc.beams[1].lines and grid.slant_range_first_m == desc.beams[1].near_range_m
    assert grid.line_interval_s == pytest.approx(1 / desc.beams[1].prf_hz)
    assert orbit.datetime_from_seconds(grid.first_line_time_s) == desc.beams[1].first_line_time_utc


def test_radar_grid_is_zero_doppler_unless_the_centroid_is_asked_for(tmp_path):
    """JAXA focuses to zero Doppler: the leader's centroid is metadata, not the image geometry."""
    import dataclasses

    desc = dataclasses.replace(example_description("FBD", lines=20, pixels=12),
                               doppler_centroid_hz=(-18.5767897, -0.0243354))
    write_product(tmp_path / "p", desc, lambda b, p: random_blocks(20, 12, seed=1))
    scene = open_product(tmp_path / "p")
    assert scene.doppler_centroid_hz == pytest.approx((-18.5767897, -0.0243354))
    assert scene.radar_grid(1).is_zero_doppler
    with_centroid = scene.radar_grid(1, use_doppler_centroid=True)
    assert with_centroid.doppler_hz(800e3) == pytest.approx(-18.5767897 - 0.0243354 * 800, rel=1e-6)
