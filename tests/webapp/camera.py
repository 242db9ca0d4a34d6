"""A fake camera for Chromium (--use-file-for-fake-video-capture): a Y4M video made from barcode photos
in tests/fixtures/barcodes, each held in front of the "camera" for a while, one after another."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image

BARCODES = Path(__file__).resolve().parents[1] / "fixtures" / "barcodes"
WIDTH, HEIGHT, FPS = 640, 480, 10


def frame(photo: Path) -> Image.Image:
    """The photo fitted into 640×480 on grey."""
    image = Image.open(photo).convert("RGB")
    image.thumbnail((WIDTH, HEIGHT))
    canvas = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    canvas.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    return canvas


def y4m_frame(image: Image.Image) -> bytes:
    """One 4:2:0 frame of an RGB image."""
    y, cb, cr = image.convert("YCbCr").split()
    half = (image.width // 2, image.height // 2)
    return b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()


def write_y4m(path: Path, frames: Iterable[tuple[Image.Image, float]], fps: int = FPS) -> Path:
    """A video of ``(image, seconds)`` shots, all of the first image's size."""
    with path.open("wb") as out:
        for n, (image, seconds) in enumerate(frames):
            if n == 0:
                out.write(f"YUV4MPEG2 W{image.width} H{image.height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
            data = y4m_frame(image)
            for _ in range(round(seconds * fps)):
                out.write(data)
    return path


def make_video(photos: list[str], path: Path, seconds_each: float = 2.5) -> Path:
    return write_y4m(path, ((frame(BARCODES / name), seconds_each) for name in photos))
