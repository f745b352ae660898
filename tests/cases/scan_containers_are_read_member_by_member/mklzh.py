#!/usr/bin/env python3
"""mklzh.py OUT NAME FILE: writes an LHA archive of FILE stored as NAME
(level-0 header, method -lh0-, the name in CP932 as Japanese Windows LHA
tools wrote it). No Debian package writes lzh (lhasa only reads), so the
archive is built from the format: a header, the bytes, a zero byte."""
import struct
import sys


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def main(out, name, path):
    data = open(path, "rb").read()
    raw_name = name.encode("cp932")
    dos_time = (44 << 25) | (4 << 21) | (1 << 16)  # 2024-04-01 00:00
    body = (b"-lh0-" + struct.pack("<IIIBB", len(data), len(data), dos_time, 0x20, 0)
            + bytes([len(raw_name)]) + raw_name + struct.pack("<H", crc16(data)))
    header = bytes([len(body), sum(body) & 0xFF]) + body
    with open(out, "wb") as f:
        f.write(header + data + b"\0")


if __name__ == "__main__":
    main(*sys.argv[1:4])
