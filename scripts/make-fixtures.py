#!/usr/bin/env python3
"""Writes the spreadsheet fixtures the tests import (needs openpyxl to regenerate).

fixtures/students-new-school.xlsx  a real .xlsx as a school exports it: Vietnamese headers,
                                   dates as real date cells and as dd/mm/yyyy text
public/mau-danh-sach-hoc-sinh.csv  the downloadable template (UTF-8 with BOM, opens in Excel)
fixtures/logo.png                  a small school logo
fixtures/statement-bidv.xlsx       a bank statement as BIDV-style internet banking exports it: title
                                   rows, date-and-time cells, numeric debit/credit columns, a totals row
"""
import datetime, pathlib
import openpyxl

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "fixtures"
out.mkdir(exist_ok=True)

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Danh sách"
ws.append(["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp", "Khối"])
students = [
    ("2204000001", "Hoàng Gia Bảo", datetime.date(2019, 3, 14), "1A", 1),
    ("2204000002", "Vũ Ngọc Ánh", "02/11/2019", "1A", 1),
    ("2204000003", "Đặng Minh Khôi", datetime.date(2018, 7, 1), "2A", 2),
    ("2204000004", "Bùi Thị Thu Hà", "30/12/2018", "2A", 2),
    ("2204000005", "Ngô Quang Huy", datetime.date(2017, 1, 9), "3A", 3),
]
for i, (code, name, born, klass, grade) in enumerate(students, 1):
    ws.append([i, code, name, born, klass, grade])
    if isinstance(born, datetime.date):
        ws.cell(row=i + 1, column=4).number_format = "dd/mm/yyyy"
wb.save(out / "students-new-school.xlsx")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Sao ke"
ws.append(["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM"])
ws.append(["SAO KÊ TÀI KHOẢN"])
ws.append(["Số tài khoản:", "1023456789"])
ws.append(["Từ ngày 25/11/2026 đến ngày 26/11/2026"])
ws.append([])
ws.append(["STT", "Ngày hiệu lực", "Số tham chiếu", "Ghi nợ", "Ghi có", "Số dư", "Mô tả giao dịch"])
statement = [
    (datetime.datetime(2026, 11, 25, 8, 30, 15), "BIDV25110001", None, 745000, "REM Tfr Ac: 12010000123 nop hoc phi con lop 2A"),
    (datetime.datetime(2026, 11, 25, 14, 5, 0), "BIDV25110002", 22000, None, "Phi SMS Banking"),
    (datetime.datetime(2026, 11, 26, 9, 45, 59), "BIDV25110003", None, 1250000, "CT DEN:0123 Ung ho quy khuyen hoc"),
]
balance = 10_000_000
for i, (at, ref, debit, credit, memo) in enumerate(statement, 1):
    balance += (credit or 0) - (debit or 0)
    ws.append([i, at, ref, debit, credit, balance, memo])
    ws.cell(row=6 + i, column=2).number_format = "dd/mm/yyyy hh:mm:ss"
    for col in (4, 5, 6):
        ws.cell(row=6 + i, column=col).number_format = "#,##0"
ws.append(["", "Tổng cộng", "", 22000, 1995000, "", ""])
wb.save(out / "statement-bidv.xlsx")

(root / "public").mkdir(exist_ok=True)
template = "\ufeffMã học sinh,Họ và tên,Ngày sinh,Lớp,Khối\r\n2201000999,Nguyễn Văn Ví Dụ,05/09/2018,2A,2\r\n"
(root / "public" / "mau-danh-sach-hoc-sinh.csv").write_text(template, encoding="utf-8", newline="")
# A school logo: a 64×64 teal PNG, written without an imaging library.
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
raw = b"".join(b"\x00" + bytes([17, 94, 89]) * 64 for _ in range(64))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
(out / "logo.png").write_bytes(png)
print("fixtures written")
