"""The passes over one photo, cheapest and most fruitful first, within a time budget.

1. The photo as it is (zxing-cpp searches 90° turns, both reading directions, smaller scales and
   inverted codes by itself): most clear photos end here.
2. A photo larger than the work size (a phone's original sent as a file): each barcode-like place cut
   out at full resolution, then the whole photo at full resolution (a small code in a big photo).
3. Blur and low resolution over the whole photo: a small photo enlarged, plain and sharpened at two
   strengths; the photo stretched in contrast and sharpened.
4. Each place that looks like a barcode (``regions``), cut out upright at its own angle (any rotation,
   not only 90° steps; perspective by a refined angle) and scale (a small code in a large photo gets its
   pixels back from the full-resolution image; a low-resolution one is enlarged): read plain, with local
   contrast (glare, shadow, low contrast), each row levelled with clipped highlights filled from
   their column (glare), sharpened at two strengths (blur), as 1D profiles averaged
   along the bars (noise, JPEG blocks), raw and deblurred (defocus), and with the other binarizer.
   After the first place, the whole photo with local contrast and with the other binarizer.
5. The whole photo turned by oblique angles, for codes the region finder missed.

Reads are believed as ``tally`` decides: a number only a strongly filtered image or a profile showed
needs a second pass to agree, and two numbers at one place need one to win clearly. The ladder stops as
soon as what was read is settled (then a stack's other barcode-like places get one pass each), or when
the budget is spent (a pass already started finishes).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import zxingcpp
from PIL import Image

from librium.services.barcodes import enhance, regions
from librium.services.barcodes.tally import Read, Tally
from librium.services.barcodes.views import Pyramid, View

WORK_MAX_SIDE = 1280  # the whole-photo passes run at most at this size (Telegram's photo size)
ENLARGED_SIDE = 720  # a smaller photo is also read enlarged to this size (and sharpened)
TARGET_WIDTH = 420  # a region is read at about this many pixels across its bars (~4 per module)
MODULES = 113  # an EAN-13 with its quiet zones is 113 modules wide
WALL_FACTOR = 2.0  # on a busy machine the passes stop at this many times the budget, in wall time
OBLIQUE = (30, 60, 45, 15, 75)  # degrees: the whole photo turned, when the region finder finds nothing
OTHER_BOOK_STRENGTH = 0.5  # a settled photo's other regions at least this strong are read too
OTHER_BOOKS = 3  # ... among its strongest regions
MIN_MODULE = 1.5  # pixels: a linear code read with narrower bars than this does not count
JITTER = (0.88, 1.12)  # a number only a filtered view read is read again at these scales
FULL_DETAIL = 1.3  # a photo this many times the work view's size is also read at full resolution
TILE_TARGET = 640  # pixels across a region's bars in its full-resolution tile (at most)
TILE_MAX_SIDE = 2000  # a tile is cut at most this large

_F = zxingcpp.BarcodeFormat
_B = zxingcpp.Binarizer
ALL_FORMATS = (_F.EAN13, _F.EAN8, _F.UPCA, _F.QRCode, _F.DataMatrix, _F.Aztec)
LINEAR = (_F.EAN13, _F.EAN8, _F.UPCA)
# the whole-photo passes after the first look for book codes only, and not inverted: the first pass
# searched every format both ways, and the 2D formats and inversion double what a pass costs
LATER = {"formats": LINEAR, "invert": False}
_MODULES_OF = {_F.EAN13: 95, _F.UPCA: 95, _F.EAN8: 67}  # modules between the guards
FORMAT_NAMES = {
    _F.EAN13: "EAN-13",
    _F.EAN8: "EAN-8",
    _F.UPCA: "UPC-A",
    _F.QRCode: "QR code",
    _F.DataMatrix: "Data Matrix",
    _F.Aztec: "Aztec code",
}


@dataclass
class Run:
    """One photo's decoding: what was read and which passes ran."""

    tally: Tally = field(default_factory=Tally)
    passes: int = 0
    used: list[str] = field(default_factory=list)
    work: View | None = None  # the whole photo at the size the whole-photo passes read
    regions: list[regions.Region] | None = None  # the region finder's places, in photo pixels, once run

    def places(self) -> list[regions.Region]:
        if self.regions is None:
            assert self.work is not None
            self.regions = [_in_photo(self.work, r) for r in regions.find(self.work.image)]
        return self.regions


