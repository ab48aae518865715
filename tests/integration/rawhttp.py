#!/usr/bin/env python3
"""rawhttp.py - socket-level cases curl cannot express, for tests/integration/run.sh.

  rawhttp.py huge-length PORT        announce a 1 TB body, send 10 bytes: expect a 413 at once
  rawhttp.py slow-headers PORT SECS  send half a request line, then wait: expect the server
                                     to close the connection within SECS seconds
  rawhttp.py slowloris PORT SECS     trickle the request headers a byte every 0.3 s: expect
                                     the server to close within SECS + 1.5 s (deadline, not
                                     idle time)
  rawhttp.py slow-body PORT SECS     complete headers, then trickle the body a byte every
                                     0.3 s: expect the server to close within SECS + 1.5 s
  rawhttp.py conn-cap PORT N         (daemon with --conn-limit N) hold N connections open
                                     with half a request each: connection N+1 gets no reply
                                     while they are open, and its reply once they close
  rawhttp.py drain PORT PID          start a POST, SIGTERM the daemon halfway through the
                                     body, finish the body: expect a 200 (drained, not cut)
  rawhttp.py drain-load PORT PID N   N clients each POST a 3 KB article in a loop; SIGTERM
                                     the daemon mid-load: every request that was accepted
                                     gets a complete 200 (none is cut), later ones are
                                     refused at connect
  rawhttp.py overload PORT           (daemon with --max-in-flight 1) hold one POST half sent:
                                     a second POST gets 503 overloaded + Retry-After, /healthz
                                     still 200, and the first POST completes with 200

Prints one line of details and exits 0 when the expectation holds, 1 otherwise.
Standard library only."""
import os
import signal
import socket
import sys
import time


def connect(port, timeout=10.0):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=timeout)
    s.settimeout(timeout)
    return s


def read_response(s):
    """Reads until the peer closes or a full Content-Length body is in."""
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length" and len(body) >= int(v):
                    return data
    return data


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def huge_length(port):
    s = connect(port)
    t0 = time.time()
    s.sendall(b"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
              b"Content-Length: 1000000000000\r\n\r\n0123456789")
    resp = read_response(s)
    dt = time.time() - t0
    st = status_of(resp)
    ok = st == 413 and b"body_too_large" in resp and dt < 5
    print(f"status={st} seconds={dt:.2f}")
    return ok


def slow_headers(port, secs):
    s = connect(port, timeout=float(secs) + 5)
    s.sendall(b"POST /v1/tag HTT")
    t0 = time.time()
    try:
        data = s.recv(4096)
    except (ConnectionResetError, socket.timeout) as e:
        data = repr(e).encode()
    dt = time.time() - t0
    ok = (data == b"" or data.startswith(b"ConnectionReset")) and dt <= float(secs)
    print(f"closed_after={dt:.2f}s got={data[:40]!r}")
    return ok


def trickle(port, secs, head, body):
    """Sends head at once, then body a byte every 0.3 s until the server closes."""
    s = connect(port, timeout=float(secs) + 10)
    s.sendall(head)
    t0 = time.time()
    closed, sent = False, 0
    while time.time() - t0 < float(secs) + 8:
        try:
            s.sendall(body[sent:sent + 1] or b"x")
            sent += 1
            s.settimeout(0.3)
            if s.recv(4096) == b"":
                closed = True
                break
        except socket.timeout:
            continue
        except OSError:
            closed = True
            break
    dt = time.time() - t0
    print(f"closed={closed} after={dt:.2f}s sent={sent}")
    return closed and dt <= float(secs) + 1.5


def slowloris(port, secs):
    head = b"POST /v1/tag HTTP/1.1\r\n"
    return trickle(port, secs, head, b"X-Slow: " + b"a" * 4000)


def slow_body(port, secs):
    head = (b"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 4000\r\n\r\n")
    return trickle(port, secs, head, b"a" * 4000)


