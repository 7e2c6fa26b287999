"""Issue 14: a product's files must belong together, and what the leader says must be plausible.

Two WBD products of the same pass, frames 2850 and 2860 (the second 60 s later), written by the
byte-exact writer; the tests mix their files as a clumsy user would (a neighbouring frame's leader
renamed into place, another scene's summary.txt or volume directory, swapped HH/HV or beam files)
and check that each mix is refused with a message that names both sides. Then leader values outside
ALOS-2's envelope: warnings for what can still be used, refusal for what cannot."""

from __future__ import annotations

import dataclasses
import shutil
import struct
from datetime import timedelta

import pytest

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.scene import StateVector
from palsar2_plugin.ceos.writer import BeamGrid, write_product
from palsar2_plugin.errors import CeosFormatError
from synthetic.ceos_products import example_description, random_blocks


def _write(folder, desc):
    sizes = {b.beam: (b.lines, b.pixels) for b in desc.beams}
    write_product(folder, desc, lambda b, p: random_blocks(*sizes[b], seed=b + len(p)))
    return folder, f"{desc.scene_id}-{desc.product_id}"


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("frames")
    a = example_description("WBD", lines=40, pixels=16, frame_number=2850)
    b = example_description("WBD", lines=40, pixels=16, frame_number=2860,
                            centre_time_utc=a.scene_centre_time_utc + timedelta(seconds=60))
    return _write(tmp / "a", a), _write(tmp / "b", b), a, b


def _copy(frames, tmp_path):
    (folder, stem), _, _, _ = frames
    dst = tmp_path / "mixed"
    shutil.copytree(folder, dst)
    return dst, stem


def test_the_untouched_products_open_without_warnings(frames):
    (a_folder, _), (b_folder, _), a, b = frames
    scene = open_product(a_folder)
    assert scene.scene_id == a.scene_id == "ALOS2449082850-220916" and scene.warnings == ()
    assert open_product(b_folder).scene_id == "ALOS2449082860-220916"


def test_a_neighbouring_frames_leader_renamed_into_place_is_refused(frames, tmp_path):
    _, (b_folder, b_stem), a, b = frames
    folder, stem = _copy(frames, tmp_path)
    shutil.copy(b_folder / f"LED-{b_stem}", folder / f"LED-{stem}")
    with pytest.raises(CeosFormatError) as info:
        open_product(folder)
    message = str(info.value)
    assert f"records '{b.scene_id}'" in message and f"file names are of '{a.scene_id}'" in message
    assert info.value.record == "data set summary" and info.value.offset == 740
    assert "different scenes" in message


def test_a_leader_whose_scene_id_was_edited_is_refused_by_its_times(frames, tmp_path):
    _, (b_folder, b_stem), a, b = frames
    folder, stem = _copy(frames, tmp_path)
    data = bytearray((b_folder / f"LED-{b_stem}").read_bytes())
    data[740:740 + 21] = a.scene_id.encode()                             # DSS scene id (bytes 21-52)
    (folder / f"LED-{stem}").write_bytes(bytes(data))
    with pytest.raises(CeosFormatError, match=r"scene centre time 2022-09-16 21:44:30\.123 UTC lies outside the "
                                              r"lines of .*IMG-HH-.*F1 \(2022-09-16 21:43:30\.11"):
        open_product(folder)


def test_a_leader_of_another_date_is_refused_because_its_orbit_misses_the_lines(frames, tmp_path):
    (_, _), _, a, _ = frames
    other = example_description("WBD", lines=40, pixels=16, frame_number=2850,
                                centre_time_utc=a.scene_centre_time_utc + timedelta(days=14))
    other_folder, other_stem = _write(tmp_path / "other", other)
    folder, stem = _copy(frames, tmp_path)
    data = bytearray((other_folder / f"LED-{other_stem}").read_bytes())
    data[740:740 + 21] = a.scene_id.encode()
    (folder / f"LED-{stem}").write_bytes(bytes(data))
    with pytest.raises(CeosFormatError, match=r"orbit \(state vectors 2022-09-30 .* does not cover the lines"):
        open_product(folder)


