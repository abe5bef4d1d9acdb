"""Draw the example school's two activity photos (data_examples/扯乐完小/照片/).

Invented pictures, not photographs: a blackboard newspaper (黑板报) in green with coloured
chalk, and a class meeting (主题班会) seen from the back of the room. Drawn at twice the size
and scaled down, so the edges are smooth; the same every run (a fixed random seed).
Run ``.venv/bin/python tools/make_example_photos.py`` after changing a drawing.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "data_examples" / "扯乐完小" / "照片"
SIZE = (1000, 750)
S = 2  # drawn at twice the size
CHALK = [(250, 250, 245), (255, 236, 120), (255, 170, 190), (150, 220, 255), (190, 240, 160)]


def _chalk_line(draw: ImageDraw.ImageDraw, rng: random.Random, x0: float, y: float, x1: float,
                colour: tuple[int, int, int], width: int = 5) -> None:
    """Draw a line of "handwriting": short chalk strokes with small gaps, slightly wavy."""
    x = x0
    while x < x1:
        length = rng.uniform(18, 46) * S
        end = min(x + length, x1)
        points = []
        steps = 6
        for i in range(steps + 1):
            px = x + (end - x) * i / steps
            points.append((px, y + rng.uniform(-3, 3) * S))
        draw.line(points, fill=colour, width=width * S, joint="curve")
        x = end + rng.uniform(8, 16) * S


def blackboard() -> Image.Image:
    """Return the blackboard newspaper: title band, columns of chalk text, a sun and flowers."""
    rng = random.Random(2018)
    w, h = SIZE[0] * S, SIZE[1] * S
    img = Image.new("RGB", (w, h), (236, 226, 196))  # the classroom wall
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, h * 0.86, w, h], fill=(190, 170, 140))  # skirting
    frame = (60 * S, 55 * S, w - 60 * S, h * 0.80)
    draw.rounded_rectangle(frame, radius=10 * S, fill=(120, 80, 45))  # wooden frame
    board = (frame[0] + 16 * S, frame[1] + 16 * S, frame[2] - 16 * S, frame[3] - 16 * S)
    draw.rectangle(board, fill=(34, 92, 64))
    # chalk dust: lighter patches
    dust = Image.new("L", (w, h), 0)
    dd = ImageDraw.Draw(dust)
    for _ in range(40):
        cx, cy = rng.uniform(board[0], board[2]), rng.uniform(board[1], board[3])
        r = rng.uniform(20, 70) * S
        dd.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rng.randint(10, 26))
    dust = dust.filter(ImageFilter.GaussianBlur(30 * S))
    img.paste((200, 220, 205), (0, 0), dust)
    draw = ImageDraw.Draw(img)
    draw.rectangle([board[0], board[1], board[2], board[1]], fill=(34, 92, 64))
    left, top, right, bottom = board
    # the title band, in yellow, with a wavy underline in pink
    mid = (left + right) / 2
    for i in range(7):  # seven "characters" as chalk squares of strokes
        cx = mid - 3 * 62 * S + i * 62 * S
        cy = top + 62 * S
        for _ in range(4):
            a = rng.uniform(-22, 22) * S
            b = rng.uniform(-22, 22) * S
            draw.line([(cx - 22 * S, cy + a / 2), (cx + 22 * S, cy + b / 2)], fill=CHALK[1],
                      width=6 * S)
        draw.line([(cx + rng.uniform(-8, 8) * S, cy - 24 * S),
                   (cx + rng.uniform(-8, 8) * S, cy + 24 * S)], fill=CHALK[1], width=6 * S)
    wave = [(left + 150 * S + x * S, top + 108 * S + 6 * S * ((x // 20) % 2))
            for x in range(0, int((right - left) / S) - 300, 20)]
    draw.line(wave, fill=CHALK[2], width=4 * S, joint="curve")
    # three columns of text, each with a heading in another colour
    columns = 3
    col_w = (right - left - 80 * S) / columns
    for c in range(columns):
        x0 = left + 40 * S + c * col_w + 20 * S
        x1 = x0 + col_w - 50 * S
        y = top + 160 * S
        _chalk_line(draw, rng, x0 + 30 * S, y, x1 - 60 * S, CHALK[3 + c % 2], 6)
        y += 46 * S
        for _ in range(6):
            _chalk_line(draw, rng, x0, y, x1 - rng.uniform(0, 50) * S, CHALK[0], 4)
            y += 36 * S
        if c < columns - 1:  # a dashed divider
            dx = x0 + col_w - 25 * S
            for yy in range(int(top + 150 * S), int(bottom - 30 * S), 24 * S):
                draw.line([(dx, yy), (dx, yy + 12 * S)], fill=CHALK[4], width=3 * S)
    # a sun in the corner and a row of little flowers along the bottom
    sx, sy, sr = right - 70 * S, top + 64 * S, 30 * S
    draw.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], outline=CHALK[1], width=5 * S)
    for k in range(10):
        a = k * math.pi / 5
        draw.line([(sx + math.cos(a) * (sr + 8 * S), sy + math.sin(a) * (sr + 8 * S)),
                   (sx + math.cos(a) * (sr + 26 * S), sy + math.sin(a) * (sr + 26 * S))],
                  fill=CHALK[1], width=4 * S)
    for k in range(9):
        fx = left + 80 * S + k * (right - left - 160 * S) / 8
        fy = bottom - 34 * S
        colour = CHALK[2 + k % 3]
        for dx, dy in ((0, -12), (12, 0), (0, 12), (-12, 0)):
            draw.ellipse([fx + dx * S - 9 * S, fy + dy * S - 9 * S, fx + dx * S + 9 * S,
                          fy + dy * S + 9 * S], outline=colour, width=3 * S)
        draw.ellipse([fx - 5 * S, fy - 5 * S, fx + 5 * S, fy + 5 * S], fill=CHALK[1])
    # the chalk tray with two pieces of chalk
    draw.rectangle([frame[0] + 40 * S, frame[3] - 4 * S, frame[2] - 40 * S, frame[3] + 10 * S],
                   fill=(105, 70, 40))
    draw.rounded_rectangle([frame[0] + 120 * S, frame[3] - 12 * S, frame[0] + 160 * S,
                            frame[3] - 2 * S], radius=4 * S, fill=(250, 250, 245))
    draw.rounded_rectangle([frame[0] + 180 * S, frame[3] - 12 * S, frame[0] + 215 * S,
                            frame[3] - 2 * S], radius=4 * S, fill=(255, 200, 210))
    return img.resize(SIZE, Image.Resampling.LANCZOS)


def class_meeting() -> Image.Image:
    """Return a class meeting seen from the back: banner, blackboard, teacher, rows of pupils."""
    rng = random.Random(7)
    w, h = SIZE[0] * S, SIZE[1] * S
    img = Image.new("RGB", (w, h), (240, 236, 222))
    draw = ImageDraw.Draw(img)
    horizon = h * 0.52
    draw.polygon([(0, h), (w, h), (w * 0.82, horizon), (w * 0.18, horizon)], fill=(196, 168, 128))
    draw.polygon([(0, h), (w * 0.18, horizon), (0, horizon - 40 * S)], fill=(226, 220, 204))
    draw.polygon([(w, h), (w * 0.82, horizon), (w, horizon - 40 * S)], fill=(226, 220, 204))
    # windows on the left wall, sky and a hill outside
    for k in range(2):
        x0, x1 = 20 * S + k * 110 * S, 100 * S + k * 110 * S
        draw.polygon([(x0, 120 * S - k * 20 * S), (x1, 150 * S - k * 25 * S),
                      (x1, 330 * S - k * 10 * S), (x0, 340 * S)], fill=(150, 200, 240))
        draw.line([((x0 + x1) / 2, 135 * S - k * 22 * S), ((x0 + x1) / 2, 336 * S - k * 5 * S)],
                  fill=(255, 255, 255), width=4 * S)
    # the blackboard and the red banner over it
    bx0, bx1, by0, by1 = w * 0.25, w * 0.75, h * 0.18, h * 0.44
    draw.rectangle([bx0 - 8 * S, by0 - 8 * S, bx1 + 8 * S, by1 + 8 * S], fill=(120, 80, 45))
    draw.rectangle([bx0, by0, bx1, by1], fill=(34, 92, 64))
    draw.rectangle([w * 0.22, h * 0.07, w * 0.78, h * 0.14], fill=(200, 30, 35))
    for i in range(10):  # the banner's "characters"
        cx = w * 0.27 + i * (w * 0.46) / 9
        draw.rectangle([cx - 14 * S, h * 0.085, cx + 14 * S, h * 0.125], fill=(255, 215, 0))
        draw.rectangle([cx - 8 * S, h * 0.095, cx + 8 * S, h * 0.115], fill=(200, 30, 35))
    for row in range(3):  # chalk writing on the board
        _chalk_line(draw, rng, bx0 + 40 * S, by0 + 50 * S + row * 50 * S,
                    bx1 - 40 * S - rng.uniform(0, 120) * S, (250, 250, 245), 4)
    # the teacher at the side of the board
    tx, ty = w * 0.80, h * 0.30
    draw.ellipse([tx - 22 * S, ty - 22 * S, tx + 22 * S, ty + 22 * S], fill=(240, 200, 165))
    draw.pieslice([tx - 24 * S, ty - 26 * S, tx + 24 * S, ty + 10 * S], 180, 360, fill=(40, 30, 30))
    draw.rounded_rectangle([tx - 36 * S, ty + 24 * S, tx + 36 * S, ty + 150 * S], radius=16 * S,
                           fill=(60, 90, 150))
    # rows of desks and pupils, seen from the back, bigger towards us
    for r, (y, scale) in enumerate(((h * 0.58, 0.6), (h * 0.70, 0.8), (h * 0.86, 1.05))):
        count = 6 - r
        span = w * (0.55 + 0.18 * r)
        for k in range(count):
            x = w / 2 - span / 2 + span * (k + 0.5) / count + rng.uniform(-6, 6) * S
            sw, hr = 58 * S * scale, 26 * S * scale
            # the desk in front of the pupil, seen past the elbows
            draw.rectangle([x - sw * 1.15, y + 44 * S * scale, x + sw * 1.15, y + 58 * S * scale],
                           fill=(170, 120, 70))
            for leg in (x - sw * 1.05, x + sw * 1.05):
                draw.rectangle([leg - 3 * S * scale, y + 58 * S * scale, leg + 3 * S * scale,
                                y + 96 * S * scale], fill=(120, 85, 50))
            shirt = (230, 235, 240) if (k + r) % 2 else (40, 100, 170)
            draw.rounded_rectangle([x - sw / 2, y + 18 * S * scale, x + sw / 2,
                                    y + 110 * S * scale], radius=18 * S * scale, fill=shirt)
            draw.rectangle([x - sw / 2, y + 30 * S * scale, x + sw / 2, y + 40 * S * scale],
                           fill=(210, 40, 45))  # red scarf
            draw.ellipse([x - hr, y - hr * 1.6, x + hr, y + hr * 0.4], fill=(30, 25, 25))
    return img.resize(SIZE, Image.Resampling.LANCZOS)


def main() -> None:
    """Write the two photos, as JPEG without metadata."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, picture in (("黑板报.jpg", blackboard()), ("主题班会.jpg", class_meeting())):
        target = FOLDER / name
        picture.save(target, "JPEG", quality=82, optimize=True)
        print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)",
              file=sys.stderr)


if __name__ == "__main__":
    main()
