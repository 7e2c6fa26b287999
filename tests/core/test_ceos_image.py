"""Block-wise image access and multilooking."""

import numpy as np
import pytest

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.image import ImageReader, intensity, iter_multilooked_intensity, multilook_intensity
from synthetic.ceos_products import example_description, random_blocks
from palsar2_plugin.ceos.writer import write_product
from palsar2_plugin.errors import Cancelled


def test_multilook_known_numbers():
    z = np.array([[1 + 1j, 2 + 0j, 0 + 3j, 1 + 0j],
                  [0 + 0j, 1 + 0j, 2 + 2j, 0 + 1j]], dtype=np.complex64)
    # |z|^2: [[2, 4, 9, 1], [0, 1, 8, 1]]
    assert multilook_intensity(z, 1, 1).tolist() == [[2, 4, 9, 1], [0, 1, 8, 1]]
    assert multilook_intensity(z, 2, 2).tolist() == [[(2 + 4 + 0 + 1) / 4, (9 + 1 + 8 + 1) / 4]]
    assert multilook_intensity(z, 1, 3).tolist() == [[5.0], [3.0]]   # last incomplete window dropped
    assert multilook_intensity(z, 3, 1).shape == (0, 4)
    big_endian = z.astype(">c8")
    assert np.array_equal(multilook_intensity(big_endian, 2, 2), multilook_intensity(z, 2, 2))
    dn = np.array([[3, 4], [0, 5]], dtype=">u2")                      # L1.5 amplitudes -> DN^2
    assert multilook_intensity(dn, 2, 2).tolist() == [[(9 + 16 + 0 + 25) / 4]]
    assert intensity(z).dtype == np.float32 and intensity(z)[0].tolist() == [2, 4, 9, 1]
    with pytest.raises(ValueError):
        multilook_intensity(z, 0, 1)


def test_multilook_matches_plain_numpy():
    rng = np.random.default_rng(3)
    z = (rng.standard_normal((30, 50)) + 1j * rng.standard_normal((30, 50))).astype(">c8")
    want = (np.abs(z.astype(np.complex128)) ** 2)[:30, :48].reshape(10, 3, 12, 4).mean(axis=(1, 3))
    assert np.allclose(multilook_intensity(z, 3, 4), want, rtol=1e-5)


@pytest.fixture(scope="module")
def stripmap(tmp_path_factory):
    desc = example_description("FBD", lines=101, pixels=37)
    folder = tmp_path_factory.mktemp("img") / "p"
    write_product(folder, desc, lambda b, p: random_blocks(101, 37, seed=5, power=4.0, block_lines=17))
    return open_product(folder), np.concatenate(list(random_blocks(101, 37, seed=5, power=4.0, block_lines=17)))


def test_streaming_equals_whole_image(stripmap):
    scene, z = stripmap
    im = scene.image(1, "HV")
    rows, blocks = zip(*iter_multilooked_intensity(im, 4, 3, block_bytes=17 * im.record_length))
    assert rows[:3] == (0, 4, 8)                                       # 16-line blocks = 4 output rows
    streamed = np.concatenate(blocks)
    assert streamed.shape == (25, 12)
    assert np.allclose(streamed, multilook_intensity(z, 4, 3), rtol=1e-6)
    assert abs(float(streamed.mean()) - 4.0) < 0.3                     # speckle of mean power 4


def test_reader_blocks_and_records(stripmap):
    scene, z = stripmap
    im = scene.image(1, "HH")
    with ImageReader(im) as r:
        assert r.block_lines(multiple=8, block_bytes=20 * im.record_length) == 16
        starts = [s for s, _ in r.iter_blocks(block_lines=40)]
        assert starts == [0, 40, 80]
        rec = r.records(95, 200)                                       # clipped to the file
        assert rec.shape == (6,) and rec["line_number"].tolist() == [96, 97, 98, 99, 100, 101]
        assert isinstance(r.samples(0, 2).base, np.memmap) or isinstance(r.samples(0, 2), np.memmap)