def test_the_summary_or_volume_directory_of_another_scene_is_refused(frames, tmp_path):
    _, (b_folder, b_stem), a, b = frames
    folder, stem = _copy(frames, tmp_path)
    shutil.copy(b_folder / "summary.txt", folder / "summary.txt")
    with pytest.raises(CeosFormatError, match=rf"summary.txt \(Scs_SceneID\) records '{b.scene_id}'"):
        open_product(folder)
    shutil.copy(frames[0][0] / "summary.txt", folder / "summary.txt")
    shutil.copy(b_folder / f"VOL-{b_stem}", folder / f"VOL-{stem}")
    with pytest.raises(CeosFormatError, match=rf"volume directory's text record \(ORBIT\) records '{b.scene_id}'"):
        open_product(folder)


def test_a_leader_beside_images_of_another_scene_says_so(frames, tmp_path):
    (a_folder, a_stem), (b_folder, b_stem), a, b = frames
    folder = tmp_path / "beside"
    folder.mkdir()
    for f in a_folder.iterdir():
        if f.name.startswith("IMG-"):
            shutil.copy(f, folder / f.name)
    shutil.copy(b_folder / f"LED-{b_stem}", folder / f"LED-{b_stem}")
    with pytest.raises(CeosFormatError, match=rf"LED-{b_stem} lies beside image files of {a_stem}"):
        open_product(folder)
    with pytest.raises(CeosFormatError, match=rf"leader file LED-{a_stem} is missing; the leader beside the "
                                              rf"images, LED-{b_stem}, belongs to another scene"):
        open_product(folder / f"IMG-HH-{a_stem}-F1")


def _swap(a, b):
    a.rename(a.parent / "swap")
    b.rename(a)
    (a.parent / "swap").rename(b)


def test_swapped_polarisation_files_are_refused_naming_both(frames, tmp_path):
    folder, stem = _copy(frames, tmp_path)
    _swap(folder / f"IMG-HH-{stem}-F3", folder / f"IMG-HV-{stem}-F3")
    with pytest.raises(CeosFormatError, match="says polarisation HH, but its line prefixes record HV "
                                              r"\(transmit H, receive V\)") as info:
        open_product(folder)
    assert info.value.path.endswith(f"IMG-HH-{stem}-F3") and info.value.offset == 720 + 52


def test_swapped_beam_files_are_refused_naming_both(frames, tmp_path):
    folder, stem = _copy(frames, tmp_path)
    _swap(folder / f"IMG-HV-{stem}-F1", folder / f"IMG-HV-{stem}-F2")
    with pytest.raises(CeosFormatError, match="says beam F1, but its line prefixes record scan \\(beam\\) 2"):
        open_product(folder)


# ---------------------------------------------------------------------------------------- plausibility
def _one_beam(tmp_path, name, **changes):
    desc = example_description("FBS", lines=40, pixels=16)
    beam_changes = {k: changes.pop(k) for k in list(changes) if k in ("prf_hz", "range_sampling_rate_hz")}
    if beam_changes:
        desc = dataclasses.replace(desc, beams=tuple(dataclasses.replace(b, **beam_changes) for b in desc.beams))
    desc = dataclasses.replace(desc, **changes)
    folder, _ = _write(tmp_path / name, desc)
    return folder


def test_a_pre_launch_calibration_factor_opens_with_a_warning(tmp_path):
    scene = open_product(_one_beam(tmp_path, "cf", calibration_factor_db=32.0))
    assert scene.calibration_factor_db == 32.0
    assert len(scene.warnings) == 1
    assert "calibration factor is +32.0 dB, far from ALOS-2's operational -83.0 dB" in scene.warnings[0]
    assert "+115.0 dB off" in scene.warnings[0]
    assert open_product(_one_beam(tmp_path, "cf_ok", calibration_factor_db=-80.0)).warnings == ()


