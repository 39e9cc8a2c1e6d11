#!/usr/bin/env python3
"""Independent CSV reader for the export tests.

Reads a CSV file with Python's csv module (strict RFC 4180 quoting) and prints one JSON object
to stdout: {"bom": true|false, "rows": [[field, ...], ...]}. The Qt tests compare the rows with
the table's cells, so the C++ writer is checked by a reader it shares no code with.
Exit status 1 (message on stderr) when the file is not valid UTF-8 or not well-formed CSV.
"""
import csv
import io
import json
import sys

BOM = "\ufeff"


def main(argv):
    if len(argv) != 2:
        print("usage: csv_reader_check.py FILE", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        print(f"not UTF-8: {error}", file=sys.stderr)
        return 1
    bom = text.startswith(BOM)
    if bom:
        text = text[len(BOM):]
    try:
        # newline="" hands CR and LF inside quoted fields to the csv module untouched.
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows = [row for row in reader]
    except csv.Error as error:
        print(f"not CSV: {error}", file=sys.stderr)
        return 1
    json.dump({"bom": bom, "rows": rows}, sys.stdout, ensure_ascii=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
