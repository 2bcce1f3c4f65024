#!/usr/bin/env python3
"""Writes the spreadsheet fixtures the tests import (needs openpyxl to regenerate).

fixtures/students-new-school.xlsx  a real .xlsx as a school exports it: Vietnamese headers,
                                   dates as real date cells and as dd/mm/yyyy text
public/mau-danh-sach-hoc-sinh.csv  the downloadable template (UTF-8 with BOM, opens in Excel)
fixtures/logo.png                  a small school logo
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
