"""Geometric views of a photo: scaled, cropped, turned to any angle, each remembering how its pixels map
back to the photo (so reads from different views can be compared by where they are)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image

Affine = tuple[float, float, float, float, float, float]  # (a, b, c, d, e, f): x' = a x + b y + c ...
MAGNIFY_IN_TWO = 1.25  # a view enlarging its source more than this is turned first, then enlarged


@dataclass(frozen=True)
class View:
    image: Image.Image
    to_photo: Affine  # maps a pixel of ``image`` to the photo's pixel
    name: str

    def point(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.to_photo
        return a * x + b * y + c, d * x + e * y + f

    @property
    def scale(self) -> float:
        """Photo pixels per view pixel."""
        a, _, _, d, _, _ = self.to_photo
        return math.hypot(a, d)

    def derived(self, image: Image.Image, name: str) -> View:
        """The same geometry with other pixels (a filtered copy of ``image``)."""
        return View(image, self.to_photo, f"{self.name}+{name}" if self.name else name)


class Pyramid:
    """The photo at 1, 1/2, 1/4... of its size (made on first use), so that a view never resamples
    from much finer pixels than it shows (Pillow's affine transform does not smooth)."""

    def __init__(self, photo: Image.Image) -> None:
        self.levels = [photo]

    @property
    def photo(self) -> Image.Image:
        return self.levels[0]

    def level_for(self, scale: float) -> tuple[Image.Image, float]:
        """The coarsest level still at least ``scale`` times the photo's size, and its factor."""
        factor = 1.0
        index = 0
        while factor / 2 >= scale and min(self.levels[index].size) >= 32:
            index += 1
            factor /= 2
            if index == len(self.levels):
                self.levels.append(self.levels[-1].reduce(2))
        return self.levels[index], factor

    def whole(self, scale: float, name: str) -> View:
        """The whole photo at ``scale`` (Lanczos resampling)."""
        photo = self.photo
        if abs(scale - 1) < 1e-6:
            return View(photo, (1, 0, 0, 0, 1, 0), name)
        source, _ = self.level_for(scale)
        size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
        image = source.resize(size, Image.Resampling.LANCZOS)
        return View(image, (photo.width / size[0], 0, 0, 0, photo.height / size[1], 0), name)

    def oriented(
        self,
        center: tuple[float, float],
        angle: float,
        scale: float,
        size: tuple[int, int],
        name: str,
    ) -> View:
        """A ``size`` window around ``center`` whose x axis runs along ``angle`` (radians, in the
        photo), magnified ``scale`` times: turning the gradient of a barcode's bars to the x axis
        stands the bars upright."""
        source, factor = self.level_for(scale)
        cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
        w, h = size
        cx, cy = center
        # photo point of view pixel (u, v): center + (u - w/2) * (cos, sin) + (v - h/2) * (-sin, cos)
        to_photo = (cos, -sin, cx - cos * w / 2 + sin * h / 2, sin, cos, cy - sin * w / 2 - cos * h / 2)
        a, b, c, d, e, f = (v * factor for v in to_photo)
        magnify = scale / factor  # view pixels per source pixel
        if magnify <= MAGNIFY_IN_TWO:
            image = source.transform(
                size,
                Image.Transform.AFFINE,
                (a, b, c, d, e, f),
                resample=Image.Resampling.BICUBIC,
                fillcolor=255,
            )
        else:
            # turned at the source's own pixel size, then enlarged: the same view (within a grey level or
            # two) for a fraction of the cost, as a separable resize is far cheaper per pixel than a
            # bicubic affine transform
            m = magnify
            small = (math.ceil(w / m) + 1, math.ceil(h / m) + 1)
            turned = source.transform(
                small,
                Image.Transform.AFFINE,
                (a * m, b * m, c, d * m, e * m, f),
                resample=Image.Resampling.BICUBIC,
                fillcolor=255,
            )
            image = turned.resize(size, Image.Resampling.BICUBIC, box=(0, 0, w / m, h / m))
        return View(image, to_photo, name)
