#!/usr/bin/python3
"""Reads back the workbook of `amorce run --out` with openpyxl (Debian python3-openpyxl) and
compares it with the JSON of the same run and base case: every number of the Monte Carlo
summary, the three statements and the cash plan, the frozen headers and the number formats.
Usage: xlsx_readback.py BOOK.xlsx summary.json check.json   (exit 1 with the differences)."""
import json
import math
import sys

import openpyxl

book_path, summary_path, check_path = sys.argv[1:4]
wb = openpyxl.load_workbook(book_path)
summary = json.load(open(summary_path, encoding="utf-8"))
base = json.load(open(check_path, encoding="utf-8"))
errors = []


def same(cell_value, expected, where):
    """Numbers as written (doubles round-trip exactly); None/empty for a value that does not exist."""
    if expected is None or (isinstance(expected, float) and not math.isfinite(expected)):
        if cell_value not in (None, ""):
            errors.append(f"{where}: expected an empty cell, got {cell_value!r}")
        return
    if not isinstance(cell_value, (int, float)) or abs(cell_value - expected) > 1e-9 * max(1.0, abs(expected)):
        errors.append(f"{where}: {cell_value!r} != {expected!r}")


expected_sheets = ["Synthèse Monte Carlo", "Compte de résultat", "Plan de financement", "Bilan", "Plan de trésorerie", "Hypothèses"]
if wb.sheetnames != expected_sheets:
    errors.append(f"sheets {wb.sheetnames} != {expected_sheets}")

# --- Monte Carlo summary: one row per indicator, columns mean, sd, min, max, missing, percentiles
ws = wb["Synthèse Monte Carlo"]
rows = list(ws.iter_rows(values_only=True))
head_row = next(i for i, r in enumerate(rows) if r[1] == "Nom")
head = rows[head_row]
pct_cols = [h for h in head[7:] if h]
if pct_cols != ["P" + format(p, "g") for p in summary["percentiles"]]:
    errors.append(f"percentile columns {pct_cols} != {summary['percentiles']}")
if ws.freeze_panes != f"B{head_row + 2}":
    errors.append(f"summary: frozen at {ws.freeze_panes}")
seen = 0
for r in rows[head_row + 1:]:
    if not r or r[1] is None:  # the indicators' table ends at the first empty row
        break
    name = r[1]
    if name not in summary["indicators"]:
        continue
    seen += 1
    ind = summary["indicators"][name]
    for col, key in zip(range(2, 7), ["mean", "sd", "min", "max", "missing"]):
        same(r[col], ind[key], f"{name}.{key}")
    for col, p in enumerate(summary["percentiles"]):
        same(r[7 + col], ind["quantiles"]["p" + format(p, "g")], f"{name}.p{p:g}")
if seen != len(summary["indicators"]):
    errors.append(f"{seen} indicator rows, expected {len(summary['indicators'])}")
prob = {r[1]: r for r in rows if r and r[1] in summary["probabilities"]}
for key, p in summary["probabilities"].items():
    if key not in prob:
        errors.append(f"probability {key} missing")
    else:
        same(prob[key][2], p["p"], f"probabilities.{key}")

# --- statements: rows keyed by column B ("group.key"), one column per fiscal year
years = base["years"]


def statement(sheet, year_value):
    ws = wb[sheet]
    if ws.freeze_panes != "C2":
        errors.append(f"{sheet}: frozen at {ws.freeze_panes}")
    head = [c.value for c in ws[1]]
    labels = [y["label"] + ("" if y["complete"] else "*") for y in years]
    if head[2:2 + len(labels)] != labels:
        errors.append(f"{sheet}: year heads {head[2:]} != {labels}")
    n = 0
    for row in ws.iter_rows(min_row=2):
        key = row[1].value
        if not key:
            continue
        n += 1
        for y, year in enumerate(years):
            same(row[2 + y].value, year_value(year, key), f"{sheet} {key} {year['label']}")
            if row[2 + y].value is not None and "€" not in row[2 + y].number_format:
                errors.append(f"{sheet} {key}: number format {row[2 + y].number_format!r} is not in euros")
    if n < 5:
        errors.append(f"{sheet}: only {n} rows")


def dotted(obj, key):
    for part in key.split("."):
        obj = obj[part]
    return obj


statement("Compte de résultat", lambda y, k: y["sig"][k])
statement("Plan de financement", lambda y, k: dotted(y["financing_plan"], k))
statement("Bilan", lambda y, k: dotted(y["balance_sheet"], k))

# --- cash plan: one row per line, one column per month
ws = wb["Plan de trésorerie"]
cp = base["cash_plan"]
by_key = {r["key"]: r["months"] for r in cp["receipts"] + cp["payments"]}
by_key.update({"cash_in": cp["cash_in"], "cash_out": cp["cash_out"], "cash_start": cp["cash_start"], "cash_end": cp["cash_end"]})
months = base["months"]
head = [c.value for c in ws[1]]
got_months = [f"{d.year:04d}-{d.month:02d}" for d in head[2:2 + len(months)]]
if got_months != months:
    errors.append(f"cash plan months {got_months[:3]}... != {months[:3]}...")
found = set()
for row in ws.iter_rows(min_row=2):
    key = row[1].value
    if key in by_key:
        found.add(key)
        for m, v in enumerate(by_key[key]):
            same(row[2 + m].value, v, f"cash plan {key} {months[m]}")
if found != set(by_key):
    errors.append(f"cash plan rows missing: {sorted(set(by_key) - found)}")

# --- assumptions: every input, with its law
ws = wb["Hypothèses"]
names = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
labels = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
if not names or any(n is None for n in names):
    errors.append(f"assumptions: names {names}")
if "Zorglub price" not in labels:  # the label of tests/analyst_test.cpp's scenario
    errors.append(f"assumptions: the scenario's label is missing: {labels}")

if errors:
    print("\n".join(errors[:50]))
    sys.exit(1)
print("ok")
