"""Errors of the download layer. Messages name the file, never credentials."""

from __future__ import annotations

import errno

from ..errors import Palsar2Error

#: errno values that mean "the destination is full" (no space, file too large, quota).
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})


class DownloadError(Palsar2Error):
    """A download failed (after retries where that makes sense)."""


class TransferError(DownloadError):
    """The server could not be reached or kept failing; the ``.part`` file is kept for a resume."""


class VerificationError(DownloadError):
    """The downloaded bytes do not match the expected size, checksum or ETag; nothing was kept."""


class NotAFileError(DownloadError):
    """The server answered a web page (sign-in, error) in place of a binary product file; nothing was kept."""


class DiskFullError(DownloadError):
    """The destination ran out of space (or hit a file-size limit); the ``.part`` file is kept."""


class UnsafeArchiveError(DownloadError):
    """An archive member would land outside the destination folder (absolute path, "..", link)."""


class AuthenticationError(DownloadError):
    """The server refused the credentials of the chosen authentication configuration."""
