"""The PNG writer every figure of the package uses (the explorers' images)."""
import struct
import zlib

import numpy as np


def _encode(rgba, alpha=False, dpi=None, level=1):
    """PNG bytes of an ``(height, width, 4)`` uint8 RGBA array (an Agg buffer or a crop of it):
    RGB unless ``alpha``, rows unfiltered, zlib ``level``, and ``dpi`` in a pHYs chunk as
    Pillow writes it, if given. Written here (the format is a signature and a few chunks): at
    level 1 1.5-1.7x faster than Pillow at its fastest compression, whose per-row filter search
    buys nothing on a plot's flat colours, and as small (round-trip tested)."""
    height, width = rgba.shape[:2]
    channels = 4 if alpha else 3
    rows = np.empty((height, 1 + channels * width), np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    # a view of each row's pixels: the assignment writes into ``rows``, no copy in between
    rows[:, 1:].reshape(height, width, channels)[...] = rgba[:, :, :channels]
    colour_type = 6 if alpha else 2  # 8-bit RGBA or RGB
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))]
    if dpi is not None:
        per_metre = int(dpi / 0.0254 + 0.5)
        chunks.append(_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks += [_chunk(b"IDAT", zlib.compress(rows.tobytes(), level)), _chunk(b"IEND", b"")]
    return b"".join((b"\x89PNG\r\n\x1a\n", *chunks))


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))