def _zxing(image: Image.Image, *, formats=ALL_FORMATS, binarizer=_B.LocalAverage, turn=True, **options):
    return zxingcpp.read_barcodes(
        image,
        formats=formats,
        try_rotate=turn,
        try_downscale=options.get("downscale", True),
        try_invert=options.get("invert", True),
        binarizer=binarizer,
        ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read,
    )


def read_view(run: Run, view: View, *, solid: bool = True, **options) -> None:
    """One pass: zxing over a view; every read goes to the tally at its place in the photo. ``solid``:
    the view's pixels were only resampled or levelled. Sharpening and local contrast can move or make an
    edge and so a wrong number (mild sharpening too: a held-out photo turned 270° read a wrong grocery
    code that way): what such a view alone reads needs a second pass to agree."""
    run.passes += 1
    try:
        found = _zxing(view.image, **options)
    except Exception:  # a decoder failure on one pass must not lose the others
        return
    hits = 0
    for b in found:
        if not b.valid:
            continue
        corners = [b.position.top_left, b.position.top_right, b.position.bottom_right, b.position.bottom_left]
        module = math.dist((corners[0].x, corners[0].y), (corners[1].x, corners[1].y)) / _MODULES_OF.get(
            b.format, 1
        )
        points = [view.point(c.x, c.y) for c in corners]
        center = (sum(p[0] for p in points) / 4, sum(p[1] for p in points) / 4)
        width = max(math.dist(points[0], points[1]), math.dist(points[3], points[2]))
        name = FORMAT_NAMES.get(b.format, str(b.format))
        # bars narrower than MIN_MODULE pixels are guessed more than seen: such a read flags the place
        # (a rival there stays in doubt) but a number needs a read with wider bars to be believed
        axis = math.atan2(points[1][1] - points[0][1], points[1][0] - points[0][0])
        coarse = module < MIN_MODULE
        run.tally.add(Read(name, b.text, center, width, view.name, solid, coarse=coarse, axis=axis))
        hits += 1
    if hits:
        run.used.append(view.name)


def rescaled(pyramid: Pyramid, view: View, factor: float) -> View:
    """The same window of the photo as ``view``, ``factor`` times as many pixels across."""
    w, h = view.image.size
    a, _, _, d, _, _ = view.to_photo
    return pyramid.oriented(
        view.point(w / 2, h / 2),
        math.atan2(d, a),
        factor / view.scale,
        (max(8, round(w * factor)), max(8, round(h * factor))),
        f"{view.name} ×{factor:.2f}",
    )


def read_filtered(
    run: Run,
    pyramid: Pyramid,
    view: View,
    name: str,
    filtered: Callable[[Image.Image, float], Image.Image],
    **options,
) -> Iterator[None]:
    """A pass through a filter that can invent an edge (sharpening, local contrast): ``filtered(image,
    factor)``. When it reads a number no other pass has, the view is read again 12% smaller and larger:
    a number that is really there survives a small change of scale; one an artefact made seldom does."""
    first = view.derived(filtered(view.image, 1.0), name)
    read_view(run, first, solid=False, **options)
    yield
    if not run.tally.alone(first.name):
        return
    for factor in JITTER:
        other = rescaled(pyramid, view, factor)
        read_view(run, other.derived(filtered(other.image, factor), name), solid=False, **options)
        yield


def read_profiles(run: Run, view: View, region: regions.Region, module: float) -> Iterator[None]:
    """Passes over 1D profiles of an upright region: each band, raw and deblurred at two strengths."""
    center = view.point(view.image.width / 2, view.image.height / 2)
    for band, profile in enumerate(enhance.upright_profiles(view.image)):
        for sigma in (0.0, 0.7 * module):
            run.passes += 1
            name = f"{view.name}/profile {band} deblur {sigma / module:.1f}"
            try:
                image = enhance.synthetic(profile, sigma=sigma, module=module)
                found = _zxing(
                    image,
                    formats=LINEAR,
                    binarizer=_B.FixedThreshold,
                    turn=False,
                    downscale=False,
                    invert=False,
                )
            except Exception:
                found = []
            for b in found:
                if b.valid:
                    read = Read(
                        FORMAT_NAMES[b.format], b.text, center, region.across, name, False, axis=region.angle
                    )
                    run.tally.add(read)
                    run.used.append(name)
            yield


