"""A fake camera for Chromium (--use-file-for-fake-video-capture): a Y4M video made from barcode photos
in tests/fixtures/barcodes, each held in front of the "camera" for a while, one after another."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

BARCODES = Path(__file__).resolve().parents[1] / "fixtures" / "barcodes"
WIDTH, HEIGHT, FPS = 640, 480, 10


def frame(photo: Path) -> bytes:
    """One 4:2:0 frame: the photo fitted into 640×480 on grey."""
    image = Image.open(photo).convert("RGB")
    image.thumbnail((WIDTH, HEIGHT))
    canvas = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    canvas.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    return b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()


def make_video(photos: list[str], path: Path, seconds_each: float = 2.5) -> Path:
    frames = [frame(BARCODES / name) for name in photos]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for data in frames:
            for _ in range(int(seconds_each * FPS)):
                out.write(data)
    return path