def test_progress_and_cancel(stripmap):
    scene, _ = stripmap
    im = scene.image(1, "HH")
    seen = []
    list(iter_multilooked_intensity(im, 2, 2, block_bytes=10 * im.record_length,
                                    progress=lambda f, m: seen.append(f)))
    assert seen[-1] == 1.0 and len(seen) == 10
    count = []
    with pytest.raises(Cancelled):
        for _ in iter_multilooked_intensity(im, 2, 2, block_bytes=10 * im.record_length,
                                            is_cancelled=lambda: len(count) >= 2):
            count.append(1)
    assert len(count) == 2


def _reference_multilook(z, looks_az, looks_rg):
    """Plain numpy in the documented summation order: lines first, then I, Q of each pixel left to right."""
    c = z.astype(np.complex64)
    n, m = c.shape[0] // looks_az * looks_az, c.shape[1] // looks_rg * looks_rg
    iq = np.stack([c.real, c.imag], axis=-1)[:n, :m].astype(np.float32)    # (lines, pixels, 2)
    sq = iq * iq
    acc = sq[0::looks_az].copy()
    for j in range(1, looks_az):
        acc += sq[j::looks_az]
    acc = acc.reshape(acc.shape[0], m // looks_rg, 2 * looks_rg)
    out = acc[:, :, 0] + acc[:, :, 1]
    for j in range(2, 2 * looks_rg):
        out += acc[:, :, j]
    return out * np.float32(1.0 / (looks_az * looks_rg))


@pytest.mark.parametrize("looks", [(1, 1), (4, 2), (3, 5), (7, 1)])
def test_multilook_same_numbers_for_every_layout(looks, monkeypatch):
    """Big-endian (8-byte swap path), native, strided and complex128 inputs, and a scratch array
    smaller than the block (several steps), all give exactly the same float32 numbers."""
    import palsar2_plugin.ceos.multilook as image_module
    rng = np.random.default_rng(11)
    z = (rng.standard_normal((45, 62)) * 10.0 ** rng.uniform(-4, 4, (45, 62))
         + 1j * rng.standard_normal((45, 62))).astype(np.complex64)
    want = _reference_multilook(z, *looks)
    assert np.array_equal(multilook_intensity(z.astype(">c8"), *looks), want)
    assert np.array_equal(multilook_intensity(z, *looks), want)
    assert np.array_equal(multilook_intensity(z.astype(np.complex128), *looks), want)
    wide = np.zeros((45, 124), dtype=">c8")
    wide[:, ::2] = z
    assert np.array_equal(multilook_intensity(wide[:, ::2], *looks), want)         # not contiguous
    monkeypatch.setattr(image_module, "_CACHE_CHUNK_BYTES", 1)                       # one output row per step
    assert np.array_equal(multilook_intensity(z.astype(">c8"), *looks), want)
    dn = rng.integers(0, 4000, (20, 9)).astype(">u2")
    assert np.allclose(multilook_intensity(dn, 2, 3),
                       (dn.astype(np.float64) ** 2).reshape(10, 2, 3, 3).mean(axis=(1, 3)), rtol=1e-6)


def test_multilook_big_endian_file_samples_exact(stripmap):
    """The memory-mapped big-endian samples give the numbers of the same samples held natively."""
    scene, z = stripmap
    with ImageReader(scene.image(1, "HV")) as r:
        stored = r.samples(0, 101)
        assert stored.dtype == np.dtype(">c8")
        assert np.array_equal(multilook_intensity(stored, 4, 3), _reference_multilook(z, 4, 3))


@pytest.mark.parametrize("workers", [2, 3])
def test_threaded_streaming_equals_sequential(stripmap, workers):
    import threading
    scene, _ = stripmap
    im = scene.image(1, "HV")
    seq = list(iter_multilooked_intensity(im, 4, 3, block_bytes=9 * im.record_length))
    seen = []
    par = list(iter_multilooked_intensity(im, 4, 3, block_bytes=9 * im.record_length, workers=workers,
                                          progress=lambda f, m: seen.append(f)))
    assert [r for r, _ in par] == [r for r, _ in seq] == list(range(0, 25, 2))      # 8-line blocks, in order
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(par, seq))
    assert len(seen) == 13 and seen[-1] == 1.0 and seen == sorted(seen)
    assert not [t for t in threading.enumerate() if t.name.startswith("palsar2-multilook")]