def test_values_outside_the_operational_envelope_warn(tmp_path):
    scene = open_product(_one_beam(tmp_path, "w", wavelength_m=0.26, prf_hz=900.0, range_sampling_rate_hz=20e6))
    text = " | ".join(scene.warnings)
    assert len(scene.warnings) == 3
    assert "wavelength 0.2600000 m is outside PALSAR-2's band" in text
    assert "range sampling rate 20.0000 MHz is none of ALOS-2's" in text and "7.4948 m" in text
    assert "PRF 900.000 Hz" in text


def _spaced(desc, seconds):
    centre = desc.scene_centre_time_utc
    return tuple(StateVector(centre + timedelta(seconds=seconds * (k - 13.5)), sv.position_m, sv.velocity_m_s)
                 for k, sv in enumerate(desc.state_vectors))


def test_unusable_leader_values_are_refused(tmp_path):
    desc = example_description("FBS", lines=40, pixels=16)
    with pytest.raises(CeosFormatError, match="wavelength 0.0555 m is not L band"):
        open_product(_one_beam(tmp_path, "c_band", wavelength_m=0.0555))
    with pytest.raises(CeosFormatError, match="PRF 50.000 Hz is outside 100-20000 Hz"):
        open_product(_one_beam(tmp_path, "prf", prf_hz=50.0))
    with pytest.raises(CeosFormatError, match="state vectors are 700 s apart"):
        open_product(_one_beam(tmp_path, "sv", state_vectors=_spaced(desc, 700.0)))
    far = tuple(StateVector(sv.time_utc, tuple(2 * c for c in sv.position_m), sv.velocity_m_s)
                for sv in desc.state_vectors)
    with pytest.raises(CeosFormatError, match="not on a low Earth orbit"):
        open_product(_one_beam(tmp_path, "far", state_vectors=far))
    scene = open_product(_one_beam(tmp_path, "sv30", state_vectors=_spaced(desc, 5.0)))
    assert scene.warnings == ("The leader's state vectors are 5 s apart; ALOS-2's are 60 s apart.",)


def test_jaxas_real_leader_is_inside_the_envelope():
    from sample_data import CEOS_L15

    scene = open_product(CEOS_L15)
    assert scene.warnings == () and scene.calibration_factor_db == -83.0


@pytest.mark.slow
def test_the_warning_reaches_the_metadata_json_the_geotiff_and_the_nrb_xml(tmp_path):
    import json
    import xml.etree.ElementTree as ET

    import rasterio

    from hills_dem import hills_dem
    from palsar2_plugin.ceos.export import export_product
    from palsar2_plugin.rtc.scene_input import terrain_correct_product
    from palsar2_plugin.simulate.product import simulate_product

    scene = open_product(_one_beam(tmp_path, "cf", calibration_factor_db=32.0))
    result = export_product(scene, tmp_path / "read", looks_az=4, looks_rg=2)
    assert json.loads(open(result.metadata).read())["warnings"] == list(scene.warnings)
    with rasterio.open(result.rasters[0]) as ds:
        assert "+115.0 dB off" in ds.tags()["WARNINGS"]
    dem = hills_dem(tmp_path / "hills.tif")
    product = simulate_product(dem, "FBS", tmp_path / "l11", lines=600, pixels=120, seed=2, calibration_factor_db=32.0)
    seen = []
    nrb = terrain_correct_product(product, dem, str(tmp_path / "nrb"), pixel_size_m=50.0, warn=seen.append)
    assert len(seen) == 1 and "+115.0 dB off" in seen[0] and nrb["warnings"] == seen
    warnings = [w.text for w in ET.parse(nrb["metadata"]).getroot().iter("Warning")]
    assert warnings == seen
    assert json.loads(open(nrb["stac"]).read())["properties"]["palsar2:warnings"] == seen
