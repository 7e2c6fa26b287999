"""Safe zip extraction: traversal, absolute paths and links are refused before anything is written."""

import io
import stat
import zipfile

import pytest

from palsar2_plugin.download.errors import DiskFullError, DownloadError, UnsafeArchiveError
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


# --------------------------------------------------------------------------- issue 14: bounded extraction
def _declared(path, member_size, compressed_size):
    """A one-member archive whose central directory declares the given sizes (the data is 1 KiB of zeros)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("IMG-HH-big", b"\0" * 1024)
        z.filelist[0].file_size, z.filelist[0].compress_size = member_size, compressed_size  # written at close
    return path


def test_an_archive_that_expands_too_much_is_refused(tmp_path):
    z = _declared(tmp_path / "bomb.zip", 3 << 30, 3 << 20)  # 3 GiB from 3 MiB: 1024 times
    with pytest.raises(UnsafeArchiveError, match="would expand 1024 times"):
        safe_extract_zip(z, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_an_archive_larger_than_the_free_space_is_refused_before_writing(tmp_path):
    import shutil
    free = shutil.disk_usage(tmp_path).free
    z = _declared(tmp_path / "huge.zip", free + (1 << 30), (free + (1 << 30)) // 2)
    with pytest.raises(DiskFullError, match="needs .* free: free some space"):
        safe_extract_zip(z, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_an_existing_file_is_kept_only_when_it_is_the_member(tmp_path):
    z = _zip(tmp_path / "a.zip", [("IMG-HH-x", b"new data!", None), ("LED-x", b"leader", None)])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "IMG-HH-x").write_bytes(b"old data!")  # same size, other bytes
    (tmp_path / "out" / "LED-x").write_bytes(b"leader")
    before = (tmp_path / "out" / "LED-x").stat().st_mtime_ns
    safe_extract_zip(z, tmp_path / "out")
    assert (tmp_path / "out" / "IMG-HH-x").read_bytes() == b"new data!"
    assert (tmp_path / "out" / "LED-x").stat().st_mtime_ns == before  # identical: not written again