def _crispness(pyramid: Pyramid, region: regions.Region) -> float:
    """How crisp the bars of a region stand when cut out upright at its angle: the mean absolute step
    of the profile averaged down the middle half of the bars, at half the reading scale (only that band
    is cut out)."""
    view, _ = _upright(pyramid, region, "crispness", 0.5, band=0.5)
    profile = np.asarray(view.image, dtype=np.float32).mean(axis=0)
    return float(np.abs(np.diff(profile)).mean())


def region_views(
    pyramid: Pyramid, region: regions.Region, index: int, *, refine: bool = True
) -> tuple[View, float]:
    """The region cut out upright at a scale that gives its bars about 4 pixels a module: of the angle
    found and the one across it (a patch holding a strong straight edge beside a small code can fool the
    finder), the one whose averaged bars are crisper, refined by a couple of degrees (perspective)."""
    name = f"region {index}"
    if refine:
        turned = regions.Region(
            region.center, region.angle + math.pi / 2, region.along, region.across, region.strength
        )
        crisp, region = max(((_crispness(pyramid, r), r) for r in (region, turned)), key=lambda cr: cr[0])
        for delta in (-2.0, 2.0, -4.0, 4.0):
            tilted = regions.Region(
                region.center, region.angle + math.radians(delta), region.across, region.along, 1.0
            )
            other = _crispness(pyramid, tilted)
            if other > crisp:
                region, crisp = tilted, other
            elif delta > 0:
                break  # crispness falls off both ways: the best angle is found
    return _upright(pyramid, region, name)


def _upright(
    pyramid: Pyramid, region: regions.Region, name: str, shrink: float = 1.0, band: float = 1.0
) -> tuple[View, float]:
    """The region upright, its bars about 4 pixels a module (× ``shrink``); ``band``: the part of its
    height cut out, around the middle."""
    scale = min(4.0, max(0.3, TARGET_WIDTH / region.across)) * shrink
    w = min(1100, round(region.across * scale * 1.8) + 64)  # the finder may see only part of the code
    h = min(520, max(48, round(region.along * scale * 1.1)))
    module = region.across * scale / MODULES * 1.15
    return pyramid.oriented(region.center, region.angle, scale, (w, max(8, round(h * band))), name), module


def passes(pyramid: Pyramid, run: Run) -> Iterator[None]:
    """Every pass in order; each ``yield`` is a point where the caller may stop."""
    photo = pyramid.photo
    work = run.work = pyramid.whole(min(1.0, WORK_MAX_SIDE / max(photo.size)), "as-is")
    image = work.image
    read_view(run, work)
    yield
    yield from full_detail(pyramid, run)
    # blur and low resolution, over the whole photo: enlarged, then sharpened at two strengths
    factor = ENLARGED_SIDE / max(image.size)
    if factor > 1.2:
        big = pyramid.whole(factor * image.width / photo.width, f"enlarged ×{factor:.1f}")
        read_view(run, big)
        yield
        for radius, percent in ((1.0, 250), (1.5, 300)):
            r = radius * factor
            yield from read_filtered(
                run,
                pyramid,
                big,
                f"sharpen {radius}",
                lambda im, f, r=r, p=percent: enhance.unsharp(im, r * f, p),
                **LATER,
            )
    yield from read_filtered(
        run,
        pyramid,
        work,
        "contrast+sharpen",
        lambda im, f: enhance.unsharp(enhance.stretch(im), 2 * f, 200),
        **LATER,
    )
    # each place that looks like a barcode, upright at its own angle and scale
    for i, region in enumerate(run.places()):
        yield from region_passes(pyramid, region, i, run)
        if i == 0:
            # glare, shadow, low contrast over the whole photo; the other binarizer
            yield from read_filtered(
                run, pyramid, work, "contrast", lambda im, f: enhance.local_contrast(im), **LATER
            )
            read_view(run, work.derived(image, "global"), formats=LINEAR, binarizer=_B.GlobalHistogram)
            yield
    # codes the region finder missed: the whole photo turned by oblique angles
    center = (photo.width / 2, photo.height / 2)
    diagonal = round(math.hypot(*image.size))
    for degrees in OBLIQUE:
        view = pyramid.oriented(
            center, math.radians(degrees), work.scale**-1, (diagonal, diagonal), f"turned {degrees}°"
        )
        read_view(run, view, formats=LINEAR)
        yield


