"""Pixel work that undoes what phones do to a barcode: uneven light and glare (local contrast), blur
(sharpening, 1D deconvolution), noise and JPEG blocks (averaging along the bars).

Every function takes and returns a grayscale Pillow image; numpy does the arithmetic.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter, ImageOps


def _array(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float32)


def _image(a: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def box_mean(a: np.ndarray, k: int) -> np.ndarray:
    """Mean over a k×k window (integral image), same shape."""
    pad = k // 2
    p = np.pad(a, ((pad + 1, pad), (pad + 1, pad)), mode="edge")
    s = p.cumsum(0, dtype=np.float64).cumsum(1)
    h, w = a.shape
    return (s[k:, k:][:h, :w] - s[:-k, k:][:h, :w] - s[k:, :-k][:h, :w] + s[:-k, :-k][:h, :w]) / (k * k)


def local_contrast(img: Image.Image, window: int | None = None) -> Image.Image:
    """Each pixel against its neighbourhood's mean and spread (a CLAHE-like equaliser): evens out
    shadows, glare and low contrast so one threshold fits the whole code."""
    a = _array(img)
    k = window or max(9, (min(a.shape) // 8) | 1)
    mean = box_mean(a, k)
    std = np.sqrt(np.maximum(box_mean(a * a, k) - mean * mean, 0))
    return _image(128 + 60 * (a - mean) / (std + 8))


def unsharp(img: Image.Image, radius: float, percent: int) -> Image.Image:
    return img.filter(ImageFilter.UnsharpMask(radius=radius, percent=percent, threshold=0))


def stretch(img: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(img, cutoff=1)


def upright_profiles(img: Image.Image, bands: int = 3) -> list[np.ndarray]:
    """Column means of horizontal bands of an image whose bars stand upright: averaging along the bars
    keeps their edges and removes noise, JPEG blocks and most of a glare streak's texture."""
    a = _array(img)
    h = a.shape[0]
    profiles = [a[h // 4 : h - h // 4].mean(axis=0)]
    step = h / bands
    profiles += [a[int(i * step) : int((i + 1) * step)].mean(axis=0) for i in range(bands)]
    return profiles


def _envelope_normalise(p: np.ndarray, window: int) -> np.ndarray:
    """0 (bar) … 1 (space) against a running min / max, so slow light changes (shadow, glare) go."""
    n = len(p)
    w = max(3, window)
    padded = np.pad(p, (w, w), mode="edge")
    idx = np.arange(n)[:, None] + np.arange(2 * w + 1)[None, :]
    windows = padded[idx]
    lo, hi = windows.min(axis=1), windows.max(axis=1)
    # smooth the envelopes so one dark bar does not pull its neighbours down
    kernel = np.ones(w) / w
    lo = np.convolve(np.pad(lo, (w, w), mode="edge"), kernel, mode="same")[w:-w]
    hi = np.convolve(np.pad(hi, (w, w), mode="edge"), kernel, mode="same")[w:-w]
    return (p - lo) / np.maximum(hi - lo, 8.0)


def deconvolve(p: np.ndarray, sigma: float, noise: float = 0.02) -> np.ndarray:
    """Wiener deconvolution of a 1D profile blurred by a Gaussian of ``sigma`` pixels (defocus)."""
    n = len(p)
    size = 1 << int(np.ceil(np.log2(n * 2)))
    mean = p.mean()
    padded = np.pad(p - mean, (0, size - n), mode="constant")
    freq = np.fft.rfftfreq(size)
    otf = np.exp(-2 * (np.pi * freq * sigma) ** 2)
    restored = np.fft.irfft(np.fft.rfft(padded) * otf / (otf * otf + noise), size)[:n]
    return restored + mean


def synthetic(profile: np.ndarray, *, sigma: float, module: float) -> Image.Image:
    """A clean barcode image from one profile: deblurred when ``sigma`` > 0, levelled against its
    envelope, thresholded at mid grey and stretched into rows."""
    p = deconvolve(profile, sigma) if sigma > 0 else profile
    level = _envelope_normalise(p, round(module * 6))
    bars = np.where(level < 0.5, 0, 255).astype(np.uint8)
    pad = np.full(round(module * 12), 255, np.uint8)
    row = np.concatenate([pad, bars, pad])
    return Image.fromarray(np.tile(row, (24, 1)), "L")


def _running(a: np.ndarray, reach: int, op) -> np.ndarray:
    """``op`` (np.maximum / np.minimum) over each row's window of ``2 * reach + 1`` pixels, by doubling
    spans (a handful of whole-array steps, whatever the window)."""
    window = 2 * reach + 1
    n = a.shape[1]
    m = np.pad(a, ((0, 0), (reach, reach)), mode="edge")
    span = 1
    while span * 2 <= window:
        m = op(m[:, :-span], m[:, span:])  # m[x]: op over span * 2 pixels from x
        span *= 2
    return op(m[:, :n], m[:, window - span : window - span + n])


def _row_smooth(a: np.ndarray, k: int) -> np.ndarray:
    """Mean over k pixels along each row (cumulative sums), same shape."""
    pad = k // 2
    p = np.pad(a, ((0, 0), (pad + 1, k - pad - 1)), mode="edge")
    s = p.cumsum(1, dtype=np.float64)
    return ((s[:, k:] - s[:, :-k]) / k).astype(np.float32)


GLARE_CONTRAST = 16.0  # grey levels: a window with less between its darkest and lightest holds no bar


def deglare(img: Image.Image, module: float) -> Image.Image:
    """An upright code under a specular highlight: each row levelled against the darkest and lightest
    pixels within a few modules of it (light that varies along and across the bars goes; bars that
    glare left only a little darker than their spaces come back black), and the pixels the highlight
    clipped to white, which hold nothing, filled with their column's level elsewhere: the bars run down
    the columns, so a bar under the spot is the same bar above and below it."""
    a = _array(img)
    reach = max(3, round(module * 4))
    lo = _row_smooth(_running(a, reach, np.minimum), reach)
    hi = _row_smooth(_running(a, reach, np.maximum), reach)
    # where the window holds no contrast (a quiet zone, a wide space) the pixel is a space
    lo = np.minimum(lo, hi - GLARE_CONTRAST)
    level = (a - lo) / (hi - lo)
    top = float(a.max())
    clipped = a >= top - 3 if top >= 245 else np.zeros(a.shape, dtype=bool)
    seen = (~clipped).sum(axis=0)
    if clipped.any():
        kept = np.where(clipped & (seen > 0)[None, :], np.nan, level)  # a column all clipped: its own
        column = np.nanmedian(kept, axis=0)
        # a column that is a bar wherever the light left it readable is a bar under the light too
        bar = (seen >= 0.3 * a.shape[0]) & (column < 0.5)
        level = np.where(clipped & bar[None, :], column[None, :], level)
    return _image(level * 255)