def test_threaded_streaming_cancel_and_early_stop(stripmap):
    import threading
    scene, _ = stripmap
    im = scene.image(1, "HH")
    count = []
    with pytest.raises(Cancelled):
        for _ in iter_multilooked_intensity(im, 2, 2, block_bytes=10 * im.record_length, workers=2,
                                            is_cancelled=lambda: len(count) >= 3):
            count.append(1)
    assert len(count) == 3
    blocks = iter_multilooked_intensity(im, 2, 2, block_bytes=10 * im.record_length, workers=2)
    first_row, first = next(blocks)
    blocks.close()                                                   # consumer stops early
    assert first_row == 0 and first.shape == (5, 18)
    assert not [t for t in threading.enumerate() if t.name.startswith("palsar2-multilook")]


def test_threaded_streaming_reports_bad_record(tmp_path):
    from palsar2_plugin.errors import CeosFormatError
    desc = example_description("FBD", lines=40, pixels=6)
    folder = tmp_path / "p"
    write_product(folder, desc, lambda b, p: random_blocks(40, 6, seed=2))
    scene = open_product(folder)
    im = scene.image(1, "HH")
    img = next(folder.glob("IMG-HH-*"))
    data = bytearray(img.read_bytes())
    data[720 + 29 * im.record_length + 5] = 11                       # line 30: wrong record type code
    img.write_bytes(bytes(data))
    with pytest.raises(CeosFormatError, match="wrong type codes") as info:
        list(iter_multilooked_intensity(im, 2, 1, block_bytes=4 * im.record_length, workers=2))
    assert info.value.record == "line 30"


def test_threaded_streaming_from_compressed_zip(tmp_path):
    """A deflated zip member cannot be mapped: workers > 1 falls back to one sequential reader."""
    import zipfile
    desc = example_description("FBD", lines=30, pixels=10)
    folder = tmp_path / "p"
    write_product(folder, desc, lambda b, p: random_blocks(30, 10, seed=4))
    archive = tmp_path / "product.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"product/{f.name}")
    im_zip, im_dir = open_product(archive).image(1, "HV"), open_product(folder).image(1, "HV")
    with ImageReader(im_zip) as r:
        assert not r.is_mapped
    with ImageReader(im_dir) as r:
        assert r.is_mapped
    got = list(iter_multilooked_intensity(im_zip, 3, 2, block_bytes=7 * im_zip.record_length, workers=2))
    want = list(iter_multilooked_intensity(im_dir, 3, 2, block_bytes=7 * im_dir.record_length))
    assert [r for r, _ in got] == [r for r, _ in want] == [0, 2, 4, 6, 8]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(got, want))


# --- the optional compiled kernel (numba) against the numpy path ---------------------------------

from palsar2_plugin import compiled  # noqa: E402
from palsar2_plugin.ceos import multilook as kernels  # noqa: E402
from palsar2_plugin.ceos.image import multilook_intensity_numpy  # noqa: E402

needs_numba = pytest.mark.skipif(not compiled.enabled(), reason="numba not installed (or PALSAR2_NO_NUMBA set)")


def _assert_float32_close(got, want):
    """Equal within float32 rounding (a few ulp); the kernel keeps the numpy path's order of sums."""
    assert got.dtype == want.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2.0 ** -21, atol=0)


def _record_view(samples, prefix_bytes, dtype):
    """``samples`` laid out as line records (prefix + samples) and returned as the strided field view."""
    rec_dtype = np.dtype([("prefix", "u1", (prefix_bytes,)), ("samples", dtype, (samples.shape[1],))])
    rec = np.zeros(samples.shape[0], rec_dtype)
    rec["prefix"] = 0xA5                                             # must never be read as samples
    rec["samples"] = samples
    return rec["samples"]


@needs_numba
@pytest.mark.parametrize("looks", [(1, 1), (4, 2), (3, 5), (7, 1), (2, 8)])
@pytest.mark.parametrize("dtype,prefix", [(">c8", 544), ("<c8", 544), (">c8", 0), (">u2", 192), ("<u2", 192),
                                          (">u2", 0)])
