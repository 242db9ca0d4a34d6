"""Naming what a decoded code is: a book's ISBN, another product (groceries, a periodical, sheet music)
or another symbology (QR code...)."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import ean as _ean
from stdnum import issn as _issn

from librium import isbn as isbn_mod
from librium.i18n import _

KIND_ISBN = "isbn"
KIND_PRODUCT = "product"  # an EAN/UPC that is not a book (magazine, sheet music, groceries...)
KIND_OTHER = "other"  # another symbology (QR code, Data Matrix...)

RETAIL = ("EAN-13", "EAN-8", "UPC-A")
_MAIN_LENGTH = {"EAN-13": 13, "EAN-8": 8, "UPC-A": 12}


@dataclass(frozen=True)
class DecodedCode:
    """One distinct code seen in the image."""

    text: str  # what the code holds; for EAN/UPC the digits without the add-on
    format: str  # "EAN-13", "UPC-A", "QR code", ...
    kind: str  # KIND_ISBN, KIND_PRODUCT or KIND_OTHER
    isbn13: str | None = None  # set when kind == KIND_ISBN
    addon: str | None = None  # EAN-2/EAN-5 add-on digits (price on books, issue on magazines)
    description: str = ""  # a short phrase naming what was seen, for the user

    @property
    def is_book(self) -> bool:
        return self.kind == KIND_ISBN


def split_retail(format_name: str, text: str) -> tuple[str, str | None]:
    """(main digits, add-on digits or None) of an EAN/UPC text that may carry an add-on."""
    digits = "".join(ch for ch in text if ch.isdigit())
    size = _MAIN_LENGTH[format_name]
    return digits[:size], digits[size:] or None


def check_digit_ok(format_name: str, main: str) -> bool:
    """The EAN/UPC check digit is right (the decoder checks it too; this is a second, independent look)."""
    return len(main) == _MAIN_LENGTH[format_name] and main.isdigit() and _ean.is_valid(main)


def classify(format_name: str, text: str) -> DecodedCode:
    """Name what a decoded code is. ``text`` may carry an EAN add-on after the 13 (or 12) digits."""
    if format_name not in RETAIL:
        shown = text if len(text) <= 80 else text[:77] + "..."
        return DecodedCode(text, format_name, KIND_OTHER, description=f"{format_name}: {shown}")

    main, addon = split_retail(format_name, text)
    if format_name != "EAN-13":
        return _product(main, format_name, addon, _("product code {code}").format(code=main))
    if main.startswith("9790"):
        return _product(main, format_name, addon, _("ISMN {code} (printed music)").format(code=main))
    if main.startswith(("978", "979")):
        isbn13 = isbn_mod.try_normalise(main)
        if isbn13:
            return DecodedCode(main, format_name, KIND_ISBN, isbn13, addon, f"ISBN {main}")
    if main.startswith("977"):
        body = main[3:10]
        issn = _issn.format(body + _issn.calc_check_digit(body))
        if addon:
            what = _("ISSN {issn} (a magazine or periodical, issue {issue})").format(issn=issn, issue=addon)
        else:
            what = _("ISSN {issn} (a magazine or periodical)").format(issn=issn)
        return _product(main, format_name, addon, what)
    if main.startswith(("191", "192")):
        # Japan's second barcode on a book: classification and price; the ISBN is the other barcode.
        return _product(
            main,
            format_name,
            addon,
            _("Japanese book price code {code} (the ISBN is the other barcode)").format(code=main),
        )
    if main.startswith("0"):
        return _product(main, format_name, addon, _("UPC product code {code}").format(code=main[1:]))
    return _product(main, format_name, addon, _("product code {code} (not a book)").format(code=main))


def _product(main: str, format_name: str, addon: str | None, description: str) -> DecodedCode:
    return DecodedCode(main, format_name, KIND_PRODUCT, None, addon, description)
