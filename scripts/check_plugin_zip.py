#!/usr/bin/python3
"""The upload checks of the QGIS plugin repository (plugins.qgis.org), run on a built plugin zip.

The rules follow the repository's validator (QGIS-Django ``plugins/validator.py`` and the model fields
the metadata is stored in); this is our own implementation of them:

- the zip is at most 25,000,000 bytes, opens, and every member's CRC is right;
- no member path holds ``..`` or starts with ``/``; no ``.pyc`` file; no ``__pycache__``, ``.git`` or
  ``__MACOSX`` folder;
- one top folder, whose name starts with an ASCII letter and holds only letters, digits, ``-`` and
  ``_`` (and, for a new plugin, is PEP 8: lowercase letters, digits and ``_``);
- ``<folder>/__init__.py``, ``<folder>/metadata.txt`` and ``<folder>/LICENSE`` exist;
- metadata.txt parses as the repository parses it (configparser with interpolation: a stray ``%``
  fails) and has a ``[general]`` section with name, description, version, qgisMinimumVersion, author,
  email, about, tracker and repository, none empty;
- tracker, repository and homepage are absolute URLs (scheme and host), not the template's
  placeholders (the repository also requests them; that needs the network and is not done here);
- experimental, deprecated, server are booleans; author has no ``/``; email looks like one;
  version and qgisMinimumVersion / qgisMaximumVersion are dotted numbers with at most 3 digits per
  part (the repository sorts them so) and at most 32 characters; name at most 256;
- the icon named in the metadata is in the zip.

Usage: scripts/check_plugin_zip.py dist/palsar2_scansar-<version>.zip   (exit 1 and a list of problems)
"""

from __future__ import annotations

import configparser
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import List
from urllib.parse import urlparse

MAX_BYTES = 25_000_000
REQUIRED = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker",
            "repository")
BOOLEANS = ("experimental", "deprecated", "server")
PLACEHOLDER_URLS = {"tracker": "http://bugs", "repository": "http://repo", "homepage": "http://homepage"}
FORBIDDEN_FOLDERS = ("__MACOSX", ".git", "__pycache__")
VERSION = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def check(path: str) -> List[str]:
    """Problems the plugin repository would refuse the zip at ``path`` for ([] when none)."""
    problems: List[str] = []
    size = Path(path).stat().st_size
    if size > MAX_BYTES:
        problems.append(f"the zip is {size} bytes; the repository takes at most {MAX_BYTES}")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        return problems + [f"not a readable zip ({error})"]
    with archive:
        names = archive.namelist()
        bad = archive.testzip()
        if bad:
            problems.append(f"bad CRC in {bad}")
        for name in names:
            if ".." in name or name.startswith("/"):
                problems.append(f"{name}: path information is refused")
            if ".pyc" in name:
                problems.append(f"{name}: compiled Python files are refused")
            for folder in FORBIDDEN_FOLDERS:
                if folder in name.split("/"):
                    problems.append(f"{name}: a {folder} folder is refused")
        tops = sorted({name.split("/")[0] for name in names})
        if len(tops) != 1 or not names or "/" not in names[0]:
            return problems + [f"the zip must hold one top folder, not {tops}"]
        top = tops[0]
        if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", top):
            problems.append(f"top folder {top!r}: must start with a letter and hold only letters, digits, - and _")
        if not re.match(r"^[a-z_][a-z0-9_]*$", top):
            problems.append(f"top folder {top!r}: a new plugin's folder must be PEP 8 (lowercase, digits, _)")
        for required in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{top}/{required}" not in names:
                problems.append(f"{top}/{required} is missing")
        if f"{top}/metadata.txt" not in names:
            return problems
        parser = configparser.ConfigParser()        # with interpolation, as the repository reads it
        parser.optionxform = str
        try:
            parser.read_file(io.StringIO(archive.read(f"{top}/metadata.txt").decode("utf-8")))
            if not parser.has_section("general"):
                return problems + ["metadata.txt has no [general] section"]
            metadata = dict(parser.items("general"))
        except (configparser.Error, UnicodeDecodeError) as error:
            return problems + [f"metadata.txt cannot be parsed ({error})"]
        for key in REQUIRED:
            if not metadata.get(key, "").strip():
                problems.append(f"metadata.txt: {key} is missing or empty")
        for key, placeholder in PLACEHOLDER_URLS.items():
            url = metadata.get(key, "").strip()
            if not url:
                continue
            parts = urlparse(url)
            if url == placeholder or not (parts.scheme in ("http", "https") and parts.netloc) or len(url) > 200:
                problems.append(f"metadata.txt: {key} is not a valid URL ({url!r})")
        for key in BOOLEANS:
            if key in metadata and metadata[key].strip().lower() not in ("true", "false", "1", "0"):
                problems.append(f"metadata.txt: {key} must be True or False, not {metadata[key]!r}")
        if "/" in metadata.get("author", ""):
            problems.append("metadata.txt: author cannot contain slashes")
        if not EMAIL.match(metadata.get("email", "").strip()):
            problems.append(f"metadata.txt: email {metadata.get('email')!r} is not an address")
        for key in ("version", "qgisMinimumVersion", "qgisMaximumVersion"):
            value = metadata.get(key, "").strip()
            if value and (not VERSION.match(value) or len(value) > 32):
                problems.append(f"metadata.txt: {key} {value!r} must be dotted numbers of at most 3 digits each")
        if len(metadata.get("name", "")) > 256:
            problems.append("metadata.txt: name is longer than 256 characters")
        icon = metadata.get("icon", "").strip()
        if icon and f"{top}/{icon[2:] if icon.startswith('./') else icon}" not in names:
            problems.append(f"metadata.txt: icon {icon} is not in the zip")
    return problems


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    problems = check(argv[0])
    for problem in problems:
        print(f"{argv[0]}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{argv[0]}: passes the plugin repository's upload checks")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
