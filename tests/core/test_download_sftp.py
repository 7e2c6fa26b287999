"""SFTP downloads from a real key-only OpenSSH sshd on loopback: verified, resumed, clear errors."""

import hashlib
import os

import pytest

from palsar2_plugin.download.errors import AuthenticationError, DownloadError, TransferError, VerificationError
from palsar2_plugin.download.retry import RetryPolicy
from palsar2_plugin.download.sftp import SftpConnection, SftpSettings, download_sftp
from palsar2_plugin.errors import Cancelled
from servers.fixtures import sshd_server  # noqa: F401

DATA = os.urandom(2 * 1024 * 1024 + 77)
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def remote_file(sshd_server):
    path = sshd_server.data / "scene.zip"
    path.write_bytes(DATA)
    return str(path)


def _settings(sshd, **kw):
    base = dict(host="127.0.0.1", port=sshd.port, username=sshd.user, key_path=str(sshd.user_key),
                known_hosts=str(sshd.root / "known_hosts_client"), timeout=10)
    base.update(kw)
    return SftpSettings(**base)


def test_key_login_download_and_host_key_remembered(sshd_server, remote_file, tmp_path):
    conn = SftpConnection(_settings(sshd_server))
    try:
        res = download_sftp(remote_file, tmp_path / "scene.zip", connection=conn, expected_size=len(DATA),
                            md5=hashlib.md5(DATA).hexdigest(), retry=FAST)
    finally:
        conn.close()
    assert (tmp_path / "scene.zip").read_bytes() == DATA and not (tmp_path / "scene.zip.part").exists()
    assert res.size == len(DATA) and not res.skipped
    assert "127.0.0.1" in (sshd_server.root / "known_hosts_client").read_text()


def test_resume_from_part_and_after_cancel(sshd_server, remote_file, tmp_path):
    dest = tmp_path / "scene.zip"
    conn = SftpConnection(_settings(sshd_server))
    got = []
    try:
        with pytest.raises(Cancelled):
            download_sftp(remote_file, dest, connection=conn, chunk_size=64 * 1024, on_bytes=got.append,
                          is_cancelled=lambda: sum(got) >= 500_000, retry=FAST)
        kept = (tmp_path / "scene.zip.part").stat().st_size
        assert 500_000 <= kept < len(DATA) and not dest.exists()
        res = download_sftp(remote_file, dest, connection=conn, expected_size=len(DATA), retry=FAST)
        assert res.resumed_from == kept and dest.read_bytes() == DATA
        again = download_sftp(remote_file, dest, connection=conn, expected_size=len(DATA), retry=FAST)
        assert again.skipped
    finally:
        conn.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # paramiko's reader thread
def test_connection_lost_mid_transfer_is_resumed(sshd_server, remote_file, tmp_path):
    """Close the SSH transport under the transfer once: the download reconnects and resumes."""
    conn = SftpConnection(_settings(sshd_server))
    state = {"killed": False, "n": 0}

    def on_bytes(n):
        state["n"] += n
        if not state["killed"] and state["n"] >= 300_000:
            state["killed"] = True
            conn._client.get_transport().close()

    try:
        res = download_sftp(remote_file, tmp_path / "s.zip", connection=conn, chunk_size=32 * 1024,
                            on_bytes=on_bytes, retry=FAST, md5=hashlib.md5(DATA).hexdigest())
    finally:
        conn.close()
    assert state["killed"] and res.attempts == 2 and res.size == len(DATA)
    assert (tmp_path / "s.zip").read_bytes() == DATA


def test_wrong_key_and_missing_file_and_bad_size(sshd_server, remote_file, tmp_path):
    import subprocess
    other = tmp_path / "otherkey"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    with pytest.raises(AuthenticationError, match="refused the login"):
        download_sftp(remote_file, tmp_path / "a", connection=SftpConnection(_settings(sshd_server, key_path=str(other))),
                      retry=FAST)
    conn = SftpConnection(_settings(sshd_server))
    try:
        with pytest.raises(DownloadError, match="does not exist"):
            download_sftp(str(sshd_server.data / "nope.zip"), tmp_path / "b", connection=conn, retry=FAST)
        with pytest.raises(VerificationError, match="catalogue says"):
            download_sftp(remote_file, tmp_path / "c", connection=conn, expected_size=len(DATA) + 1, retry=FAST)
        assert not (tmp_path / "c").exists()
    finally:
        conn.close()


def test_changed_host_key_is_refused(sshd_server, remote_file, tmp_path):
    import paramiko
    kh = tmp_path / "known_hosts"
    fake = paramiko.Ed25519Key.from_private_key_file(str(sshd_server.user_key))  # not the host's key
    kh.write_text(f"[127.0.0.1]:{sshd_server.port} ssh-ed25519 {fake.get_base64()}\n")
    conn = SftpConnection(_settings(sshd_server, known_hosts=str(kh)))
    with pytest.raises(DownloadError, match="host key .* differs"):
        download_sftp(remote_file, tmp_path / "a", connection=conn, retry=FAST)


def test_unreachable_sftp_server(tmp_path):
    from servers.sshd import free_port
    conn = SftpConnection(SftpSettings(host="127.0.0.1", port=free_port(), username="x", timeout=2))
    with pytest.raises(TransferError, match="Cannot connect to the SFTP server"):
        download_sftp("/x", tmp_path / "x", connection=conn, retry=RetryPolicy(attempts=2, base_delay=0.01))