def test_kernel_equals_numpy_path(looks, dtype, prefix):
    rng = np.random.default_rng(17)
    if dtype.endswith("c8"):
        z = (rng.standard_normal((45, 5003)) * 10.0 ** rng.uniform(-4, 4, (45, 5003))
             + 1j * rng.standard_normal((45, 5003))).astype(dtype)   # wider than one 4096-word chunk
    else:
        z = rng.integers(0, 65536, (45, 5003)).astype(dtype)
    block = _record_view(z, prefix, dtype) if prefix else z
    compiled = kernels.multilook_raw(block, *looks)
    assert compiled is not None                                      # this layout takes the kernel
    want = multilook_intensity_numpy(z, *looks)
    _assert_float32_close(compiled, want)
    _assert_float32_close(multilook_intensity(block, *looks), want)
    assert compiled.shape == (45 // looks[0], 5003 // looks[1])


@needs_numba
def test_kernel_known_numbers_and_layouts_it_leaves_to_numpy():
    z = np.array([[1 + 1j, 2 + 0j, 0 + 3j, 1 + 0j],
                  [0 + 0j, 1 + 0j, 2 + 2j, 0 + 1j]], dtype=">c8")
    assert kernels.multilook_raw(z, 1, 1).tolist() == [[2, 4, 9, 1], [0, 1, 8, 1]]
    assert kernels.multilook_raw(z, 2, 2).tolist() == [[7 / 4, 19 / 4]]
    assert kernels.multilook_raw(z, 3, 1).shape == (0, 4)
    assert kernels.multilook_raw(np.array([[3, 4], [0, 5]], ">u2"), 2, 2).tolist() == [[50 / 4]]
    assert kernels.multilook_raw(z.astype(np.complex128), 1, 1) is None             # numpy handles these
    assert kernels.multilook_raw(np.zeros((4, 8), ">c8")[:, ::2], 1, 1) is None      # pixels not contiguous
    assert kernels.multilook_raw(np.zeros((4, 4), ">f4"), 1, 1) is None


@needs_numba
@pytest.mark.parametrize("block_lines", [4, 8, 16, 100])
def test_kernel_streaming_equals_numpy_streaming(stripmap, block_lines, monkeypatch):
    """Memory-mapped big-endian records, every block size and 1 or 2 workers: the same numbers as numpy."""
    scene, _ = stripmap
    im = scene.image(1, "HV")
    kw = dict(block_bytes=block_lines * im.record_length)
    with ImageReader(im) as r:
        assert kernels.multilook_raw(r.samples(0, 8), 4, 3) is not None             # mapped records use the kernel
    fast = [list(iter_multilooked_intensity(im, 4, 3, workers=w, **kw)) for w in (1, 2)]
    monkeypatch.setenv("PALSAR2_NO_NUMBA", "1")
    slow = list(iter_multilooked_intensity(im, 4, 3, **kw))
    for got in fast:
        assert [row for row, _ in got] == [row for row, _ in slow]
        for (_, a), (_, b) in zip(got, slow):
            _assert_float32_close(a, b)


_FALLBACK_SCRIPT = """
import sys
{block}
from palsar2_plugin import compiled
from palsar2_plugin.ceos.image import multilook_intensity
import numpy as np
z = np.array([[1 + 1j, 2 + 0j], [0 + 0j, 1 + 0j]], dtype=">c8")
print(compiled.enabled(), "numba" in sys.modules, multilook_intensity(z, 2, 2).tolist())
"""

_NO_NUMBA_IMPORT = """
class _NoNumba:
    def find_spec(self, name, path=None, target=None):
        if name == "numba" or name.startswith("numba."):
            raise ImportError("no numba here")
sys.meta_path.insert(0, _NoNumba())
"""


@pytest.mark.parametrize("how", ["env", "absent"])
def test_fallback_without_numba(how):
    """PALSAR2_NO_NUMBA=1, or numba not importable (QGIS on Windows/macOS): numpy path, same numbers."""
    import os
    import subprocess
    import sys
    env = dict(os.environ)
    env.pop("PALSAR2_NO_NUMBA", None)
    if how == "env":
        env["PALSAR2_NO_NUMBA"] = "1"
    script = _FALLBACK_SCRIPT.format(block=_NO_NUMBA_IMPORT if how == "absent" else "")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2])).stdout.split(maxsplit=2)
    assert out[:2] == ["False", "False"]
    assert out[2].strip() == "[[1.75]]"
