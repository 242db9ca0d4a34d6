"""Where in a photo a 1D barcode may be, and at what angle: places with many strong, parallel edges.

The structure tensor (products of the x and y gradients, averaged over a window) measures both: its
energy is how much edge there is, its coherence how parallel the edges are, and its angle which way the
edges point. A barcode is a patch with high energy and coherence; text, faces and textures have one
without the other. Computed on a small copy of the photo with numpy (a few milliseconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from librium.services.barcodes.enhance import box_mean

ANALYSIS_SIDE = 256  # the photo is analysed at this longest side
MAX_REGIONS = 4
STEP = 3  # grid step, analysis pixels


@dataclass(frozen=True)
class Region:
    center: tuple[float, float]  # photo pixels
    angle: float  # radians: the direction across the bars (the gradient), in the photo
    across: float  # extent across the bars, photo pixels (the barcode's width)
    along: float  # extent along the bars (its height)
    strength: float  # relative score, 1.0 for the strongest region


def _grow(seed: tuple[int, int], mask: np.ndarray) -> np.ndarray:
    """The connected part of ``mask`` holding ``seed`` (repeated 3×3 dilation inside the mask)."""
    part = np.zeros_like(mask)
    part[seed] = True
    while True:
        grown = part.copy()
        grown[1:, :] |= part[:-1, :]
        grown[:-1, :] |= part[1:, :]
        grown[:, 1:] |= part[:, :-1]
        grown[:, :-1] |= part[:, 1:]
        grown &= mask
        if (grown == part).all():
            return part
        part = grown


def find(photo: Image.Image, limit: int = MAX_REGIONS) -> list[Region]:
    """Candidate barcode regions, strongest first."""
    factor = min(1.0, ANALYSIS_SIDE / max(photo.size))
    small = (
        photo
        if factor == 1.0
        else photo.resize(
            (max(8, round(photo.width * factor)), max(8, round(photo.height * factor))),
            Image.Resampling.BILINEAR,
            reducing_gap=2.0,  # a box reduction first: as smooth, and several times cheaper
        )
    )
    factor = small.width / photo.width
    a = np.asarray(small, dtype=np.float32)
    if min(a.shape) < 8:
        return []
    gx = np.zeros_like(a)
    gy = np.zeros_like(a)
    gx[:, 1:-1] = a[:, 2:] - a[:, :-2]
    gy[1:-1, :] = a[2:, :] - a[:-2, :]
    k = max(5, (min(a.shape) // 12) | 1)
    jxx, jyy, jxy = box_mean(gx * gx, k), box_mean(gy * gy, k), box_mean(gx * gy, k)
    energy = jxx + jyy
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (energy + 1e-3)
    score = energy * coherence**4

    # the rest works on a coarse grid (every STEP-th pixel): enough to place a barcode, and fast
    jxx, jyy, jxy = jxx[::STEP, ::STEP], jyy[::STEP, ::STEP], jxy[::STEP, ::STEP]
    coherence, score = coherence[::STEP, ::STEP], score[::STEP, ::STEP]
    regions: list[Region] = []
    best = float(score.max())
    if best <= 0:
        return []
    taken = np.zeros(score.shape, dtype=bool)
    grid_y, grid_x = np.mgrid[0 : score.shape[0], 0 : score.shape[1]] * STEP
    for _ in range(limit):
        masked = np.where(taken, 0, score)
        peak = np.unravel_index(int(masked.argmax()), masked.shape)
        value = float(masked[peak])
        if value < 0.15 * best:
            break
        part = _grow(peak, (masked > 0.12 * value) & (coherence > 0.4))
        if part.sum() < 2:
            taken[peak] = True
            continue
        angle = 0.5 * math.atan2(2 * float(jxy[part].sum()), float((jxx - jyy)[part].sum()))
        ys, xs = np.nonzero(part)
        xs, ys = xs * STEP, ys * STEP
        ux, uy = math.cos(angle), math.sin(angle)
        u = xs * ux + ys * uy  # across the bars
        v = -xs * uy + ys * ux  # along them
        u0, u1 = float(u.min()), float(u.max())
        v0, v1 = float(v.min()), float(v.max())
        mu, mv = (u0 + u1) / 2, (v0 + v1) / 2
        cx, cy = mu * ux - mv * uy, mu * uy + mv * ux
        across = u1 - u0 + STEP
        along = v1 - v0 + STEP
        # the next region is looked for outside this one (and its window's reach)
        pu = grid_x * ux + grid_y * uy - mu
        pv = -grid_x * uy + grid_y * ux - mv
        taken |= (np.abs(pu) <= across / 2 + k) & (np.abs(pv) <= along / 2 + k)
        regions.append(
            Region(
                ((cx + 0.5) / factor - 0.5, (cy + 0.5) / factor - 0.5),
                angle,
                across / factor,
                along / factor,
                value / best,
            )
        )
    return regions
