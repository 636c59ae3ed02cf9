"""A deliberately slow WebSocket reader for the L3 test.

Node cannot shrink a TCP receive buffer, so a paused Node client lets the kernel soak up
megabytes before the server ever sees backpressure. This reader sets a small SO_RCVBUF and
advertises a small MSS before connecting: Linux sizes the server's send buffer from the
congestion window times the MSS (about 64 KB on loopback), so the path to this reader holds only
tens of KB. It stops reading for a while, then reads for a while, and prints what it received
as one JSON line: the clock ticks' timestamps, the `type` (or `event`) of every text frame, the
code of a close frame, and when it started reading again.

usage: slowReader.py HOST PORT PATH PAUSE_SECONDS READ_SECONDS
"""
import base64
import json
import os
import socket
import sys
import time

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pause, read_for = float(sys.argv[4]), float(sys.argv[5])

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 128)
sock.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall(
    f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
    f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
)
buffer = b""
while b"\r\n\r\n" not in buffer:
    buffer += sock.recv(4096)
head, buffer = buffer.split(b"\r\n\r\n", 1)
if b" 101 " not in head.split(b"\r\n", 1)[0]:
    print(json.dumps({"error": head.decode(errors="replace")}))
    sys.exit(1)

time.sleep(pause)

timestamps = []
types = []
close_code = None
resumed_at = time.time()
deadline = resumed_at + read_for
sock.settimeout(0.05)
while time.time() < deadline:
    try:
        chunk = sock.recv(65536)
    except socket.timeout:
        continue
    if not chunk:
        break
    buffer += chunk
    # Server frames are unmasked text frames: parse every complete one.
    while len(buffer) >= 2:
        length, offset = buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4:
                break
            length, offset = int.from_bytes(buffer[2:4], "big"), 4
        elif length == 127:
            if len(buffer) < 10:
                break
            length, offset = int.from_bytes(buffer[2:10], "big"), 10
        if len(buffer) < offset + length:
            break
        opcode = buffer[0] & 0x0F
        payload, buffer = buffer[offset : offset + length], buffer[offset + length :]
        if opcode == 8:
            close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            continue
        try:
            message = json.loads(payload)
        except ValueError:
            continue
        types.append(message.get("type", message.get("event")))
        if "timestamp_ms" in message:
            timestamps.append(message["timestamp_ms"])

print(json.dumps({"frames": len(timestamps), "stamps": timestamps, "last_ts": timestamps[-1] if timestamps else None, "resumed_at": resumed_at * 1000, "ended_at": time.time() * 1000, "types": types, "close": close_code}))
