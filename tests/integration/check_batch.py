#!/usr/bin/env python3
"""check_batch.py FILE - the NDJSON answer of tests/integration/run.sh's mixed batch
(batch_lines_in_order): one line per input line, in order, good lines tagged, bad lines
an error object with their line number and status. Prints what differs; exit 1."""
import json
import sys


def main(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    assert lines[-1] == "", "no final newline"
    d = [json.loads(x) for x in lines[:-1]]
    assert len(d) == 9, f"{len(d)} lines"

    def ids(x):
        return {e["id"] for e in x["entities"]}

    assert d[0]["id"] == "b1" and ids(d[0]) == {"loc/homs", "loc/syria"}, d[0]
    assert d[1]["line"] == 2 and d[1]["status"] == 422, d[1]
    assert d[1]["error"]["code"] == "empty_line", d[1]
    assert d[2]["line"] == 3 and d[2]["status"] == 422 and d[2]["error"]["code"], d[2]
    assert d[3]["line"] == 4 and d[3]["status"] == 400, d[3]
    assert d[3]["error"]["code"] == "invalid_json", d[3]
    assert d[4]["id"] == "b5" and ids(d[4]) == {"org/royal-air-force", "loc/homs"}, d[4]
    assert d[5]["line"] == 6 and d[5]["status"] in (400, 422), d[5]
    assert d[6]["line"] == 7 and d[6]["status"] == 422, d[6]
    assert d[6]["error"]["code"] == "unknown_option", d[6]
    assert d[7]["id"] == "b8" and d[7]["offsets"] == "utf16", d[7]
    assert "loc/zurich" in ids(d[7]), d[7]
    assert d[8]["id"] == "b9" and ids(d[8]) == {"org/royal-air-force"}, d[8]


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (AssertionError, ValueError, KeyError) as e:
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)
