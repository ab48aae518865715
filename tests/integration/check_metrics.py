#!/usr/bin/env python3
"""check_metrics.py FILE - GET /metrics after the cases before it in
tests/integration/run.sh: every line is Prometheus text format, and the counters saw what
those cases did (tag requests by status, error codes, the latency histogram, bytes,
entities, batch lines, the SIGHUP reload). Prints what differs; exit 1."""
import re
import sys


def main(path):
    txt = open(path, encoding="utf-8").read()
    v = {}
    for line in txt.splitlines():
        if line.startswith("#"):
            assert re.match(r"# (HELP|TYPE) newstag_\w+ ", line), line
            continue
        m = re.match(r'^(newstag_\w+)(\{[^}]*\})? (\S+)$', line)
        assert m, f"bad line {line!r}"
        v[m.group(1) + (m.group(2) or "")] = float(m.group(3))

    def g(k):
        return v.get(k, 0)

    assert g('newstag_http_requests_total{route="/v1/tag",status="200"}') >= 50, "tag 200s"
    assert g('newstag_http_requests_total{route="/v1/tag",status="400"}') >= 3, "tag 400s"
    assert g('newstag_http_requests_total{route="/v1/tag/batch",status="200"}') >= 3, "batch"
    assert g('newstag_http_requests_total{route="other",status="404"}') >= 1, "404s"
    assert g('newstag_http_errors_total{code="invalid_utf8"}') >= 2, "invalid_utf8"
    assert g('newstag_http_errors_total{code="html_too_many_tags"}') == 1, "html tags"
    pre = 'newstag_http_request_duration_seconds_bucket{route="/v1/tag",'
    b = [(k, x) for k, x in v.items() if k.startswith(pre)]
    assert len(b) == 15 and b[-1][0].endswith('le="+Inf"}'), b
    assert all(b[i][1] <= b[i + 1][1] for i in range(14)), b
    assert b[-1][1] == g('newstag_http_request_duration_seconds_count{route="/v1/tag"}')
    assert g('newstag_http_request_duration_seconds_sum{route="/v1/tag"}') > 0
    assert g('newstag_bytes_tagged_total') > 1000000, "bytes"
    assert g('newstag_entities_found_total') > 100, "entities"
    assert g('newstag_mentions_found_total') >= 100000, "mentions"
    assert g('newstag_batch_lines_total{result="ok"}') >= 504, "batch ok"
    assert g('newstag_batch_lines_total{result="error"}') >= 5, "batch errors"
    assert g('newstag_reloads_total') == 2 and g('newstag_reload_failures_total') == 0
    assert g('newstag_dictionary_version') >= 2, "version"
    assert g('newstag_dictionary_entities') == 14, "entities"
    assert g('newstag_ready') == 1 and g('newstag_http_requests_in_flight') == 1


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (AssertionError, ValueError) as e:
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)
