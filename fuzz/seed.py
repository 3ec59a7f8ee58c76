#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (reproducibly).

    python3 fuzz/seed.py

Byte targets (decode, chunking, differential): every input of
tests/data/cases.json plus a few realistic streams, each behind the 8-byte
header described in fuzz/src/lib.rs. Inputs longer than 2 KiB are cut to
their first 1800 and last 200 bytes so that the corpus stays small and
libFuzzer's default -max_len stays near 4 KiB (the cut keeps how a stream
ends). roundtrip: a few dozen messages in its own layout (see
fuzz_targets/roundtrip.rs).

Only files named seed-* are replaced; regression-* and min-* files, kept
from fuzzing runs, are left alone.
"""

import base64
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "tests", "data", "cases.json")
CORPUS = os.path.join(HERE, "corpus")
BYTE_TARGETS = ("decode", "chunking", "differential")

# (flags, max_line_len, max_event_len, largest chunk, seed); 255 = no limit,
# chunk 0 = whole stream. flags: 1 = comments, 2 = tiny limits (chunking),
# 4 = clone and shrink the decoder between chunks (chunking).
HEADERS = [
    (0, 255, 255, 0, 0),
    (1, 16, 32, 7, 12345),
    (2, 8, 8, 1, 1),
    (7, 64, 200, 3, 777),
    (4, 40, 255, 200, 31337),
    (3, 255, 4, 2, 99),
    (5, 3, 255, 5, 4242),
]


def header(flags, line, event, chunk, seed):
    return bytes([flags, line, event, chunk]) + struct.pack("<I", seed)


def cap(stream):
    if len(stream) <= 2048:
        return stream
    return stream[:1800] + stream[-200:]


def realistic_streams():
    tokens = ["Hello", ",", " world", "!", " How", " can", " I", " help", "?", " \u00e9\u00e8", " \U0001f600"]
    llm = b"".join(
        b"data: " + json.dumps({"token": t}, ensure_ascii=False).encode() + b"\n\n" for t in tokens
    ) + b"data: [DONE]\n\n"
    llm_typed = (
        b"event: message_start\ndata: {\"type\":\"message_start\",\"id\":\"msg_1\"}\n\n"
        b"event: ping\ndata: {\"type\":\"ping\"}\n\n"
        + b"".join(
            b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":"
            + json.dumps(t).encode()
            + b"}}\n\n"
            for t in tokens[:5]
        )
        + b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
    )
    dashboard = b"retry: 5000\n\n" + b"".join(
        b"id: %d\nevent: %s\ndata: {\"value\": %d.%d}\n\n" % (i, name, i * 7 % 100, i % 10)
        for i, name in enumerate([b"cpu", b"mem", b"cpu", b"disk", b"net"], start=41)
    ) + b"id: 46\nevent: alert\ndata: line one\ndata: line two\ndata:\n\nretry: 10000\nid\n\ndata: after reset\n\n"
    crlf = dashboard.replace(b"\n", b"\r\n")
    cr_only = dashboard.replace(b"\n", b"\r")
    keepalive = (
        b": connected\n\n"
        + b": ping\n\n" * 3
        + b":\n"
        + b"data: tick 1\n\n"
        + b":keep-alive\r\n\r\n"
        + b": ping\r\n"
        + b"data: tick 2\r\n\r\n"
        + b": \xff invalid utf-8 in a comment\n\n"
        + b"data: partial at the e"
    )
    bom_mixed = (
        b"\xef\xbb\xbfid: urn:uuid:6d5a\nevent: update\ndata: caf\xc3\xa9\r\ndata:  two spaces\r"
        b"data\n\nid: a\x00b\ndata: nul id ignored\n\ndata: lone cr\r\rdata: \xe2\x82\n\n"
    )
    mercure = (
        b"id: urn:uuid:1\ndata: {\"@id\": \"/books/1\", \"title\": \"1984\"}\n\n"
        b"event:custom\nid:urn:uuid:2\ndata:{\"@id\": \"/books/2\"}\n\n"
        b"retry: 18446744073709551615\nretry: 18446744073709551616\nretry: 12a\n"
        b"Data: ignored\n data: ignored\ndata : ignored\n\n"
    )
    return {
        "llm-tokens": llm,
        "llm-typed-events": llm_typed,
        "dashboard": dashboard,
        "dashboard-crlf": crlf,
        "dashboard-cr": cr_only,
        "keepalive-comments": keepalive,
        "bom-utf8-nul-cr": bom_mixed,
        "mercure-retry-fields": mercure,
    }


def roundtrip_seeds():
    # (flags, retry, data, event, id, comment, prev); flags: 1 event, 2 id,
    # 4 retry, 8 comment, 16 no data.
    token = json.dumps({"token": " world"}).encode()
    return {
        "plain": (0, 0, b"hello", b"", b"", b"", b""),
        "token-json": (2, 0, token, b"", b"17", b"", b"16"),
        "all-fields": (15, 3000, b"line one\nline two", b"update", b"42", b"keep-alive", b"41"),
        "crlf-data": (0, 0, b"a\r\nb\rc\nd\r\n", b"", b"", b"", b""),
        "empty-data": (1, 0, b"", b"", b"", b"", b"old"),
        "leading-spaces": (3, 0, b"  two", b" type", b" id", b"", b""),
        "unicode": (3, 0, "caf\u00e9 \U0001f600".encode(), "\u00e9v\u00e9nement".encode(), "\u2603".encode(), b"", b""),
        "bom-in-data": (0, 0, "\ufeffdata".encode(), b"", b"", b"", b""),
        "comment-only": (24, 0, b"", b"", b"", b"ping", b""),
        "multiline-comment": (24, 0, b"", b"", b"", b"a\r\nb\rc", b""),
        "retry-only": (20, 0, b"", b"", b"", b"", b""),
        "retry-max": (4, 0xFFFFFFFFFFFFFFFF, b"x", b"", b"", b"", b""),
        "id-only": (18, 0, b"", b"", b"7", b"", b"6"),
        "empty-id-resets": (2, 0, b"x", b"", b"", b"", b"prev"),
        "event-only": (17, 0, b"", b"ping", b"", b"", b""),
        "bad-event-lf": (1, 0, b"x", b"a\nb", b"", b"", b""),
        "bad-event-cr": (1, 0, b"x", b"a\rdata: forged", b"", b"", b""),
        "bad-id-lf": (2, 0, b"x", b"", b"1\n2", b"", b""),
        "bad-id-nul": (2, 0, b"x", b"", b"1\x002", b"", b""),
        "bad-id-both": (2, 0, b"x", b"", b"\x00\r", b"", b""),
        "bad-both-fields": (3, 0, b"x", b"\n", b"\x00", b"", b""),
        "invalid-utf8": (3, 7, b"\xff\xfe", b"\xc3", b"\xe2\x82", b"", b""),
        "trailing-newlines": (0, 0, b"end\n\n", b"", b"", b"", b""),
        "colons": (1, 0, b"data: nested: colons", b"event:", b"", b"", b""),
    }


def clear_seeds(directory):
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.startswith("seed-"):
            os.remove(os.path.join(directory, name))


def main():
    with open(CASES, encoding="utf-8") as f:
        cases = json.load(f)
    streams = [(c["name"], base64.b64decode(c["input_b64"])) for c in cases]
    realistic = list(realistic_streams().items())

    for target_index, target in enumerate(BYTE_TARGETS):
        directory = os.path.join(CORPUS, target)
        clear_seeds(directory)
        for i, (name, stream) in enumerate(streams):
            # One header per case, different per target, so every setting
            # meets every kind of case somewhere.
            h = HEADERS[(i + target_index) % len(HEADERS)]
            with open(os.path.join(directory, "seed-case-%s" % name), "wb") as f:
                f.write(header(*h) + cap(stream))
        for name, stream in realistic:
            for j, h in enumerate(HEADERS[:3]):
                with open(os.path.join(directory, "seed-stream-%s-%d" % (name, j)), "wb") as f:
                    f.write(header(*h) + cap(stream))

    directory = os.path.join(CORPUS, "roundtrip")
    clear_seeds(directory)
    for name, (flags, retry, *parts) in roundtrip_seeds().items():
        with open(os.path.join(directory, "seed-%s" % name), "wb") as f:
            f.write(bytes([flags]) + struct.pack("<Q", retry) + b"\xff".join(parts))


if __name__ == "__main__":
    main()
