"""Telling a product file from a page answered in its place (palsar2_plugin.download.content)."""

import os

from palsar2_plugin.download.content import page_instead_of_file


def test_binary_files_that_start_like_markup_or_json_are_files():
    """1 in 128 random files starts with '<' or '{': such files were refused as pages, which made a
    download test fail about once in 30 runs. 2,000 random heads with each start byte are all files."""
    for start in (b"<", b"{", b" \n<"):
        for _ in range(2000):
            head = start + os.urandom(1023)
            assert page_instead_of_file("IMG-HH-ALOS2-x", head, "application/octet-stream") is None


def test_pages_in_any_encoding_are_refused():
    html_sjis = "<!DOCTYPE html><html><body>サインインしてください</body></html>\r\n".encode("shift_jis")
    html_jis = "<html><body>ログイン</body></html>\n".encode("iso2022_jp")
    json_error = b'{"error": "Unauthorized", "code": 401}\n'
    assert page_instead_of_file("x.zip", html_sjis) == "a text document (markup)"
    assert page_instead_of_file("x.zip", html_jis) == "a text document (markup)"
    assert page_instead_of_file("LED-ALOS2x", json_error) == "a text document (JSON)"
    assert page_instead_of_file("x.zip", "ページが見つかりません".encode("euc_jp"), "text/plain") == \
        "a text page (text/plain)"
    assert page_instead_of_file("x.zip", b"PK\x03\x04" + os.urandom(500), "text/plain") is None
    assert page_instead_of_file("notes.txt", html_sjis) is None            # not a binary product name
