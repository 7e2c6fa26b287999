"""Block-wise image access and multilooking."""

import numpy as np
import pytest

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.image import ImageReader, intensity, iter_multilooked_intensity, multilook_intensity
from palsar2_plugin.ceos.synthetic import example_description, random_blocks
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
