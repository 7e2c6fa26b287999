"""Safe zip extraction: traversal, absolute paths and links are refused before anything is written."""

import io
import stat
import zipfile

import pytest

from palsar2_plugin.download.errors import DownloadError, UnsafeArchiveError
from palsar2_plugin.download.extract import safe_extract_zip


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            z.writestr(info, data)
    return path


def test_normal_archive_extracts(tmp_path):
    z = _zip(tmp_path / "a.zip", [("dir/", b"", stat.S_IFDIR | 0o755), ("dir/x.txt", b"hello", None),
                                  ("top.bin", b"\0" * 10, stat.S_IFREG | 0o644)])
    out = safe_extract_zip(z, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in out) == ["dir/x.txt", "top.bin"]
    assert (tmp_path / "out" / "dir" / "x.txt").read_bytes() == b"hello"
    assert not list((tmp_path / "out").rglob("*.part"))


@pytest.mark.parametrize("name,mode,why", [
    ("../escape.txt", None, "outside"),
    ("ok/../../escape.txt", None, "outside"),
    ("/etc/passwd_copy", None, "outside"),
    ("C:/windows.txt", None, "outside"),
    ("..\\win_escape.txt", None, "outside"),
    ("link", stat.S_IFLNK | 0o777, "link"),
])
def test_unsafe_members_refuse_the_whole_archive(tmp_path, name, mode, why):
    z = _zip(tmp_path / "bad.zip", [("first.txt", b"innocent", None), (name, b"/etc/passwd", mode)])
    with pytest.raises(UnsafeArchiveError, match=why):
        safe_extract_zip(z, tmp_path / "out")
    assert not (tmp_path / "out" / "first.txt").exists()  # checked before anything was written
    assert not (tmp_path / "escape.txt").exists()


def test_corrupt_archive_is_a_clear_error(tmp_path):
    (tmp_path / "c.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DownloadError, match="not a readable zip"):
        safe_extract_zip(tmp_path / "c.zip", tmp_path / "out")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("data.bin", b"A" * 1000)
    raw = bytearray(buf.getvalue())
    raw[raw.index(b"A" * 10) + 5] = ord("B")  # flip a byte: CRC mismatch
    (tmp_path / "crc.zip").write_bytes(bytes(raw))
    with pytest.raises(DownloadError, match="corrupt"):
        safe_extract_zip(tmp_path / "crc.zip", tmp_path / "out2")
    assert not (tmp_path / "out2" / "data.bin").exists()
