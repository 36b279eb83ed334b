"""Real tag memory from the reference (iso28560-3.md §3), byte for byte."""

from __future__ import annotations

# libdanrfid's test tag: 32-byte truncated basic block, item "11223344", owner DE-705, CRC 0x3E51.
LIBDANRFID_TAG = bytes.fromhex("11010131313232333334340000000000000000513e4445373035000000000000")

# Deichman (Oslo) tag as read by ohait/rfid-scanner: blocks 0..8, item "03010034815003", part 2 of 2,
# owner NO-02030000, CRC 0x0238.
DEICHMAN_TAG = bytes.fromhex("1102023033303130303334383135303033000038024e4f30323033303030300000000000")
