#!/usr/bin/env python3
"""check_entities_live.py PORT TOKEN - a dictionary write under tagging load, for
tests/integration/entities.sh. Threads POST /v1/tag without pause (keep-alive) while the
main thread PUTs a new entity, then DELETEs it. Checks, and prints as one JSON line:
  - no tag request fails (status 200 and a JSON body, every one);
  - the PUT is visible within 1 s (measured from the PUT's response to the first tag
    response that has the entity), and every tag request STARTED after the PUT's
    response has it (the overlay is published before the PUT answers); same for DELETE;
  - no tag request stalls (slowest < 2 s, even with the sanitizers on).
Exit 1 (with the reason) if any check fails."""
import http.client
import json
import sys
import threading
import time

TEXT = "Reports say the Quokka Legion shelled Homs overnight."
EID = "org/quokka-legion"
THREADS = 4


def tag(conn):
    conn.request("POST", "/v1/tag", body=TEXT.encode(),
                 headers={"Content-Type": "text/plain; charset=utf-8"})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError(f"status {r.status}: {body[:200]!r}")
    d = json.loads(body)
    return EID in {e["id"] for e in d["entities"]}, d["dictionary"]["version"]


def write(port, method, token, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Authorization": "Bearer " + token}
    if body is not None:
        h["Content-Type"] = "application/json"
    c.request(method, "/v1/entities/" + EID, body=body, headers=h)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def main(port, token):
    port = int(port)
    stop = threading.Event()
    log = []  # (start, end, has_entity, version) per tag request
    failures = []
    lock = threading.Lock()

    def load():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                has, ver = tag(conn)
            except Exception as e:  # noqa: BLE001 - every failure counts
                with lock:
                    failures.append(f"{type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                log.append((t0, time.monotonic(), has, ver))
        conn.close()

    threads = [threading.Thread(target=load) for _ in range(THREADS)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    res = {}
    problems = []

    def until(want):
        """ms from now until a tag response says has == want (gives up after 5 s)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < 5:
            has, _ = tag(probe)
            if has == want:
                return (time.monotonic() - t0) * 1000
            time.sleep(0.005)
        return None

    if tag(probe)[0]:
        problems.append("the entity is tagged before the PUT")
    t_put = time.monotonic()
    st = write(port, "PUT", token, json.dumps({"type": "ORG", "name": "Quokka Legion"}))
    t_put_done = time.monotonic()
    res["put_status"] = st
    res["put_ms"] = round((t_put_done - t_put) * 1000, 1)
    res["put_visible_ms"] = until(True)
    time.sleep(1.0)  # keep loading across the background rebuild
    t_del = time.monotonic()
    st = write(port, "DELETE", token)
    t_del_done = time.monotonic()
    res["delete_status"] = st
    res["delete_ms"] = round((t_del_done - t_del) * 1000, 1)
    res["delete_visible_ms"] = until(False)
    time.sleep(1.5)  # and across the next one
    stop.set()
    for t in threads:
        t.join()
    probe.close()

    lat = sorted((e - s) * 1000 for s, e, _, _ in log)
    res["tag_requests"] = len(log)
    res["tag_failures"] = len(failures)
    res["tag_p99_ms"] = round(lat[int(len(lat) * 0.99)], 1) if lat else None
    res["tag_max_ms"] = round(lat[-1], 1) if lat else None
    # Strict: a request that started after a write answered must see it (for the PUT:
    # among those that also ended before the DELETE was sent).
    stale_put = sum(1 for s, e, has, _ in log if t_put_done < s and e < t_del and not has)
    stale_del = sum(1 for s, _, has, _ in log if s > t_del_done and has)
    res["stale_after_put"] = stale_put
    res["stale_after_delete"] = stale_del
    stale = [(round((s - t_put_done) * 1000, 2), round((e - s) * 1000, 2), v)
             for s, e, has, v in log if t_put_done < s and e < t_del and not has]
    stale += [(round((s - t_del_done) * 1000, 2), round((e - s) * 1000, 2), v)
              for s, e, has, v in log if s > t_del_done and has]
    if stale:
        res["stale"] = stale[:5]  # (ms after the write answered, duration, version)
    vers = [v for _, _, _, v in sorted(log)]
    res["versions_seen"] = sorted(set(vers))

    if failures:
        problems.append(f"{len(failures)} tag requests failed, first: {failures[0]}")
    if res["put_status"] != 201:
        problems.append(f"PUT answered {res['put_status']}")
    if res["delete_status"] != 204:
        problems.append(f"DELETE answered {res['delete_status']}")
    for k in ("put_visible_ms", "delete_visible_ms"):
        if res[k] is None or res[k] > 1000:
            problems.append(f"{k} = {res[k]}")
    if stale_put or stale_del:
        problems.append(f"stale answers after a write: {stale_put} after PUT, {stale_del} after DELETE")
    if not lat or lat[-1] > 2000:
        problems.append(f"slowest tag request {res['tag_max_ms']} ms")
    if len(res["versions_seen"]) < 3:
        problems.append(f"versions seen {res['versions_seen']}: want before, after PUT, after DELETE")
    print(json.dumps(res))
    if problems:
        print("; ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main(*sys.argv[1:3])
