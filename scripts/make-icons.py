#!/usr/bin/env python3
"""Writes the app's icons (PNG, no imaging library needed): a white receipt with a
check mark on hocphi's teal, at 192 and 512 px, plus a maskable 512 px version whose
mark stays inside the safe zone (the middle 80 %).

public/icon-192.png, public/icon-512.png, public/icon-maskable-512.png, and the
link preview's picture for chat apps when a school has no logo, public/og-image.png
(1200 × 630, the mark on teal).
"""
import pathlib, struct, zlib

TEAL = (17, 94, 89)
WHITE = (255, 255, 255)

def png(path, size, pixels, height=None):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, height or size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    path.write_bytes(data)

def icon(size, scale):
    """scale: the share of the side the mark takes (smaller for maskable)."""
    def inside_mark(x, y):
        # Coordinates in 0..1 of the mark's box, centred.
        m = (1 - scale) / 2
        u, v = (x / size - m) / scale, (y / size - m) / scale
        if not (0 <= u <= 1 and 0 <= v <= 1):
            return TEAL
        # The receipt: a white rectangle with a zig-zag bottom edge.
        left, right, top, bottom = 0.22, 0.78, 0.1, 0.86
        zig = 0.05 * abs(((u - left) / 0.08) % 2 - 1)
        if left <= u <= right and top <= v <= bottom - zig:
            # A teal check mark on it.
            def near(ax, ay, bx, by, w=0.045):
                dx, dy = bx - ax, by - ay
                t = max(0, min(1, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy)))
                px, py = ax + t * dx, ay + t * dy
                return (u - px) ** 2 + (v - py) ** 2 <= w * w
            if near(0.34, 0.5, 0.46, 0.63) or near(0.46, 0.63, 0.68, 0.36):
                return TEAL
            return WHITE
        return TEAL
    return [[inside_mark(x, y) for x in range(size)] for y in range(size)]

out = pathlib.Path(__file__).resolve().parent.parent / "public"
png(out / "icon-192.png", 192, icon(192, 0.9))
png(out / "icon-512.png", 512, icon(512, 0.9))
png(out / "icon-maskable-512.png", 512, icon(512, 0.66))
# The preview picture: the 630 px mark in the middle of a 1200 px teal band.
mark = icon(630, 0.8)
side = (1200 - 630) // 2
png(out / "og-image.png", 1200, [[TEAL] * side + row + [TEAL] * side for row in mark], height=630)
print("icons written")
