// An accountant imports the bank's statement: transfers with a code settle by
// themselves (in full, partly, or flagged as paid twice); one without a code is
// matched by hand from the suggestions, and the parent's open invoice turns paid.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { openTask } = require('../lib/staff');

const digits = (text) => Number(text.replace(/[^0-9]/g, ''));

// Opens a transfer's "Xử lý khác". The queue redraws as its reads come back,
// and a press can land on the card that moved under it: pressed until this
// card's own fields show.
async function otherActions(card) {
  await expect(async () => {
    if (!(await card.getByLabel('Lý do').isVisible())) await card.getByText('Xử lý khác').click();
    await expect(card.getByLabel('Lý do')).toBeVisible({ timeout: 1000 });
  }).toPass();
}

test('a statement settles invoices and an unmatched transfer is resolved by hand', async ({ page, browser }) => {
  // The parent has the featured child's November invoice open on a phone.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
  const parent = await phone.newPage();
  await parent.goto('/s/th-ha-long');
  await parent.getByLabel('Mã học sinh').fill('2201000001');
  await parent.getByLabel('Ngày sinh của con').fill('05/09/2017');
  await parent.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await parent.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(parent.getByTestId('amount-due')).toContainText('Còn phải nộp');
  const featuredTotal = digits(await parent.locator('tfoot td').first().innerText());

  // The accountant, at the office computer.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill('ketoan.thhl');
  await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();

  // Two unpaid November invoices of another class, from the invoice list.
  await openTask(page, 'Hoá đơn, thông báo');
  await page.locator('#inv-period').fill('2026-11');
  await page.getByLabel('Lớp (để trống: tất cả)').fill('4A');
  await page.locator('#inv-status').selectOption('open');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByTestId('invoice-totals')).toBeVisible();
  const rows = page.locator('section[aria-labelledby="invoices-title"] tbody tr');
  const unpaid = [];
  for (let i = 0; i < await rows.count() && unpaid.length < 2; i++) {
    const cells = rows.nth(i).locator('td');
    if (digits(await cells.nth(5).innerText()) === 0) {
      unpaid.push({ code: (await cells.nth(0).innerText()).trim(), total: digits(await cells.nth(4).innerText()) });
    }
  }
  expect(unpaid.length).toBe(2);
  const [a, b] = unpaid;

  // The bank's export: title lines, money in and out, a totals row.
  const csv = [
    'NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM',
    'SAO KÊ TÀI KHOẢN 1023456789',
    '',
    'STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Mô tả',
    `1,26/11/2026 08:01:00,FTE2E0001,,"${a.total.toLocaleString('en-US')}","MBVCB.8812.HP ${a.code}.CT tu 0011004 NGUYEN VAN HUNG"`,
    `2,26/11/2026 08:05:00,FTE2E0002,,"100,000","IBFT hp${b.code.toLowerCase()} nop tien"`,
    `3,26/11/2026 08:09:00,FTE2E0003,,"${a.total.toLocaleString('en-US')}","HP ${a.code} chuyen lan 2"`,
    // Some banks give the day alone.
    `4,26/11/2026,FTE2E0004,,"${featuredTotal.toLocaleString('en-US')}","nop hoc phi cho con Nguyen Minh An lop 3A"`,
    '5,26/11/2026 16:00:00,FTE2E0005,"11,000",,Phi quan ly tai khoan',
    ',Tổng cộng,,"11,000",,',
  ].join('\n');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sao-ke-')), 'sao-ke-vietcombank.csv');
  fs.writeFileSync(file, csv);

  await openTask(page, 'Đối soát ngân hàng');
  await page.locator('#statement-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Kiểm tra sao kê' }).click();
  const preview = page.getByTestId('statement-preview');
  const dong = (n) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đ`;
  // The money in, to hold against the bank's "Tổng ghi có" before writing; what
  // writing would do, said as still to come.
  await expect(preview.getByTestId('preview-total'))
    .toHaveText(`Dòng tiền vào: 4 · tổng ${dong(2 * a.total + 100_000 + featuredTotal)} · đã có từ trước 0 · bỏ qua (tiền ra, dòng tổng cộng) 2`);
  await expect(preview.getByTestId('preview-outcomes'))
    .toHaveText('Sau khi ghi: gạch nợ đủ 1 · một phần 1 · nộp thừa 0 · có thể trùng 1 · chờ xử lý 1');
  // Each line says what recording will do, not what was done.
  await expect(preview.locator('[data-outcome="matched"]:visible')).toHaveText('sẽ gạch nợ đủ');
  // Each line with its day and time as the bank gave them (the day alone for line 4).
  const previewLines = preview.getByTestId('preview-line');
  await expect(previewLines.nth(0)).toContainText('26/11/2026 08:01');
  await expect(previewLines.nth(3)).toContainText('26/11/2026');
  await expect(previewLines.nth(3)).not.toContainText('00:00');
  await expect(preview.locator('[data-outcome="duplicate"]:visible')).toHaveCount(1);
  const section = page.locator('section[aria-labelledby="reconcile-title"]');
  await section.screenshot({ path: 'test-results/screens/staff-desktop-08-statement-preview.png' });
  await page.getByRole('button', { name: 'Ghi các giao dịch mới (4)' }).click();
  // What it recorded, with the money to hold against the bank's statement; no row of zeros.
  await expect(page.getByText(`Đã ghi sao kê. Giao dịch mới: 4, tổng ${dong(2 * a.total + 100_000 + featuredTotal)}`
    + ` · gạch nợ đủ 1 · một phần 1 · có thể trùng 1 (${dong(a.total)}) · chờ xử lý 1 (${dong(featuredTotal)}).`)).toBeVisible();

  // Among all recent transfers, one is found by its reference, its payer (without marks) or its amount.
  await page.getByRole('button', { name: 'Tất cả giao dịch', exact: true }).click();
  const search = page.getByLabel(/^Tìm theo nội dung, người chuyển/);
  await search.fill('fte2e0002');
  await page.getByRole('button', { name: 'Tìm giao dịch' }).click();
  await expect(page.getByTestId('transfer')).toHaveCount(1);
  await expect(page.getByTestId('transfer')).toHaveAttribute('data-reference', 'FTE2E0002');
  await search.fill('Nguyễn Văn Hùng');
  await page.getByRole('button', { name: 'Tìm giao dịch' }).click();
  await expect(page.locator('[data-testid="transfer"][data-reference="FTE2E0001"]')).toBeVisible();
  await expect(page.locator('[data-testid="transfer"][data-reference="FTE2E0002"]')).toHaveCount(0);
  await search.fill('100.000 đ');
  await page.getByRole('button', { name: 'Tìm giao dịch' }).click();
  await expect(page.locator('[data-testid="transfer"][data-reference="FTE2E0002"]')).toBeVisible();
  // A match undone says which transfer, its money, and that its receipt went with it.
  const partly = page.locator('[data-testid="transfer"][data-reference="FTE2E0002"]');
  await otherActions(partly);
  await partly.getByLabel('Lý do').fill('Nhầm hoá đơn');
  await partly.getByRole('button', { name: 'Hoàn tác' }).click();
  await expect(page.getByText('Đã hoàn tác giao dịch FTE2E0002 (100.000 đ) — trở lại hàng chờ. Biên lai đã cấp cho giao dịch này đã được huỷ.')).toBeVisible();
  await search.fill('');
  await page.getByRole('button', { name: 'Tìm giao dịch' }).click();
  await page.getByRole('button', { name: 'Chờ xử lý', exact: true }).click();
  // Back in the queue, it is marked as no school fee, said with its figures.
  const back = page.locator('[data-testid="transfer"][data-reference="FTE2E0002"]');
  // With why it came back (and the queue drawn whole before pressing in it).
  await expect(back).toContainText('hoàn tác: Nhầm hoá đơn');
  await expect(page.locator('[data-testid="transfer"][data-reference="FTE2E0004"]')).toBeVisible();
  await otherActions(back);
  await back.getByLabel('Lý do').fill('Tiền lãi ngân hàng');
  await back.getByRole('button', { name: 'Không phải khoản thu' }).click();
  await expect(page.getByText('Đã đánh dấu giao dịch FTE2E0002 (100.000 đ) là không phải khoản thu.')).toBeVisible();
  await expect(back).toHaveCount(0);

  // The transfer without a code waits in the queue, with the child's invoice suggested.
  const card = page.locator('[data-testid="transfer"][data-reference="FTE2E0004"]');
  await expect(card).toContainText('chưa tìm thấy hoá đơn');
  // A day without its time is shown as the day, not as midnight.
  await expect(card).toContainText('26/11/2026 · Số tham chiếu FTE2E0004');
  await expect(card).not.toContainText('00:00');
  const suggestion = card.getByTestId('suggestion').first();
  await expect(suggestion).toContainText('Nguyễn Minh An');
  await expect(suggestion).toContainText('đúng số tiền còn nợ');
  // The month as invoices write it, not as it is stored ("2026-11").
  await expect(suggestion).toContainText('kỳ 11/2026');
  // The paid-twice transfer is flagged too.
  await expect(page.locator('[data-testid="transfer"][data-reference="FTE2E0003"]')).toContainText('có thể nộp trùng');
  await section.screenshot({ path: 'test-results/screens/staff-desktop-09-review-queue.png' });
  // A double click on the suggestion is one part; a part chosen by mistake comes off.
  await suggestion.getByRole('button', { name: 'Chọn hoá đơn này' }).dblclick();
  await expect(card.getByLabel('Mã hoá đơn')).toHaveCount(1);
  // The chosen suggestion says so.
  await expect(suggestion.getByRole('button', { name: 'Đã chọn ✓' })).toHaveAttribute('aria-pressed', 'true');
  await card.getByTestId('remove-part').click();
  await expect(card.getByLabel('Mã hoá đơn')).toHaveCount(0);
  await expect(suggestion.getByRole('button', { name: 'Chọn hoá đơn này' })).toHaveAttribute('aria-pressed', 'false');
  await suggestion.getByRole('button', { name: 'Chọn hoá đơn này' }).click();
  // The amount typed as accountants type it ("780k"), as in the fee form.
  const amountField = card.getByLabel('Số tiền (đồng)');
  const exact = Number(await amountField.inputValue());
  expect(exact % 1000).toBe(0);
  // An emptied amount is said under its own field, which gets the cursor; nothing is sent.
  await amountField.fill('');
  await card.getByRole('button', { name: 'Gạch nợ' }).click();
  await expect(card.getByTestId('amount-read')).toHaveText('Hãy nhập số tiền.');
  await expect(amountField).toBeFocused();
  await expect(card).toContainText('chưa tìm thấy hoá đơn');
  await amountField.fill(`${exact / 1000}k`);
  // The field reads the amount back as it will be recorded.
  await expect(card.getByTestId('amount-read')).toHaveText(`= ${exact.toLocaleString('de-DE')} đ`);
  await expect(card.getByTestId('split-left')).toHaveText('Đã chia hết số tiền chuyển khoản.');
  // A double click settles once and says so, not "already settled" over it.
  await card.getByRole('button', { name: 'Gạch nợ' }).dblclick();
  // The save says what went where, with its figures.
  await expect(page.getByText(new RegExp(`^Đã gạch nợ giao dịch FTE2E0004: ${(exact).toLocaleString('de-DE')} đ vào [A-Z0-9]{8} \\(Nguyễn Minh An\\)$`))).toBeVisible();
  await expect(page.getByText('Giao dịch này đã được gạch nợ')).toHaveCount(0);
  await expect(page.locator('[data-testid="transfer"][data-reference="FTE2E0004"]')).toHaveCount(0);

  // Back on the invoice list, by way of the home (another route of the school's
  // pages), the search is as it was left, and read again: invoice A, settled by
  // its transfer, is no longer among the unpaid.
  await openTask(page, 'Việc cần làm');
  await openTask(page, 'Hoá đơn, thông báo');
  await expect(page.locator('#inv-period')).toHaveValue('2026-11');
  await expect(page.getByLabel('Lớp (để trống: tất cả)')).toHaveValue('4A');
  await expect(page.locator('#inv-status')).toHaveValue('open');
  await expect(page.getByTestId('invoice-totals')).toBeVisible();
  await expect(rows.filter({ hasText: b.code })).toHaveCount(1);
  await expect(rows.filter({ hasText: a.code })).toHaveCount(0);

  // The hand match issued a signed receipt; a wrong payer name is fixed by cancelling
  // it with a reason and issuing a replacement (the old one stays, cancelled).
  await openTask(page, 'Biên lai');
  await page.locator('#receipt-period').fill('2026-11');
  await page.getByRole('button', { name: 'Xem biên lai' }).click();
  const row = page.getByTestId('receipt-row').filter({ hasText: 'Nguyễn Minh An' }).first();
  await expect(row).toContainText('Phụ huynh học sinh Nguyễn Minh An');
  const label = await row.getAttribute('data-label');
  await row.getByRole('button', { name: 'Huỷ và lập lại…' }).click();
  await row.getByLabel('Lý do huỷ').fill('Sai tên người nộp');
  await row.getByLabel('Người nộp tiền (sửa nếu sai)').fill('NGUYỄN VĂN HÙNG');
  await row.getByRole('button', { name: 'Huỷ biên lai này và lập lại' }).dblclick();
  await expect(page.getByText(`Đã huỷ biên lai ${label} và lập biên lai thay thế (xem trong danh sách).`)).toBeVisible();
  await expect(page.getByTestId('receipt-row').filter({ hasText: `Thay thế ${label}` })).toHaveCount(1);
  await expect(page.locator(`[data-testid="receipt-row"][data-label="${label}"]`)).toContainText('Sai tên người nộp');
  await expect(page.getByTestId('receipt-row').filter({ hasText: `Thay thế ${label}` })).toContainText('NGUYỄN VĂN HÙNG');
  // The search finds a receipt by its number (or a name without marks), and each says how it was paid.
  await page.getByLabel(/^Tìm số biên lai/).fill(label);
  await expect(page.getByTestId('receipt-row')).toHaveCount(1);
  await expect(page.getByTestId('receipt-row').getByTestId('receipt-method')).toContainText('Chuyển khoản ngân hàng');
  await page.getByLabel(/^Tìm số biên lai/).fill('nguyen van hung');
  await expect(page.getByTestId('receipt-row')).toHaveCount(1);
  await expect(page.getByTestId('receipt-row')).toContainText(`Thay thế ${label}`);
  await page.getByLabel(/^Tìm số biên lai/).fill('');
  // In the order asked: the largest amount first.
  await page.getByLabel('Sắp xếp').selectOption({ label: 'Số tiền lớn nhất trước' });
  const totals = (await page.getByTestId('receipt-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.total))));
  expect(totals.length).toBeGreaterThan(1);
  expect(totals).toEqual([...totals].sort((a, b) => b - a));
  await page.getByLabel('Sắp xếp').selectOption({ label: 'Mới nhất trước' });
  await page.locator('section[aria-labelledby="receipts-title"]').screenshot({ path: 'test-results/screens/staff-desktop-10-receipts.png' });
  // The cancelled receipt's own page says so, on screen and on paper.
  const oldHref = await page.locator(`[data-testid="receipt-row"][data-label="${label}"] a`).first().getAttribute('href');
  const old = await browser.newPage();
  await old.goto(oldHref);
  await expect(old.getByTestId('browser-verdict')).toHaveAttribute('data-valid', 'false');
  await expect(old.getByTestId('receipt-cancelled')).toContainText('ĐÃ HUỶ — KHÔNG CÓ GIÁ TRỊ');
  await old.emulateMedia({ media: 'print' });
  await expect(old.getByTestId('receipt-cancelled')).toBeVisible();
  await old.close();
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Xuất biên lai ra Excel (.xlsx)' }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toBe('bien-lai.xlsx');
  // The change log says it in a sentence, with the reason.
  await openTask(page, 'Nhật ký thay đổi');
  await page.getByLabel('Tìm theo người, việc hoặc hồ sơ').fill(label);
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByTestId('audit-list').getByRole('listitem').first())
    .toContainText(new RegExp(`^Huỷ và lập lại biên lai ${label} bằng \\d{4}-\\d{7} — lý do: Sai tên người nộp`));

  // The parent's page, never reloaded, shows it paid.
  await expect(parent.getByText('Khoản này đã được nộp đủ. Cảm ơn bạn!')).toBeVisible({ timeout: 15_000 });
  await parent.screenshot({ path: 'test-results/screens/10-paid-after-review.png', fullPage: true });
  await phone.close();
});
