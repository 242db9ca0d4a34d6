"""Bytes of an uploaded file -> text, whatever encoding the app or the spreadsheet saved it in.

Decided from the bytes, never assumed:
- a BOM says it (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM shows as a NUL in every other byte;
- a few NUL bytes in otherwise plain text (a damaged copy, a crash while saving) are left out with a
  warning; a file with other control bytes in it, or mostly NULs, is binary and refused;
- U+FEFF (a BOM) inside the text, where files were pasted together, and DOS's end-of-file mark
  (Ctrl-Z) are left out;
- valid UTF-8 is UTF-8;
- mostly UTF-8 (it has real multi-byte characters) with a few stray bytes stays UTF-8: each stray
  byte becomes U+FFFD in its own field, the rest of the file is not turned into mojibake;
- otherwise one of the single-byte encodings spreadsheets save in (Windows-1252, Mac Roman): the
  one whose non-ASCII characters read as letters inside words. When neither reads plausibly (an
  ASCII file with a couple of stray bytes), UTF-8 with U+FFFD for those bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from librium.errors import Invalid
from librium.i18n import N_, _, formats, ngettext

_BINARY_MAGIC = {
    b"PK\x03\x04": N_("a ZIP archive or an Excel/Numbers workbook"),
    b"%PDF": N_("a PDF"),
    b"\xd0\xcf\x11\xe0": N_("an old Excel/Word document"),
    b"\x89PNG": N_("an image"),
    b"\xff\xd8\xff": N_("an image"),
    b"GIF8": N_("an image"),
    b"SQLite format 3": N_("a database file"),
    b"\x1f\x8b": N_("a gzip archive"),
}
SINGLE_BYTE = ("cp1252", "mac_roman")
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": N_("Windows-1252 (Western European)"),
    "mac_roman": "Mac Roman",
}
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in (0, 9, 10, 12, 13, 26)))
_BINARY_SHARE = 0.005  # control bytes (other than NUL, tab, line ends, form feed, EOF) in plain text
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_LATIN_LETTERS = set("àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿßœšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞŸŒŠŽ")
_TYPOGRAPHY = set("‘’‚“”„–—…«»€£°·§©®¿¡")


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _check_not_binary(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise Invalid(
            _(
                "The file is too big ({size}); I can import files up to {limit}. Split it into smaller files."
            ).format(size=_mb(len(data)), limit=_mb(max_bytes))
        )
    if not data.strip():
        raise Invalid(_("The file is empty."))
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise Invalid(
                _("This looks like {what}, not a CSV file. Export your library as CSV and send that.").format(
                    what=_(what)
                )
            )


def _is_binary(data: bytes) -> bool:
    """Control bytes a text never has, or mostly NULs (a few NULs are damage to a text, see decode;
    so is a block of them at the end, where a crash left a file's space unwritten)."""
    sample = data[:65536]
    controls = len(sample.translate(None, _NOT_CONTROL))
    text = data.rstrip(b"\x00")
    return controls > _BINARY_SHARE * len(sample) or text.count(0) * 2 > len(text)


def _cleaned(decoded: Decoded) -> Decoded:
    """The text without its NULs (a warning says how many), BOMs inside it and DOS's end-of-file mark."""
    text = decoded.text.replace("\ufeff", "")
    if text[-3:].rstrip().endswith("\x1a"):
        text = text.rstrip().rstrip("\x1a")
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "")
        decoded.warnings.append(
            ngettext(
                "The file had {n} NUL byte in it (damage from a copy or a save); I left it out.",
                "The file had {n} NUL bytes in it (damage from a copy or a save); I left them out.",
                nuls,
            ).format(n=formats.number(nuls))
        )
    decoded.text = text
    return decoded


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def plausibility(text: str) -> float:
    """Share of the non-ASCII runs of ``text`` that read like letters in words or typography."""
    good = total = 0
    for match in _NON_ASCII_RUN.finditer(text):
        total += 1
        run = match.group(0)
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        letters = len(run) <= 3 and all(ch in _LATIN_LETTERS for ch in run)
        if (letters and (before.isalpha() or after.isalpha())) or (len(run) == 1 and run in _TYPOGRAPHY):
            good += 1
    return good / total if total else 1.0


def _replaced_warning(count: int) -> str:
    return ngettext(
        "{n} byte of the file could not be read as text; it shows as � in its field.",
        "{n} bytes of the file could not be read as text; they show as � in their fields.",
        count,
    ).format(n=formats.number(count))


def decode(data: bytes, *, max_bytes: int) -> Decoded:
    """Decode an uploaded file; Invalid when it is not text at all."""
    _check_not_binary(data, max_bytes)
    return _cleaned(_decode(data))


def _decode(data: bytes) -> Decoded:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            if codec == "utf-8":
                break
            try:
                return Decoded(data.decode("utf-16"), "utf-16")
            except UnicodeDecodeError:
                raise Invalid(
                    _("The file says it is UTF-16 but its text is damaged. Save it as UTF-8 CSV.")
                ) from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), "utf-16")
        except UnicodeDecodeError:
            pass
    if _is_binary(data):
        raise Invalid(
            _("This is not a CSV file (it contains binary data). Export your library as CSV and send that.")
        )
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = body.decode("utf-8", errors="replace")
    stray = lenient.count("\ufffd") - body.decode("utf-8", errors="ignore").count("\ufffd")
    multibyte = len(lenient) - len(lenient.encode("ascii", "ignore")) - lenient.count("\ufffd")
    if multibyte >= stray:  # real UTF-8 text with a few stray bytes: keep it UTF-8
        return Decoded(lenient, "utf-8", [_replaced_warning(stray)])
    best = max(SINGLE_BYTE, key=lambda enc: plausibility(body.decode(enc, errors="replace")))
    text = body.decode(best, errors="replace")
    if plausibility(text) >= 0.5:
        name = ENCODING_NAMES[best]
        return Decoded(
            text,
            best,
            [
                _("The file is not UTF-8; I read it as {encoding}. Check accented letters.").format(
                    encoding=_(name)
                )
            ],
        )
    return Decoded(lenient, "utf-8", [_replaced_warning(stray)])
