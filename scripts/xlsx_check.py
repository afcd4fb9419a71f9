#!/usr/bin/env python3
"""Checks stackaudit's workbooks with openpyxl, a second XLSX reader beside
the calamine tests, and fills in a questionnaire as a vendor would.

    xlsx_check.py audit REVIEW.xlsx
        the audit workbook: sheets, number formats (dates, currency),
        the chart, frozen panes, filters, the answer drop-down, no formulas
    xlsx_check.py hostile REVIEW.xlsx
        no cell of any sheet is a formula, whatever its text starts with
    xlsx_check.py fill QUESTIONNAIRE.xlsx FILLED.xlsx
        checks the questionnaire (protection, unlocked answer cells, typed
        validation) and writes answers into it with openpyxl
"""

import datetime
import sys

import openpyxl


def fail(message):
    print(f"xlsx_check: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def no_formulas(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                expect(cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")


def header(ws):
    return [c.value for c in ws[1]]


def check_audit(path):
    wb = openpyxl.load_workbook(path)
    expect(wb.sheetnames == ["Summary", "Tools", "Findings", "Controls", "Questions"], f"sheets {wb.sheetnames}")
    summary = wb["Summary"]
    expect(len(summary._charts) == 1, "the Summary sheet has one chart")
    chart = summary._charts[0]
    expect(type(chart).__name__ == "BarChart", f"a bar chart, found {type(chart).__name__}")
    labels = {row[0].value: row[1] for row in summary.iter_rows(min_row=1, max_col=2)}
    as_of = labels["As of"]
    expect(isinstance(as_of.value, datetime.datetime) and as_of.number_format == "yyyy-mm-dd", f"As of is a date cell: {as_of.value!r} {as_of.number_format}")
    expect(isinstance(labels["Stack score (of 100)"].value, (int, float)), "the score is a number")
    expect(labels["Integration coverage"].number_format == "0%", "coverage as a percentage")

    tools = wb["Tools"]
    cols = header(tools)
    expect(tools.freeze_panes == "B2", f"Tools frozen at B2, not {tools.freeze_panes}")
    expect(tools.auto_filter.ref and tools.auto_filter.ref.startswith("A1:"), "Tools filter")
    row = next(r for r in tools.iter_rows(min_row=2) if r[0].value == "salesforce")
    cost = row[cols.index("Annual cost")]
    expect(cost.value == 120000 and cost.number_format == '#,##0.00 "EUR"', f"cost {cost.value!r} {cost.number_format!r}")
    renewal = row[cols.index("Renewal")]
    expect(renewal.value == datetime.datetime(2027, 1, 31) and renewal.is_date, f"renewal {renewal.value!r}")
    expect(row[cols.index("RPO (hours)")].value == 4, "RPO as a number")

    findings = wb["Findings"]
    expect(findings.freeze_panes == "A2", f"Findings header frozen, not {findings.freeze_panes}")
    expect(findings.auto_filter.ref.startswith("A1:M"), f"Findings filter {findings.auto_filter.ref}")
    fills = set()
    for r in findings.iter_rows(min_row=2, max_col=1):
        fills.add((r[0].value, r[0].fill.fgColor.rgb))
    severities = {s for s, _ in fills}
    expect(len(fills) == len(severities), f"one colour per severity: {fills}")
    expect(("high", "FFE04B3A") in fills, f"high in red: {fills}")
    expect(findings.cell(2, 5).alignment.wrap_text, "messages wrap")
    expect(findings.column_dimensions["E"].width >= 50, "the message column is wide")

    questions = wb["Questions"]
    expect(header(questions)[4:] == ["Answer", "Evidence link", "Reviewed by"], f"question columns {header(questions)}")
    validations = questions.data_validations.dataValidation
    expect(any(v.type == "list" and v.formula1 == '"Yes,No,Partially,N/A"' for v in validations), "the answer drop-down")
    no_formulas(wb)
    print(f"xlsx_check: {path}: five sheets, bar chart, date and currency cells, frozen headers, filters, severity colours, drop-down")


def check_hostile(path):
    wb = openpyxl.load_workbook(path)
    no_formulas(wb)
    tools = wb["Tools"]
    names = [r[1].value for r in tools.iter_rows(min_row=2)]
    expect('=HYPERLINK("http://evil.example","click")' in names, f"the formula-like name is text: {names}")
    print(f"xlsx_check: {path}: {len(wb.sheetnames)} sheets, no formulas")


def fill(path, out):
    wb = openpyxl.load_workbook(path)
    expect(wb.sheetnames == ["About", "Questions"], f"sheets {wb.sheetnames}")
    ws = wb["Questions"]
    expect(ws.protection.sheet, "the Questions sheet is protected")
    expect(header(ws)[3] == "Answer", "column D is the answer")
    kinds = {v.type for v in ws.data_validations.dataValidation}
    expect({"date", "list", "decimal"} <= kinds, f"typed validation: {kinds}")
    answers = {
        "contract.dpa": "Yes",
        "regions": "de, fr",
        "encryption.at_rest": "AES-256",
        "encryption.in_transit": "tls1.2",
        "backup.enabled": "Yes",
        "backup.rpo_hours": 4,
        "backup.rto_hours": 12,
        "backup.last_restore_test": datetime.date(2026, 9, 1),
    }
    filled = 0
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, 1).value
        answer = ws.cell(r, 4)
        expect(answer.protection.locked is False, f"Questions!D{r} is unlocked")
        expect(ws.cell(r, 2).protection.locked is not False, f"Questions!B{r} stays locked")
        if key in answers:
            answer.value = answers[key]
            filled += 1
    expect(filled == len(answers), f"asked {filled} of the {len(answers)} expected questions")
    wb.save(out)
    print(f"xlsx_check: filled {filled} answers into {out}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        fail(__doc__)
    command = sys.argv[1]
    if command == "audit":
        check_audit(sys.argv[2])
    elif command == "hostile":
        check_hostile(sys.argv[2])
    elif command == "fill" and len(sys.argv) == 4:
        fill(sys.argv[2], sys.argv[3])
    else:
        fail(__doc__)
