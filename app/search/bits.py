"""Document sets as Python ints (bit i = document number i): fast AND, OR and counting."""

from collections.abc import Iterable


def from_ids(ids: Iterable[int]) -> int:
    buffer = bytearray()
    for doc in ids:
        byte = doc >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte + 1 - len(buffer)))
        buffer[byte] |= 1 << (doc & 7)
    return int.from_bytes(buffer, "little")


def to_ids(bits: int) -> list[int]:
    """Return the set document numbers in ascending order."""
    ids: list[int] = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            ids.extend(base + i for i in range(8) if byte >> i & 1)
    return ids
