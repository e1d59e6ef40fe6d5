"""A lyrics file is read in UTF-8 (with or without a byte-order mark) or in UTF-16/UTF-32
with one; anything else is refused naming the file and the line."""

import codecs

import pytest

from studio.engine.lyrics.text_file import LyricsFileError, read_lyrics

TEXT = "[Verse]\r\nThe café lights are low\nWe walk on ☂ the rain\n"


@pytest.mark.parametrize("mark, encoding", [
    (b"", "utf-8"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
])
def test_each_encoding_with_its_mark_reads_the_same_text(tmp_path, mark, encoding):
    path = tmp_path / "words.txt"
    path.write_bytes(mark + TEXT.encode(encoding))
    assert read_lyrics(path) == TEXT


@pytest.mark.parametrize("data, named", [
    (b"[Verse]\nfine\nThe Caf\xe9 lights\n", "line 3 has the byte 0xe9"),
    (b"\xff\xfe" + "ab\ncd".encode("utf-16-le") + b"\x00", "UTF-16 text: line 2"),
    ("one\ntwo".encode("utf-16-le"), "NUL byte on line 1"),
])
def test_other_bytes_are_refused_naming_the_file_and_line(tmp_path, data, named):
    path = tmp_path / "words.txt"
    path.write_bytes(data)
    with pytest.raises(LyricsFileError, match=named) as refused:
        read_lyrics(path)
    assert str(path) in str(refused.value)


def test_a_missing_file_or_a_folder_is_named(tmp_path):
    with pytest.raises(LyricsFileError, match="missing.txt: No such file"):
        read_lyrics(tmp_path / "missing.txt")
    with pytest.raises(LyricsFileError, match="is a folder"):
        read_lyrics(tmp_path)
