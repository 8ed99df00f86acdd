# SPDX-License-Identifier: LGPL-2.1-or-later
"""A raw client of vssd's protocol (docs/PROTOCOL.md §2, §3) for test-robustness.sh.

Usage: vssd-raw-client.py SOCKET MODE
  cases   sends broken, truncated, oversized and invalid frames, one connection each, and
          prints per case what vssd did: "NAME: " then each reply's result (and error text in
          brackets), then "closed", or "open" when a valid request afterwards was answered
  silent  connects and says nothing; prints when vssd closed the connection
  limit   opens 1100 connections; prints how many vssd accepted before it refused the rest
  flood N SECONDS  opens N connections, holds them, closes them
"""

import json
import socket
import struct
import sys
import time

SOCK = sys.argv[1]
MAX = 16 * 1024 * 1024


def frame(payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return struct.pack(">I", len(payload)) + payload


def msg(**kw):
    return frame(json.dumps(kw, separators=(",", ":")))


HELLO = msg(type="hello", id=1, versions=[1], role="admin", program="raw-client")


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(SOCK)  # blocking: waits for room in a full listen queue
    s.settimeout(5)
    return s


def read_frames(s, want, timeout):
    """Reads until 'want' messages arrived or vssd closed; returns (messages, closed)."""
    buf, out = b"", []
    deadline = time.monotonic() + timeout
    while len(out) < want:
        s.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            data = s.recv(65536)
        except socket.timeout:
            return out, False
        except ConnectionResetError:
            return out, True
        if not data:
            return out, True
        buf += data
        while len(buf) >= 4:
            n = struct.unpack(">I", buf[:4])[0]
            if len(buf) < 4 + n:
                break
            out.append(json.loads(buf[4:4 + n]))
            buf = buf[4 + n:]
    return out, False


def describe(m):
    return "%d[%s]" % (m["result"], m["error"]) if "error" in m else "%d" % m["result"]


def run_case(after_hello, data, wait, half_close):
    s = connect()
    try:
        if after_hello:
            s.sendall(HELLO)
            r, _ = read_frames(s, 1, 5)
            assert r and r[0]["result"] == 0, r
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        # Wait for the replies expected, or for vssd to close (which it does at once).
        r, closed = read_frames(s, max(wait, 1), 5 if wait else 0.3)
        words = [describe(m) for m in r]
        if not closed:
            # Still open? A valid request must be answered.
            try:
                s.sendall(msg(type="list-writers", id=99) if after_hello else HELLO)
                r2, closed = read_frames(s, 1, 5)
                closed = closed or not r2
            except (BrokenPipeError, ConnectionResetError):
                closed = True
        words.append("closed" if closed else "open")
        return " ".join(words)
    finally:
        s.close()


GOOD = '{"type":"list-writers","id":3}'
CASES = [
    # name, after hello?, bytes, replies to wait for, half-close after sending?
    ("text", False, b"GET / HTTP/1.0\r\n\r\n", 0, False),
    ("zero-length", False, b"\0\0\0\0", 0, False),
    ("oversized", False, struct.pack(">I", MAX + 1) + b"{}" * 1000, 0, False),
    ("oversized-after-hello", True, struct.pack(">I", 0xFFFFFFFF) + b"x", 0, False),
    ("truncated-header", False, b"\0\0", 0, True),
    ("truncated-frame", False, struct.pack(">I", 100) + b'{"type":"hel', 0, True),
    ("truncated-after-hello", True, struct.pack(">I", 100) + b'{"type":"list', 0, True),
    ("not-json", False, frame("{not json"), 0, False),
    ("not-an-object", False, frame("[1,2,3]"), 0, False),
    ("trailing-data", False,
     frame('{"type":"hello","id":1,"versions":[1],"role":"admin"} {}'), 0, False),
    ("duplicate-key", False,
     frame('{"type":"hello","id":1,"id":2,"versions":[1],"role":"admin"}'), 0, False),
    ("invalid-utf8", False,
     frame(b'{"type":"hello","id":1,"versions":[1],"role":"admin","program":"\xff\xfe"}'), 0,
     False),
    ("nul-in-string", False,
     frame('{"type":"hello","id":1,"versions":[1],"role":"admin","program":"a\\u0000b"}'), 0,
     False),
    ("not-hello-first", False, msg(type="list-writers", id=7), 1, False),
    ("unknown-type-first", False, msg(type="helo", id=8), 1, False),
    ("bad-role", False, msg(type="hello", id=1, versions=[1], role="king"), 1, False),
    ("no-common-version", False, msg(type="hello", id=1, versions=[99], role="admin"), 1, False),
    ("unknown-type", True, msg(type="self-destruct", id=2), 1, False),
    ("unknown-field", True, msg(type="list-writers", id=2, extra=1), 1, False),
    ("id-zero", True, msg(type="list-writers", id=0), 0, False),
    ("id-too-big", True, msg(type="list-writers", id=2 ** 32), 0, False),
    ("id-not-integer", True, msg(type="list-writers", id="2"), 0, False),
    ("forbidden-request", True, msg(type="session-begin", id=2, kind="backup"), 1, False),
    ("second-hello", True, HELLO, 1, False),
    ("reply-from-admin", True, msg(type="reply", id=5, result=0), 0, False),
    ("big-valid", True, frame(GOOD + " " * (8 * 1024 * 1024)), 1, False),
    ("largest-valid", True, frame(GOOD + " " * (MAX - len(GOOD))), 1, False),
]

mode = sys.argv[2]
if mode == "cases":
    for name, after_hello, data, wait, half_close in CASES:
        print("%s: %s" % (name, run_case(after_hello, data, wait, half_close)), flush=True)
elif mode == "silent":
    s = connect()
    start = time.monotonic()
    r, closed = read_frames(s, 1, 15)
    took = time.monotonic() - start
    print("%s after %s s, %d message(s)" % (
        "closed" if closed else "still open", "about 5" if 4.9 <= took < 7 else "%.1f" % took,
        len(r)))
elif mode == "limit":
    # Opens more connections than vssd serves, then looks which ones it refused.
    conns = [connect() for _ in range(1100)]
    time.sleep(0.5)
    refused = []
    for i, s in enumerate(conns):
        s.setblocking(False)
        try:
            if s.recv(1, socket.MSG_PEEK):
                refused.append(i)
        except BlockingIOError:
            pass
    if refused:
        r, closed = read_frames(conns[refused[0]], 2, 5)
        print("accepted %d, then %d refused: %s %s" % (
            refused[0], len(refused), " ".join(describe(m) for m in r),
            "closed" if closed else "open"))
    else:
        print("accepted all %d" % len(conns))
    for s in conns:
        s.close()
elif mode == "flood":
    conns = [connect() for _ in range(int(sys.argv[3]))]
    time.sleep(float(sys.argv[4]))
    for s in conns:
        s.close()
    print("held %d connections" % len(conns))
else:
    sys.exit("unknown mode " + mode)
