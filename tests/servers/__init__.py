"""Loopback servers used by the network tests (HTTP/S3/CSW with fault injection, OpenSSH sshd)."""
