// The school reports to its ward, and the province's Department sees every school:
// the accountant submits the month's report; the Department's officer opens the dashboard, filters to one school, downloads the
// .xlsx (read back here) and sees the school's submitted report.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const { readSheet } = require('../lib/xlsx');
const { openTask, signOut } = require('../lib/staff');

const PASSWORD = 'hocphi-demo-2026';

async function signIn(page, user) {
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill(user);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

// Months are typed as accountants write them (11/2026); the field shows them so.
async function setPeriod(scope, from, to) {
  await scope.getByLabel('Từ tháng').fill(from);
  await scope.getByLabel('Từ tháng').press('Tab');
  await scope.getByLabel('Đến tháng').fill(to);
  await scope.getByLabel('Đến tháng').press('Tab');
  await expect(scope.getByLabel('Đến tháng')).toHaveValue(to);
}

test('the officer filters the dashboard, downloads the .xlsx and sees a submitted report', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });

  // The accountant submits November's report.
  await signIn(page, 'ketoan.thhl');
  await openTask(page, 'Số liệu, báo cáo');
  const figures = page.locator('section[aria-labelledby="school-figures-title"]');
  await setPeriod(figures, '11/2026', '11/2026');
  await expect(page.getByTestId('school-figures')).toContainText('Tỷ lệ thu');
  await figures.getByLabel('Ghi chú kèm báo cáo').fill('Tháng 11: còn 4 lớp chưa nộp đủ.');
  await figures.getByRole('button', { name: 'Nộp báo cáo kỳ này cho UBND phường Hồng Gai' }).click();
  await expect(page.getByText(/Đã nộp báo cáo cho UBND phường Hồng Gai, tháng 11\/2026: \d+ hoá đơn/)).toBeVisible();
  // A second click asks before a second copy is made, and replaces the first when told to.
  await figures.getByRole('button', { name: 'Nộp báo cáo kỳ này cho UBND phường Hồng Gai' }).click();
  await expect(figures.getByRole('alert')).toContainText('Báo cáo kỳ này đã nộp lúc');
  await figures.getByRole('button', { name: 'Nộp lại, thay báo cáo đã nộp' }).click();
  await expect(page.getByText(/Đã nộp lại, thay báo cáo cũ, tháng 11\/2026/)).toBeVisible();
  await signOut(page);

  // The Department's officer: every school of the province, each with the office it reports to.
  await signIn(page, 'sogd');
  await expect(page.getByText('Sở GD&ĐT Quảng Ninh · Trần Quốc Bảo · Cán bộ quản lý giáo dục')).toBeVisible();
  await expect(page.getByRole('row', { name: /Trường THPT Hòn Gai/ }).getByTestId('school-office')).toHaveText('Sở GD&ĐT Quảng Ninh');
  await expect(page.getByRole('row', { name: /Trường THCS Bãi Cháy/ }).getByTestId('school-office')).toHaveText('UBND phường Bãi Cháy');
  await expect(page.getByRole('row', { name: /Trường Tiểu học Hạ Long/ }).getByTestId('school-office')).toHaveText('UBND phường Hồng Gai');
  // The Department adds only upper-secondary schools; the wards add the others.
  await expect(page.getByLabel('Cấp học').locator('option')).toHaveText(['Trung học phổ thông']);
  await page.getByRole('link', { name: 'Bảng theo dõi thu không dùng tiền mặt' }).click();
  const dash = page.locator('section[aria-labelledby="dash-title"]');
  // Opened by its address (a reload), it starts on the server's month (the
  // demo's November), not the computer's.
  await page.reload();
  await expect(dash.getByLabel('Từ tháng')).toHaveValue('11/2026');
  await expect(dash.getByLabel('Đến tháng')).toHaveValue('11/2026');
  // A month that is no month is said so, in the field's own words.
  await dash.getByLabel('Từ tháng').fill('13/2026');
  await dash.getByLabel('Từ tháng').press('Tab');
  await expect(dash.locator('#period-from-hint')).toBeVisible();
  await expect(dash.locator('#period-from-hint')).toHaveText('Tháng viết như 11/2026');
  await expect(dash.getByLabel('Từ tháng')).toHaveAttribute('aria-invalid', 'true');
  // A range the wrong way round is said to be so.
  await setPeriod(dash, '12/2026', '10/2026');
  await expect(dash.getByTestId('period-reversed')).toContainText('“Từ tháng” đang sau “Đến tháng”.');
  // Nothing to export then: no second message, in the server's generic words.
  await dash.getByRole('button', { name: 'Xuất Excel (.xlsx)' }).click();
  await page.waitForTimeout(500);
  await expect(page.getByText(/Kỳ thu ghi theo/)).toHaveCount(0);
  await setPeriod(dash, '11/2026', '11/2026');
  await expect(dash.getByLabel('Từ tháng')).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByTestId('dashboard-row').first()).toBeVisible();
  const all = await page.getByTestId('dashboard-row').count();
  expect(all).toBe(4);
  await expect(page.getByTestId('dashboard-total')).toContainText('Tất cả các trường');
  await page.screenshot({ path: 'test-results/screens/50-dashboard.png', fullPage: true });

  await page.getByLabel('Lọc trường').fill('ha long');
  await expect(page.getByTestId('dashboard-row')).toHaveCount(1);
  const row = page.getByTestId('dashboard-row');
  await expect(row).toContainText('Trường Tiểu học Hạ Long');
  const due = Number((await row.getByTestId('due').innerText()).replace(/[^0-9]/g, ''));
  expect(due).toBeGreaterThan(0);
  // The foot adds up the rows shown, and says so.
  const foot = page.getByTestId('dashboard-total');
  await expect(foot).toContainText('Các trường khớp bộ lọc (1/4)');
  expect(Number((await foot.getByTestId('due').innerText()).replace(/[^0-9]/g, ''))).toBe(due);
  await page.getByLabel('Lọc trường').fill('zzz');
  await expect(page.getByTestId('dashboard-none')).toHaveText('Không có trường nào khớp bộ lọc.');
  await page.getByLabel('Lọc trường').fill('ha long');
  await expect(page.getByTestId('dashboard-row')).toHaveCount(1);
  // What each method brought in, as figures (the chart's bars have none on a phone or paper).
  const methods = page.getByTestId('methods-numbers');
  await expect(methods.getByRole('columnheader')).toHaveCount(6);
  await expect(methods.getByRole('row', { name: /Trường Tiểu học Hạ Long/ })).toContainText(/\d[\d.]* đ/);

  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Xuất Excel (.xlsx)' }).click(),
  ]);
  expect(file.suggestedFilename()).toBe('tong-hop-2026-11-2026-11.xlsx');
  const sheet = readSheet(fs.readFileSync(await file.path()));
  // Headed as an office's report: who, what, which period, when; signed below the table.
  expect(sheet.A1).toBe('SỞ GD&ĐT QUẢNG NINH');
  expect(sheet.A2).toBe('BÁO CÁO TÌNH HÌNH THU KHÔNG DÙNG TIỀN MẶT');
  expect(sheet.A3).toBe('Kỳ báo cáo: tháng 11/2026');
  expect(sheet.A4).toMatch(/^Ngày lập: \d{2}\/\d{2}\/\d{4}$/);
  expect(sheet.E6).toBe('Phải thu (đ)');
  const cellWith = (text) => Object.keys(sheet).find((k) => sheet[k] === text);
  expect(cellWith('NGƯỜI LẬP BIỂU')).toBeTruthy();
  expect(cellWith('THỦ TRƯỞNG ĐƠN VỊ')).toBeTruthy();
  expect(Number(cellWith('NGƯỜI LẬP BIỂU').replace(/[A-Z]/g, ''))).toBeGreaterThan(Number(cellWith('Tất cả các trường').replace(/[A-Z]/g, '')));
  const haLong = Object.keys(sheet).find((k) => k.startsWith('A') && sheet[k] === 'Trường Tiểu học Hạ Long');
  expect(haLong).toBeTruthy();
  expect(sheet[`E${haLong.slice(1)}`]).toBe(due);
  const totalRow = Object.keys(sheet).find((k) => k.startsWith('A') && sheet[k] === 'Tất cả các trường');
  expect(sheet[`E${totalRow.slice(1)}`]).toBeGreaterThanOrEqual(due);

  // On paper: headed with the office, the period and the day, signed at the end,
  // the working panels left out, on as few A4 pages as four schools need.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-heading')).toContainText('SỞ GD&ĐT QUẢNG NINH');
  await expect(page.getByTestId('print-heading')).toContainText('BÁO CÁO TÌNH HÌNH THU KHÔNG DÙNG TIỀN MẶT');
  await expect(page.getByTestId('print-heading')).toContainText(/Kỳ báo cáo: tháng 11\/2026 · ngày lập: \d{2}\/\d{2}\/\d{4}/);
  await expect(page.getByTestId('print-signatures')).toContainText('NGƯỜI LẬP BIỂU');
  await expect(page.getByTestId('print-signatures')).toContainText('THỦ TRƯỞNG ĐƠN VỊ');
  await expect(page.getByTestId('report-calendar')).toBeHidden();
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  fs.writeFileSync('test-results/screens/52-dashboard-print.pdf', pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
  expect(pages).toBeGreaterThan(0);
  expect(pages).toBeLessThanOrEqual(2);
  await page.emulateMedia({ media: 'screen' });
  await expect(page.getByTestId('print-heading')).toBeHidden();

  // The office's reporting calendar: November, due 1 December (a deadline
  // before the period ends is a typo). Each school's standing is read against
  // it by the server's clock (26/11/2026), whatever range is shown above.
  const calendar = page.getByTestId('report-calendar');
  await calendar.getByLabel('Kỳ từ tháng').fill('11/2026');
  await calendar.getByLabel('Hạn nộp').fill('20/11/2026');
  await calendar.getByRole('button', { name: 'Lưu lịch' }).click();
  await expect(calendar.getByRole('alert')).toContainText('sau ngày cuối của kỳ');
  await calendar.getByLabel('Hạn nộp').fill('01/12/2026');
  await calendar.getByRole('button', { name: 'Lưu lịch' }).click();
  await expect(page.getByText('Đã lưu lịch báo cáo: tháng 11/2026 · hạn 01/12/2026')).toBeVisible();
  // A period typed by mistake comes off the calendar again.
  await calendar.getByLabel('Kỳ từ tháng').fill('10/2026');
  await calendar.getByLabel('Hạn nộp').fill('05/11/2026');
  await calendar.getByRole('button', { name: 'Lưu lịch' }).click();
  await expect(page.getByText('Đã lưu lịch báo cáo: tháng 10/2026 · hạn 05/11/2026')).toBeVisible();
  await calendar.getByRole('button', { name: 'Bỏ kỳ đang chọn khỏi lịch' }).click();
  await expect(page.getByText('Đã bỏ khỏi lịch báo cáo: tháng 10/2026 · hạn 05/11/2026')).toBeVisible();
  await expect(calendar.getByRole('button', { name: /tháng 10\/2026/ })).toHaveCount(0);
  await calendar.getByRole('button', { name: 'tháng 11/2026 · hạn 01/12/2026' }).click();
  await setPeriod(page.locator('section[aria-labelledby="dash-title"]'), '9/2026', '11/2026');
  await expect(page.getByTestId('reports-period')).toHaveText('tháng 11/2026 · hạn 01/12/2026');
  // Three months in the chart, each labelled with its year, and a headed table of its numbers.
  const monthly = page.locator('section[aria-labelledby="monthly-title"]');
  await expect(monthly.locator('svg text', { hasText: '11/2026' })).toHaveCount(1);
  await expect(monthly.locator('svg text', { hasText: '09/2026' })).toHaveCount(1);
  await monthly.getByText('Xem số liệu').click();
  const numbers = monthly.getByTestId('monthly-numbers');
  await expect(numbers.getByRole('columnheader', { name: 'Tỷ lệ thu' })).toBeVisible();
  await expect(numbers.getByRole('rowheader', { name: '11/2026' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/53-dashboard-months.png', fullPage: true });

  // The schools' reports for the period.
  const report = page.getByTestId('report-row').filter({ hasText: 'Trường Tiểu học Hạ Long' });
  await expect(report).toContainText('đã nộp');
  await expect(report.getByTestId('report-standing')).toHaveText('đã nộp đúng hạn');
  await expect(page.getByTestId('report-row').filter({ hasText: 'Trường Mầm non Hoa Hồng' }).getByTestId('report-standing'))
    .toHaveText('chưa nộp, còn hạn');
  await expect(report).toContainText('Tháng 11: còn 4 lớp chưa nộp đủ.');
  // Said once, by its standing against the deadline.
  await expect(page.getByTestId('report-row').filter({ hasText: 'Trường Mầm non Hoa Hồng' })).not.toContainText('chưa nộp báo cáo');
  const [reportFile] = await Promise.all([
    page.waitForEvent('download'),
    report.getByRole('button', { name: 'Tải báo cáo (.xlsx)' }).click(),
  ]);
  const frozen = readSheet(fs.readFileSync(await reportFile.path()));
  expect(frozen.A1).toBe('TRƯỜNG TIỂU HỌC HẠ LONG');
  expect(frozen.A3).toBe('Kỳ báo cáo: tháng 11/2026');
  expect(frozen.A4).toBe('Kính gửi: UBND phường Hồng Gai');
  expect(frozen.A5).toMatch(/^Nộp lúc .* bởi Lê Thị Hồng$/);
  expect(frozen.A6).toBe('Ghi chú: Tháng 11: còn 4 lớp chưa nộp đủ.');
  expect(frozen.A9).toBe('Trường Tiểu học Hạ Long');
  // Its frozen figures only: no empty columns for readiness and contacts it does not carry.
  expect(frozen.B8).toBe('Số hoá đơn');
  expect(frozen.C9).toBe(due);
  expect(Object.values(frozen)).not.toContain('Người liên hệ');
  // Signed by the person who made it and the head of the school.
  const frozenCell = (text) => Object.keys(frozen).find((k) => frozen[k] === text);
  expect(frozenCell('HIỆU TRƯỞNG')).toBeTruthy();
  expect(frozenCell('Lê Thị Hồng')).toBeTruthy();
  // The same report as a PDF headed and signed for paper.
  const [reportPdf] = await Promise.all([
    page.waitForEvent('download'),
    report.getByRole('button', { name: 'Tải báo cáo (PDF)' }).click(),
  ]);
  const pdfPath = 'test-results/screens/52-report.pdf';
  fs.copyFileSync(await reportPdf.path(), pdfPath);
  const pdfText = require('child_process').execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString();
  for (const words of ['TRƯỜNG TIỂU HỌC HẠ LONG', 'Kính gửi: UBND phường Hồng Gai', 'Kỳ báo cáo: tháng 11/2026', 'HIỆU TRƯỞNG', 'Lê Thị Hồng']) {
    expect(pdfText).toContain(words);
  }
  // Sent to the ward, it is the ward's to send back, not the Department's.
  await expect(report).toContainText('Gửi cho UBND phường Hồng Gai');
  await expect(report.getByRole('button', { name: 'Gửi trả' })).toHaveCount(0);

  // The ward's officer sends it back.
  await signOut(page);
  await signIn(page, 'ubnd.honggai');
  await page.getByRole('link', { name: 'Bảng theo dõi thu không dùng tiền mặt' }).click();
  await expect(dash.getByLabel('Từ tháng')).toHaveValue('11/2026');
  await expect(report).toContainText('đã nộp');
  await expect(report).not.toContainText('Gửi cho');
  await report.getByLabel('Ý kiến khi gửi trả').fill('Bổ sung số liệu tiền mặt giúp phòng.');
  await report.getByRole('button', { name: 'Gửi trả' }).click();
  await expect(page.getByText('Đã gửi trả báo cáo cho trường.')).toBeVisible();
  await expect(report).toContainText('đã gửi trả');
  await page.screenshot({ path: 'test-results/screens/51-dashboard-reports.png', fullPage: true });

  // The accountant's home asks for the fix, and leads to the office's comment.
  await signOut(page);
  await signIn(page, 'ketoan.thhl');
  // This month class by class, in grade order.
  const classes = page.getByTestId('class-collection').getByRole('listitem');
  await expect(classes.first()).toContainText(/^Lớp 1\w · \d+\/\d+ đã nộp đủ/);
  await expect(classes.filter({ hasText: 'Lớp 3A' })).toContainText(/\d+\/14 đã nộp đủ/);
  const attention = page.getByTestId('attention');
  await attention.getByRole('link', { name: /báo cáo bị cơ quan quản lý gửi trả/ }).click();
  await expect(page.getByRole('heading', { name: 'Số liệu, báo cáo', level: 1 })).toBeVisible();
  await expect(page.locator('section[aria-labelledby="school-figures-title"]')).toContainText('Bổ sung số liệu tiền mặt giúp phòng.');
  // The sent-back report is said first, with the office's comment, and the
  // office's calendar shows where the school stands.
  const again = page.locator('section[aria-labelledby="school-figures-title"]');
  await expect(again.getByTestId('report-sent-back')).toContainText('Cơ quan quản lý đã gửi trả báo cáo tháng 11/2026');
  await expect(again.getByTestId('report-sent-back')).toContainText('Bổ sung số liệu tiền mặt giúp phòng.');
  const deadlines = again.getByTestId('school-deadlines');
  await expect(deadlines).toContainText('tháng 11/2026 · hạn 01/12/2026');
  await expect(deadlines.getByTestId('report-standing')).toHaveText('bị gửi trả, chờ nộp lại');
  // The figures open on the period still to report, not on this month.
  await expect(again.getByLabel('Từ tháng')).toHaveValue('11/2026');
  await expect(again.getByLabel('Đến tháng')).toHaveValue('11/2026');
  await page.screenshot({ path: 'test-results/screens/52-report-sent-back.png', fullPage: true });
  // Sent back, the report is submitted again without being asked, for the calendar's period.
  // The school's own figures say a reversed range as the office's page does.
  await setPeriod(again, '12/2026', '10/2026');
  await expect(again.getByTestId('period-reversed')).toContainText('“Từ tháng” đang sau “Đến tháng”.');
  await setPeriod(again, '09/2026', '09/2026');
  await deadlines.getByRole('button', { name: 'Chọn kỳ này' }).click();
  await again.getByRole('button', { name: 'Nộp báo cáo kỳ này cho UBND phường Hồng Gai' }).click();
  await expect(page.getByText(/Đã nộp báo cáo cho UBND phường Hồng Gai, tháng 11\/2026/)).toBeVisible();
  await expect(deadlines.getByTestId('report-standing')).toHaveText('đã nộp đúng hạn');
  await expect(again.getByTestId('report-sent-back')).toHaveCount(0);
});

test('the dashboard keeps its period in the address: a reload, Back, or a link sent on shows the same months', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, 'sogd');
  await page.getByRole('link', { name: 'Bảng theo dõi thu không dùng tiền mặt' }).click();
  const dash = page.locator('section[aria-labelledby="dash-title"]');
  await setPeriod(dash, '9/2026', '11/2026');
  await expect(page).toHaveURL(/\/staff\/dashboard\?tu=2026-09&den=2026-11$/);
  const monthly = page.locator('section[aria-labelledby="monthly-title"]');
  await expect(monthly.locator('svg text', { hasText: '09/2026' })).toHaveCount(1);
  await page.reload();
  await expect(dash.getByLabel('Từ tháng')).toHaveValue('09/2026');
  await expect(dash.getByLabel('Đến tháng')).toHaveValue('11/2026');
  await expect(monthly.locator('svg text', { hasText: '09/2026' })).toHaveCount(1);
  // Away to the schools' list and Back: the same months.
  await page.getByRole('navigation', { name: 'Công việc' }).getByRole('link', { name: 'Các trường', exact: true }).click();
  await expect(page).not.toHaveURL(/dashboard/);
  await page.goBack();
  await expect(dash.getByLabel('Từ tháng')).toHaveValue('09/2026');
  await expect(dash.getByLabel('Đến tháng')).toHaveValue('11/2026');
  // A made-up address is not a period: this month instead.
  await page.goto('/staff/dashboard?tu=2026-13&den=x');
  await expect(dash.getByLabel('Từ tháng')).toHaveValue('11/2026');
  await expect(dash.getByLabel('Đến tháng')).toHaveValue('11/2026');
});