def full_detail(pyramid: Pyramid, run: Run) -> Iterator[None]:
    """A small code in a large photo: the work view shrank its bars below what the engine can read.
    Each barcode-like place is cut out at full resolution (or as much as gives its bars about 6 pixels
    a module), square and unturned, and read at every 90° turn; then the whole photo at full resolution,
    as the engine alone would read it."""
    work = run.work
    assert work is not None
    if work.scale < FULL_DETAIL:
        return
    for i, region in enumerate(run.places()):
        scale = min(1.0, TILE_TARGET / region.across)
        if scale * work.scale < FULL_DETAIL:
            continue  # the work view already shows this code about as sharp
        side = min(TILE_MAX_SIDE, round(1.6 * max(region.across * 1.8, region.along) * scale) + 64)
        tile = pyramid.oriented(region.center, 0.0, scale, (side, side), f"tile {i}")
        read_view(run, tile, formats=LINEAR)
        yield
    read_view(run, pyramid.whole(1.0, "full resolution"))
    yield


def _in_photo(work: View, r: regions.Region) -> regions.Region:
    """A region found in the work image, in photo pixels."""
    return regions.Region(
        work.point(*r.center), r.angle, r.across * work.scale, r.along * work.scale, r.strength
    )


def region_passes(pyramid: Pyramid, region: regions.Region, index: int, run: Run) -> Iterator[None]:
    view, module = region_views(pyramid, region, index)
    read_view(run, view, formats=LINEAR, turn=False)
    yield
    linear = {"formats": LINEAR, "turn": False}
    yield from read_filtered(
        run, pyramid, view, "contrast", lambda im, f: enhance.local_contrast(im), **linear
    )
    yield from read_filtered(
        run, pyramid, view, "glare", lambda im, f: enhance.deglare(im, module * f), **linear
    )
    for strength in (0.8, 1.3):
        r = max(1.0, strength * module)
        yield from read_filtered(
            run,
            pyramid,
            view,
            f"sharpen {strength}",
            lambda im, f, r=r: enhance.unsharp(im, r * f, 250),
            **linear,
        )
    yield from read_profiles(run, view, region, module)
    read_view(
        run, view.derived(view.image, "global"), formats=LINEAR, turn=False, binarizer=_B.GlobalHistogram
    )
    yield


def decode_gray(gray: Image.Image, budget: float) -> Run:
    """Run the passes over a grayscale photo until what was read is settled or the budget is spent:
    ``budget`` seconds of this thread's CPU time (so a busy machine does not change the answer), and
    never more than ``WALL_FACTOR`` times that in wall time. The first pass always runs."""
    cpu_deadline = time.thread_time() + budget
    wall_deadline = time.monotonic() + budget * WALL_FACTOR
    run = Run()
    pyramid = Pyramid(gray)

    def spent() -> bool:
        return time.thread_time() > cpu_deadline or time.monotonic() > wall_deadline

    for _ in passes(pyramid, run):
        if spent():
            return run
        if _done(run.tally):
            break
    for _ in other_books(pyramid, run):
        if spent():
            break
    return run


def other_books(pyramid: Pyramid, run: Run) -> Iterator[None]:
    """Once the photo is settled: a barcode-like place where nothing was read may be another book of a
    stack, one that needs its own angle or scale; each gets one pass, upright at its angle."""
    index = len(run.regions or ())
    for region in run.places()[:OTHER_BOOKS]:
        if region.strength < OTHER_BOOK_STRENGTH or _covered(run.tally, region):
            continue
        view, _ = region_views(pyramid, region, index, refine=False)
        read_view(run, view, formats=LINEAR, turn=False)
        yield
        index += 1


def _covered(tally: Tally, region: regions.Region) -> bool:
    """Some read already sits inside this region."""
    return any(
        math.dist(place.center, region.center) <= 0.6 * max(place.width, region.across)
        for place in tally.places
    )


def _done(tally: Tally) -> bool:
    """Settled, unless the only code read is a Japanese book's price code: its ISBN is the barcode
    beside it, still to be found."""
    if not tally.settled():
        return False
    numbers = [text for fmt, text in tally.believed() if fmt == "EAN-13"]
    return any(n.startswith(("978", "979")) for n in numbers) or not any(
        n.startswith(("191", "192")) for n in numbers
    )
