#!/usr/bin/env python3
"""mklzh.py OUT NAME FILE [NAME FILE ...]: writes an LHA archive of each
FILE stored as NAME (level-0 headers, method -lh0-, names in CP932 with
"\\" folders, as Japanese Windows LHA tools wrote them). No Debian package
writes lzh (lhasa only reads), so the archive is built from the format:
each member's header and bytes back to back, then a zero byte. Used by the
containers case and by the evaluation corpus (tests/eval/derive.py)."""
import struct
import sys


def crc16(data):
    """CRC-16/ARC, the check LHA keeps of a member's bytes."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def lzh_member(name, data):
    """One member: a level-0 header (stored) and the bytes."""
    raw_name = name.encode("cp932")
    dos_time = (44 << 25) | (4 << 21) | (1 << 16)  # 2024-04-01 00:00
    body = (b"-lh0-" + struct.pack("<IIIBB", len(data), len(data), dos_time, 0x20, 0)
            + bytes([len(raw_name)]) + raw_name + struct.pack("<H", crc16(data)))
    return bytes([len(body), sum(body) & 0xFF]) + body + data


def main(out, pairs):
    with open(out, "wb") as f:
        for name, path in pairs:
            f.write(lzh_member(name, open(path, "rb").read()))
        f.write(b"\0")


if __name__ == "__main__":
    args = sys.argv[2:]
    if not args or len(args) % 2:
        sys.exit("usage: mklzh.py OUT NAME FILE [NAME FILE ...]")
    main(sys.argv[1], list(zip(args[0::2], args[1::2])))
