"""Fetching products without ever leaving a broken file that looks complete.

- :mod:`.http_download`: resumable, verified HTTPS downloads (``.part`` file, Range resume, size /
  MD5 / ETag checks, retries with exponential backoff honouring Retry-After).
- :mod:`.sftp`: the same over SFTP (paramiko; key or password; offset resume).
- :mod:`.batch`: many transfers with limited parallelism (default 2) and bytes/rate/ETA progress.
- :mod:`.plan`: which files of a :class:`~..catalog.SceneRecord` go where.
- :mod:`.extract`: safe zip extraction (no absolute paths, no "..", no links).
"""

from .errors import (DiskFullError, DownloadError, TransferError, UnsafeArchiveError,
                     VerificationError)

__all__ = ["DiskFullError", "DownloadError", "TransferError", "UnsafeArchiveError", "VerificationError"]