def drain_load(port, pid, n):
    """n threads POST an article in a loop on keep-alive connections; SIGTERM after 1 s.
    Every response that starts must be a complete 200; a refused connection is fine."""
    import threading
    body = ("The Royal Air Force struck Homs in Syria, the Ministry of Defence said. " * 40).encode()
    req = (b"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    stats = {"ok": 0, "bad": 0, "refused": 0}
    lock = threading.Lock()
    stop = time.time() + 2.5

    def worker():
        s = None
        while time.time() < stop:
            try:
                if s is None:
                    s = connect(port, timeout=10)
                s.sendall(req)
                resp = read_response(s)
            except OSError:
                with lock:
                    stats["refused"] += 1
                s = None
                time.sleep(0.05)
                continue
            if not resp:  # closed between requests (keep-alive ended): not a cut reply
                s = None
                with lock:
                    stats["refused"] += 1
                continue
            good = status_of(resp) == 200 and resp.rstrip().endswith(b"}")
            with lock:
                stats["ok" if good else "bad"] += 1
            if not good:
                print("bad reply:", resp[:120])
    ts = [threading.Thread(target=worker) for _ in range(int(n))]
    for t in ts:
        t.start()
    time.sleep(1.0)
    os.kill(int(pid), signal.SIGTERM)
    for t in ts:
        t.join()
    print(f"ok={stats['ok']} bad={stats['bad']} refused_or_closed={stats['refused']}")
    return stats["bad"] == 0 and stats["ok"] > 0


def conn_cap(port, n):
    """N connections fill the cap; connection N+1 waits in the listen backlog unserved
    (MHD stops accepting at the cap) until they close, then it is answered."""
    held = []
    for _ in range(int(n)):
        c = connect(port)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # half a request
        held.append(c)
    time.sleep(0.3)
    extra = connect(port, timeout=1)
    extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    try:
        early = extra.recv(4096)
    except socket.timeout:
        early = b""
    for c in held:
        c.close()
    extra.settimeout(5)
    t0 = time.time()
    late = read_response(extra)
    dt = time.time() - t0
    print(f"while_full={early[:20]!r} after_close={status_of(late)} in {dt:.2f}s")
    return early == b"" and status_of(late) == 200 and dt < 3


def drain(port, pid):
    body = ("The Royal Air Force struck Homs. " * 100).encode()
    s = connect(port)
    s.sendall(b"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:100])
    time.sleep(0.3)  # the request is now in flight
    os.kill(int(pid), signal.SIGTERM)
    time.sleep(0.5)
    s.sendall(body[100:])
    resp = read_response(s)
    st = status_of(resp)
    print(f"status={st}")
    return st == 200 and b"org/royal-air-force" in resp


def simple(port, raw):
    s = connect(port)
    s.sendall(raw)
    resp = read_response(s)
    s.close()
    return resp


def overload(port):
    body = b"Homs, Syria."
    a = connect(port)
    a.sendall(b"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:4])
    time.sleep(0.3)
    b = simple(port, b"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 4\r\nConnection: close\r\n\r\nHoms")
    h = simple(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    a.sendall(body[4:])
    ra = read_response(a)
    st = (status_of(b), status_of(h), status_of(ra))
    print(f"second={st[0]} healthz={st[1]} first={st[2]}")
    return (st == (503, 200, 200) and b"overloaded" in b
            and b"retry-after: 1" in b.lower() and b"loc/homs" in ra)


def main(argv):
    cmd = argv[1]
    if cmd == "huge-length":
        return huge_length(argv[2])
    if cmd == "slow-headers":
        return slow_headers(argv[2], argv[3])
    if cmd == "overload":
        return overload(argv[2])
    if cmd == "drain":
        return drain(argv[2], argv[3])
    if cmd == "conn-cap":
        return conn_cap(argv[2], argv[3])
    if cmd == "drain-load":
        return drain_load(argv[2], argv[3], argv[4])
    if cmd == "slowloris":
        return slowloris(argv[2], argv[3])
    if cmd == "slow-body":
        return slow_body(argv[2], argv[3])
    print("unknown command", cmd)
    return False


if __name__ == "__main__":
    try:
        sys.exit(0 if main(sys.argv) else 1)
    except OSError as e:
        print(f"error: {e}")
        sys.exit(1)
