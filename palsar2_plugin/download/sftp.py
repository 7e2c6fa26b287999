"""Resumable, verified SFTP download (paramiko), for G-Portal (new: key only, port 22; legacy: password).

Same guarantees as :mod:`.http_download`: write ``<dest>.part``, resume at its size (remote
``seek``) only while the server's file has the size and modification time recorded when the
``.part`` was started (SFTP has no ETag), check the size and the MD5 when the catalogue gives one,
rename only when checked, retry broken connections with backoff (reconnecting). SFTP servers
(OpenSSH, AWS Transfer Family as used by G-Portal) offer no checksum of a file, so without the
catalogue's MD5 a file is complete but *unverified* (``verified_by`` "") and the result says so; an
existing file is skipped only while its recorded size and time and the server's still agree. Host keys: known hosts are read from
``known_hosts`` if given; an unknown host is trusted on first use and remembered there (or
refused when ``trust_new_host`` is False); a changed key is always refused.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..errors import Cancelled
from ..progress import CancelCheck, check_cancelled
from .content import check_is_a_file
from .errors import (DISK_FULL_ERRNOS, AuthenticationError, DiskFullError, DownloadError, NotAFileError,
                     TransferError, VerificationError)
from .http_download import DownloadResult, part_path
from .state import (BY_MD5, UNVERIFIED, Validator, clear_state, complete_state, partial_validator, record_complete,
                    record_partial)
from .retry import RetryPolicy

_PIECE = 32 * 1024  # one SFTP read request (paramiko's MAX_REQUEST_SIZE)


@dataclass(frozen=True)
class SftpSettings:
    """Where and how to log in. Secrets (``password``, ``key_passphrase``) never appear in repr()."""

    host: str
    port: int = 22
    username: str = ""
    key_path: Optional[str] = None
    password: Optional[str] = field(default=None, repr=False)
    key_passphrase: Optional[str] = field(default=None, repr=False)
    known_hosts: Optional[str] = None
    trust_new_host: bool = True
    timeout: float = 30.0


def _load_key(path: str, passphrase: Optional[str]):
    import paramiko
    errors = []
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return cls.from_private_key_file(path, password=passphrase)
        except paramiko.PasswordRequiredException:
            raise AuthenticationError(f"The SSH key {os.path.basename(path)} is protected by a passphrase: "
                                      "store the passphrase in the authentication configuration.") from None
        except (paramiko.SSHException, ValueError) as exc:
            errors.append(type(exc).__name__)
        except OSError as exc:
            raise AuthenticationError(f"Cannot read the SSH key file {path} ({exc.strerror}).") from None
    raise AuthenticationError(f"{os.path.basename(path)} is not a private key paramiko can read "
                              "(Ed25519, ECDSA or RSA in OpenSSH/PEM format).")


class SftpConnection:
    """A lazily (re)connected SFTP session. Not shared between threads: make one per worker."""

    def __init__(self, settings: SftpSettings):
        self.settings = settings
        self._client = None
        self._sftp = None

    def sftp(self):
        """The open ``paramiko.SFTPClient``, connecting first if needed."""
        if self._sftp is None:
            self._connect()
        return self._sftp

    def _connect(self) -> None:
        import paramiko
        s = self.settings
        client = paramiko.SSHClient()
        if s.known_hosts and os.path.exists(s.known_hosts):
            client.load_host_keys(s.known_hosts)
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy() if s.trust_new_host else paramiko.RejectPolicy())
        pkey = _load_key(s.key_path, s.key_passphrase) if s.key_path else None
        where = f"{s.host}:{s.port}"
        try:
            client.connect(s.host, port=s.port, username=s.username, pkey=pkey, password=s.password,
                           look_for_keys=False, allow_agent=False, timeout=s.timeout, banner_timeout=s.timeout,
                           auth_timeout=s.timeout)
        except paramiko.BadHostKeyException:
            client.close()
            raise DownloadError(f"The host key of {where} differs from the one recorded in {s.known_hosts}: "
                                "the server may be impersonated. If JAXA really changed its key, remove the "
                                "old entry from that file and run again.") from None
        except paramiko.AuthenticationException:
            client.close()
            raise AuthenticationError(f"The SFTP server {where} refused the login of user {s.username!r}: "
                                      "check the user name and the key or password in the authentication "
                                      "configuration (the new G-Portal accepts public keys only).") from None
        except paramiko.SSHException as exc:
            client.close()
            if "not found in known_hosts" in str(exc):
                raise DownloadError(f"The host key of {where} is unknown and new hosts are not trusted: add it "
                                    f"to {s.known_hosts or 'the known hosts file'}.") from None
            raise TransferError(f"SSH connection to {where} failed ({type(exc).__name__}).") from None
        except (OSError, EOFError) as exc:
            client.close()
            raise TransferError(f"Cannot connect to the SFTP server {where} "
                                f"({getattr(exc, 'strerror', None) or type(exc).__name__}): check host, port and "
                                "network.") from None
        if s.known_hosts and s.trust_new_host:
            try:
                os.makedirs(os.path.dirname(os.path.abspath(s.known_hosts)), exist_ok=True)
                client.save_host_keys(s.known_hosts)
            except OSError:
                pass  # remembering the key is a convenience; the transfer itself is unaffected
        self._client = client
        self._sftp = client.open_sftp()

    def close(self) -> None:
        for obj in (self._sftp, self._client):
            try:
                if obj is not None:
                    obj.close()
            except Exception:  # closing a broken connection may fail in many ways; nothing to save
                pass
        self._sftp = self._client = None


_RETRYABLE = (ConnectionError, socket.timeout, TimeoutError, EOFError)


def _retryable_ssh_errors():
    import paramiko
    return _RETRYABLE + (paramiko.SSHException,)


def download_sftp(remote_path: str, dest, *, connection: SftpConnection, expected_size: Optional[int] = None,
                  md5: Optional[str] = None, retry: RetryPolicy = RetryPolicy(), chunk_size: int = 8 << 20,
                  on_bytes: Optional[Callable[[int], None]] = None, is_cancelled: Optional[CancelCheck] = None,
                  sleep: Callable[[float], None] = time.sleep) -> DownloadResult:
    """Download ``remote_path`` to ``dest`` over ``connection``, verified, resuming ``<dest>.part``.

    Reads ``chunk_size`` bytes at a time as pipelined 32 KiB requests. Raises like
    :func:`~.http_download.download_http`.
    """
    dest = Path(dest)
    part = part_path(dest)
    emit = on_bytes or (lambda n: None)
    want_md5 = md5.lower() if md5 else None
    retryable = _retryable_ssh_errors()
    dest.parent.mkdir(parents=True, exist_ok=True)
    failures = attempts = 0
    first_offset = None
    while True:
        check_cancelled(is_cancelled)
        attempts += 1
        try:
            sftp = connection.sftp()
            try:
                attrs = sftp.stat(remote_path)
            except IOError as exc:
                if getattr(exc, "errno", None) == errno.ENOENT:
                    raise DownloadError(f"{remote_path} does not exist on the SFTP server: check the path rule "
                                        "in the settings or refresh the catalogue.") from None
                raise
            total = attrs.st_size
            version = Validator(last_modified=str(int(attrs.st_mtime)) if attrs.st_mtime else None, size=total)
            if attempts == 1 and dest.exists():
                proven = _proven_complete(dest, remote_path, version, expected_size, want_md5)
                if proven is not None:
                    return DownloadResult(dest, total, skipped=True, verified_by=proven)
            if expected_size is not None and total != expected_size:
                raise VerificationError(f"{remote_path} has {total} bytes on the server but the catalogue says "
                                        f"{expected_size}: refresh the catalogue.")
            offset = _resume_offset(dest, part, version)
            if first_offset is None:
                first_offset = offset
                if offset:
                    emit(offset)
            if offset == 0:
                record_partial(dest, remote_path, version)
            with sftp.open(remote_path, "rb") as remote, open(part, "ab" if offset else "wb", 1 << 20) as out:
                done = offset
                while done < total:
                    # pipelined reads of one batch in 32 KiB requests (paramiko's whole-file prefetch and
                    # large read() calls slow down quadratically on big files)
                    batch = min(chunk_size, total - done)
                    pieces = [(done + i, min(_PIECE, batch - i)) for i in range(0, batch, _PIECE)]
                    got = 0
                    for data in remote.readv(pieces):
                        out.write(data)
                        got += len(data)
                        emit(len(data))
                        if is_cancelled is not None and is_cancelled():
                            done += got
                            out.flush()
                            raise Cancelled(f"Download cancelled; {part.name} is kept and will resume.")
                    if got == 0:
                        break
                    done += got
                out.flush()
                getattr(os, "fdatasync", os.fsync)(out.fileno())
            if done < total:
                raise EOFError(f"the file ended early ({done} of {total} bytes)")
            got_md5 = _md5(part) if want_md5 else None
            if want_md5 and got_md5 != want_md5:
                emit(-total)
                part.unlink()
                clear_state(dest)
                failures += 1
                if failures >= retry.attempts:
                    raise VerificationError(f"Download of {remote_path} failed the MD5 check {failures} times.")
                sleep(retry.delay(failures))
                continue
            try:
                check_is_a_file(part, dest.name, remote_path)
            except NotAFileError:
                emit(-total)
                part.unlink()
                clear_state(dest)
                raise
            os.replace(part, dest)
            verified_by = BY_MD5 if want_md5 else UNVERIFIED
            record_complete(dest, remote_path, version, verified_by, got_md5)
            return DownloadResult(dest, total, attempts=attempts, resumed_from=first_offset or 0,
                                  verified_by=verified_by)
        except TransferError as exc:  # could not connect: worth another try
            failure = exc
        except (DownloadError, Cancelled):
            raise
        except retryable as exc:
            failure = exc
        except OSError as exc:
            if exc.errno in DISK_FULL_ERRNOS:
                raise DiskFullError(
                    f"Not enough space to write {dest.name} in {dest.parent} ({os.strerror(exc.errno)}): free some "
                    f"space or choose another folder, then run again; {part.name} is kept and will resume.") from None
            if exc.errno is not None:
                raise DownloadError(f"SFTP download of {remote_path} failed ({exc.strerror}).") from None
            failure = exc  # socket-level trouble reported without an errno
        connection.close()
        failures += 1
        if failures >= retry.attempts:
            if isinstance(failure, TransferError):
                raise TransferError(f"{failure} (gave up after {attempts} attempts)") from None
            raise TransferError(f"SFTP download of {remote_path} failed after {attempts} attempts "
                                f"({type(failure).__name__}); {part.name} is kept and a new run resumes it.")
        sleep(retry.delay(failures))


def _proven_complete(dest: Path, remote_path: str, remote: Validator, expected_size, want_md5) -> Optional[str]:
    """How ``dest`` is proven to be ``remote`` ("md5", or the recorded "verified_by" when its recorded
    size and modification time still match the server's), or None (fetch it again)."""
    size = dest.stat().st_size
    if size != remote.size or (expected_size is not None and size != expected_size):
        return None
    recorded = complete_state(dest)
    if recorded is not None:
        if want_md5 and recorded.md5 == want_md5:
            return BY_MD5
        if not want_md5 and recorded.validator.same_object(remote):
            return recorded.verified_by
    if want_md5 and _md5(dest) == want_md5:
        record_complete(dest, remote_path, remote, BY_MD5, want_md5)
        return BY_MD5
    return None


def _resume_offset(dest: Path, part: Path, remote: Validator) -> int:
    """Bytes of ``part`` to keep: all when its recorded validator (size and modification time) is the
    server's now, else 0 (the ``.part`` is removed)."""
    if not part.exists():
        return 0
    offset = part.stat().st_size
    recorded = partial_validator(dest)
    if recorded is not None and recorded.same_object(remote) and offset <= (remote.size or 0):
        return offset
    part.unlink()
    clear_state(dest)
    return 0


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ThreadConnections:
    """One :class:`SftpConnection` per thread (paramiko channels are not shared between threads)."""

    def __init__(self, settings: SftpSettings):
        self.settings = settings
        self._local = threading.local()
        self._all = []
        self._lock = threading.Lock()

    def get(self) -> SftpConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = SftpConnection(self.settings)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close_all(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
