"""A QR-looking PNG for ``GET /api/{session}/auth/qr``, made with zlib and struct only.

The picture is deterministic for a value and has the three finder squares of a QR code,
but it is not a scannable QR code: nothing scans a sandbox session except ``/control``.
"""

import base64
import hashlib
import secrets
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MODULES = 29
_FINDER = 7


def new_qr_value() -> str:
    """A value shaped like WhatsApp's pairing string: ``2@ref,key,key,key``."""
    parts = [base64.b64encode(secrets.token_bytes(size)).decode() for size in (48, 32, 32, 16)]
    return "2@" + ",".join(parts)


def _in_finder(x: int, y: int) -> bool | None:
    """Dark/light inside one of the three finder squares, ``None`` outside them."""
    for ox, oy in ((0, 0), (_MODULES - _FINDER, 0), (0, _MODULES - _FINDER)):
        dx, dy = x - ox, y - oy
        if 0 <= dx < _FINDER and 0 <= dy < _FINDER:
            ring = min(dx, dy, _FINDER - 1 - dx, _FINDER - 1 - dy)
            return ring != 1
    return None


def _matrix(value: str) -> list[list[bool]]:
    bits = hashlib.shake_256(value.encode()).digest(_MODULES * _MODULES // 8 + 1)
    grid: list[list[bool]] = []
    for y in range(_MODULES):
        row = []
        for x in range(_MODULES):
            finder = _in_finder(x, y)
            if finder is not None:
                row.append(finder)
            else:
                index = y * _MODULES + x
                row.append(bool(bits[index // 8] >> (index % 8) & 1))
        grid.append(row)
    return grid


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def render_png(value: str, scale: int = 6, border: int = 4) -> bytes:
    """An 8-bit greyscale PNG of the (pseudo) QR code for ``value``."""
    grid = _matrix(value)
    side = (_MODULES + 2 * border) * scale
    light_row = b"\x00" + b"\xff" * side
    rows: list[bytes] = [light_row] * (border * scale)
    for cells in grid:
        pixels = bytearray(b"\xff" * (border * scale))
        for dark in cells:
            pixels += (b"\x00" if dark else b"\xff") * scale
        pixels += b"\xff" * (border * scale)
        rows.extend([b"\x00" + bytes(pixels)] * scale)
    rows.extend([light_row] * (border * scale))
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
