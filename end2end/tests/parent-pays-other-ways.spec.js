// The other cashless methods, end to end: one family pays online through the
// gateway simulator, another by Mobile Money QR, and the accountant records a
// card payment at the office for a third. All three invoices show paid, with receipts.
const { test, expect } = require('@playwright/test');
const { decodePng, parseVietQr } = require('../lib/qr');
const crypto = require('crypto');
const { schoolSecret } = require('../lib/cli');
const path = require('path');
const { openTask, signOut } = require('../lib/staff');

const digits = (text) => Number(text.replace(/[^0-9]/g, ''));

async function signIn(page, user) {
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill(user);
  await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

test('online through the gateway, by Mobile Money, and by card at the office: all paid, with receipts', async ({ page, browser }) => {
  // The homeroom teacher makes private links for two families of 3A with November unpaid.
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, 'gv.3a');
  const classView = page.locator('section[aria-labelledby="class-title"]');
  const unpaid = classView.getByRole('row').filter({ hasText: 'chưa nộp' }).filter({ hasNotText: 'Nguyễn Minh An' });
  const links = [];
  for (const i of [0, 1]) {
    await unpaid.nth(i).getByRole('button', { name: 'Đường dẫn riêng' }).click();
    const shown = page.getByText(/\/l\//).last();
    if (i > 0) await expect(shown).not.toHaveText(links[0]);
    links.push((await shown.innerText()).trim());
  }
  await signOut(page);

  const phone = () => browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });

  // Family 1 pays online: the gateway's page, then back to hocphi.
  const ctx1 = await phone();
  const p1 = await ctx1.newPage();
  await p1.goto(links[0]);
  await p1.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  // The address changes once the invoice page (its code may still be arriving) is shown.
  await expect(p1).toHaveURL(/\/con\/[0-9a-f]+\/[0-9A-Z]+$/);
  const invoice1 = p1.url();
  await p1.getByRole('button', { name: 'Nộp trực tuyến' }).click();
  await expect(p1.getByText('CỔNG THANH TOÁN GIẢ LẬP')).toBeVisible();
  await p1.screenshot({ path: 'test-results/screens/14-gateway-simulator.png', fullPage: true });
  await p1.getByRole('button', { name: 'Thanh toán thành công' }).click();
  await expect(p1.getByTestId('online-result')).toHaveAttribute('data-state', 'paid');
  await expect(p1.getByText('Nộp tiền thành công')).toBeVisible();
  await p1.screenshot({ path: 'test-results/screens/15-paid-online.png', fullPage: true });
  await p1.getByRole('link', { name: 'Về trang khoản thu' }).click();
  await expect(p1).toHaveURL(invoice1);
  await expect(p1.getByText('Khoản này đã được nộp đủ. Cảm ơn bạn!')).toBeVisible();
  await expect(p1.getByTestId('receipt-link')).toHaveCount(1);
  // Each receipt names the month it paid.
  await expect(p1.getByTestId('receipt-period')).toHaveText(/^Kỳ \d\d\/\d{4} · \d\d\/\d\d\/\d{4} \d\d:\d\d$/);

  // Family 2 chooses Mobile Money: the QR names the school's wallet account.
  const ctx2 = await phone();
  const p2 = await ctx2.newPage();
  await p2.goto(links[1]);
  await p2.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await p2.getByRole('radio', { name: 'Ví VNPTMoney' }).click();
  await expect(p2.getByText('0912345678').first()).toBeVisible();
  // The payment template names the account chosen, too.
  await expect(p2.locator('section[aria-labelledby="template-title"]')).toContainText('VNPTMoney · 0912345678');
  // The QR is drawn in a task of its own, just after the page.
  await expect(p2.locator('.qr svg').first()).toBeVisible();
  const qr = parseVietQr(decodePng(await p2.locator('.qr').first().screenshot()));
  expect(qr.consumer.bankBin).toBe('971011');
  expect(qr.consumer.bankNumber).toBe('0912345678');
  const amount = Number(qr.amount);
  const code = (await p2.locator('section[aria-labelledby="template-title"] dd.font-mono').innerText()).trim();
  await p2.screenshot({ path: 'test-results/screens/16-mobile-money-qr.png', fullPage: true });
  // The wallet's notification reaches hocphi, signed.
  const secret = schoolSecret('th-ha-long');
  const ts = Math.floor(Date.parse('2026-11-26T09:00:00+07:00') / 1000);
  const body = JSON.stringify({ transaction_id: `MM-E2E-${code}`, account_number: '0912345678', amount, received_at: ts, memo: `HP${code}` });
  const signature = crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  const res = await p2.request.post('/api/v1/bank-notifications', {
    headers: { 'content-type': 'application/json', 'x-hocphi-school': 'th-ha-long', 'x-hocphi-timestamp': String(ts), 'x-hocphi-signature': signature },
    data: body,
  });
  expect(res.status()).toBe(201);
  await expect(p2.getByText('Khoản này đã được nộp đủ. Cảm ơn bạn!')).toBeVisible({ timeout: 15_000 });
  await expect(p2.getByTestId('receipt-link')).toHaveCount(1);

  // The accountant takes a card at the office for a third family's invoice.
  await signIn(page, 'ketoan.thhl');
  await openTask(page, 'Hoá đơn, thông báo');
  await page.locator('#inv-period').fill('2026-11');
  await page.getByLabel('Lớp (để trống: tất cả)').fill('3A');
  await page.locator('#inv-status').selectOption('open');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByTestId('invoice-totals')).toBeVisible();
  // The list first shows every invoice, then the open ones: wait for the filtered list,
  // then read each row's cells in one go, so a code is never paired with another row's
  // amount while the list is redrawn (a slow machine once caught it between the two).
  const listed = page.locator('section[aria-labelledby="invoices-title"] tbody tr');
  await expect(listed.filter({ hasText: 'đã nộp đủ' })).toHaveCount(0);
  const table = await listed.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.innerText)));
  const found = table
    .filter((cells) => !cells[1].includes('Nguyễn Minh An') && digits(cells[5]) === 0)
    .slice(0, 2)
    .map((cells) => ({ code: cells[0].trim(), total: digits(cells[4]) }));
  expect(found.length).toBe(2);
  const [third, fourth] = found;
  await openTask(page, 'Thu tại trường');
  const office = page.locator('section[aria-labelledby="office-title"]');
  await office.getByLabel('Mã hoá đơn').fill(third.code);
  await office.getByLabel('Số tiền nhận (đồng)').fill(String(third.total));
  await office.getByLabel('Mã máy POS (TID)').fill('TID00123');
  await office.getByLabel('Mã chuẩn chi').fill('A1B2C3');
  await office.getByLabel('4 số cuối của thẻ').fill('4242');
  await office.getByRole('button', { name: 'Ghi nhận khoản nộp' }).click();
  await expect(page.getByText(`Đã ghi nhận khoản nộp ${third.total.toLocaleString('de-DE')} đ cho hoá đơn ${third.code}. Đã lập biên lai.`)).toBeVisible();
  // The POS terminal's settlement file brings another card payment.
  const pos = path.join(require('fs').mkdtempSync(path.join(require('os').tmpdir(), 'pos-')), 'quyet-toan-pos.csv');
  require('fs').writeFileSync(pos, [
    'BÁO CÁO QUYẾT TOÁN POS NGÀY 26/11/2026',
    'STT,Mã máy (TID),Thời gian giao dịch,Số thẻ,Mã chuẩn chi,Số tiền,Ghi chú',
    `1,TID00123,26/11/2026 10:05,970436******1234,B7C8D9,${fourth.total},${fourth.code}`,
  ].join('\n'));
  await page.locator('#pos-file').setInputFiles(pos);
  await page.getByRole('button', { name: 'Đọc file quyết toán POS' }).click();
  await expect(page.getByTestId('pos-preview')).toContainText('Giao dịch mới: 1');
  await page.getByRole('button', { name: 'Ghi các giao dịch thẻ (1)' }).click();
  await expect(page.getByText('Đã ghi các giao dịch thẻ: 1')).toBeVisible();
  await office.screenshot({ path: 'test-results/screens/staff-desktop-11-card-payment.png' });

  // All three show paid in the accountant's list, and the school is ready for 4 of 4.
  await openTask(page, 'Hoá đơn, thông báo');
  await page.locator('#inv-period').fill('2026-11');
  await page.getByLabel('Lớp (để trống: tất cả)').fill('3A');
  await page.locator('#inv-status').selectOption('paid');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.locator('section[aria-labelledby="invoices-title"] tbody tr').filter({ hasText: third.code })).toContainText('đã nộp đủ');
  await expect(page.locator('section[aria-labelledby="invoices-title"] tbody tr').filter({ hasText: code })).toContainText('đã nộp đủ');
  await expect(page.locator('section[aria-labelledby="invoices-title"] tbody tr').filter({ hasText: fourth.code })).toContainText('đã nộp đủ');
  await openTask(page, 'Thông tin trường');
  await expect(page.getByTestId('readiness-card_pos')).toContainText('lần thu gần nhất');
  await expect(page.getByTestId('readiness-website')).toContainText('lần thu gần nhất');
  await expect(page.getByTestId('readiness-mobile_money')).toContainText('lần thu gần nhất');
  // The accountant sees the online attempt a parent may ask about: its code, paid.
  const online = page.getByTestId('online-orders');
  const onlineCode = invoice1.split('/').pop();
  await expect(online.getByRole('listitem').filter({ hasText: onlineCode })).toContainText('Đã thanh toán');
  await online.scrollIntoViewIfNeeded();
  await page.locator('section[aria-labelledby="gateway-title"]').screenshot({ path: 'test-results/screens/staff-desktop-12-online-orders.png' });
  await ctx1.close();
  await ctx2.close();
});
