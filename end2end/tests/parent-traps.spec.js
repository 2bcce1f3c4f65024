// Traps a new parent fell into, each removed, on a 360 px phone: the QR buried
// under the lines, an online payment whose confirmation is late offered again,
// a saved QR that says nothing in the gallery, "nothing to pay" when the page
// could not load, a tracking code hidden in the address, a list of children
// that does not say who owes what.
const { test, expect } = require('@playwright/test');
const { PNG } = require('pngjs');
const { decodePng, parseVietQr } = require('../lib/qr');
const { familyLink } = require('../lib/staff');
const { lookUp } = require('../lib/parent');

// No service worker: the tests intercept the app's requests, which a worker would make instead.
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'vi-VN', deviceScaleFactor: 2, serviceWorkers: 'block' };
const FEATURED = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017', name: 'Nguyễn Minh An' };

/** "1.250.000 đ" → 1250000 */
const dong = (text) => Number(text.replace(/[^0-9]/g, ''));

test('the QR is on the first screen, its saved image says whose it is, and a late online confirmation is not paid twice', async ({ browser }) => {
  const link = await familyLink(browser, FEATURED.name);
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await page.goto(link);
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page).toHaveURL(/\/con\/[0-9a-f]+\/[0-9A-Z]+$/);

  // What is due, then the QR, both within the first screen of a 360 × 740 phone.
  const due = page.getByTestId('amount-due');
  await expect(due).toBeVisible();
  const qr = page.locator('.qr');
  await expect(qr.locator('svg')).toBeVisible();
  const dueBox = await due.boundingBox();
  const qrBox = await qr.boundingBox();
  expect(qrBox.y).toBeGreaterThan(dueBox.y);
  expect(qrBox.y + qrBox.height).toBeLessThanOrEqual(740);
  await page.screenshot({ path: 'test-results/screens/60-invoice-first-screen-360.png' });
  const amount = dong((await due.innerText()).match(/([\d.]+) đ/)[1]);
  expect(Number(parseVietQr(decodePng(await qr.screenshot())).amount)).toBe(amount);

  // The saved image: the code, and under it the school, class, month, amount
  // and where to check the account; still decodes to the page's payload.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Lưu ảnh QR' }).click(),
  ]);
  const bytes = require('fs').readFileSync(await download.path());
  const png = PNG.sync.read(bytes);
  expect(png.height).toBeGreaterThan(png.width);
  expect(Number(parseVietQr(decodePng(bytes)).amount)).toBe(amount);
  // The caption is drawn: dark pixels below the code's square.
  let dark = 0;
  for (let y = png.width; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (png.data[(y * png.width + x) * 4] < 128) dark++;
    }
  }
  expect(dark).toBeGreaterThan(2000);
  require('fs').copyFileSync(await download.path(), 'test-results/screens/61-saved-qr-with-caption.png');

  // The four fields in the plan's words, the payer not yet known.
  const template = page.getByTestId('template');
  for (const label of ['Họ và tên người trả tiền', 'Họ và tên người thụ hưởng', 'Lý do thanh toán', 'Mã/số hóa đơn thanh toán']) {
    await expect(template.getByText(label, { exact: true })).toBeVisible();
  }

  // Online, the gateway says it went through but never tells the school (its IPN is lost).
  const invoice = page.url();
  await page.getByRole('button', { name: 'Nộp trực tuyến' }).click();
  await expect(page.getByText('CỔNG THANH TOÁN GIẢ LẬP')).toBeVisible();
  await page.getByLabel('Không gọi (IPN bị mất)').check();
  await page.getByRole('button', { name: 'Thanh toán thành công' }).click();
  await expect(page.getByTestId('online-result')).toHaveAttribute('data-state', 'pending');
  await page.getByRole('link', { name: 'Về trang khoản thu' }).click();
  await expect(page).toHaveURL(invoice);

  // The invoice page says so and offers no way to pay again…
  const pending = page.getByTestId('pending-online');
  await expect(pending).toContainText('Đang chờ xác nhận khoản nộp trực tuyến');
  await expect(pending).toContainText('Đừng nộp lại');
  await expect(page.locator('.qr')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Nộp trực tuyến' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/62-pending-online-360.png', fullPage: true });
  // …until the parent says the account was not charged.
  await pending.getByRole('button', { name: 'Tài khoản của tôi không bị trừ tiền: hiện cách nộp' }).click();
  await expect(page.locator('.qr svg')).toBeVisible();
  await ctx.close();
});

test('paying together says when a child could not be loaded, names the bank and the template, and shows the new QR', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await lookUp(page, FEATURED);

  // The list of children says what each still owes (or that all is paid).
  await page.goto('/');
  const owed = page.getByTestId('child-owed');
  // Never broken before its đ (a no-break space: \s, as a regex does not even out spaces).
  await expect(owed).toHaveText(/^Còn phải nộp [\d.]+\sđ$/);
  await page.screenshot({ path: 'test-results/screens/63-children-owed-360.png', fullPage: true });

  // The child's invoices cannot be fetched: never "nothing left to pay".
  await page.route('**/rpc/child*', (route) => route.abort());
  await page.goto('/nop-gop');
  const failed = page.getByTestId('load-failed');
  await expect(failed).toContainText('Chưa tải được các khoản của:');
  await expect(failed).toContainText(FEATURED.name);
  await expect(page.getByTestId('nothing-to-pay')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/64-pay-together-failed-360.png', fullPage: true });
  await page.unroute('**/rpc/child*');
  await failed.getByRole('button', { name: 'Thử lại' }).click();
  await expect(failed).toHaveCount(0);

  await page.getByRole('button', { name: 'Tạo mã QR nộp chung' }).click();
  const group = page.getByTestId('group-qr').first();
  // Taken to the new QR, which names its bank and carries the template.
  await expect(group).toBeInViewport();
  await expect(group.getByTestId('payee-bank')).toContainText('Vietcombank');
  const template = group.getByTestId('template');
  for (const label of ['Họ và tên người trả tiền', 'Họ và tên người thụ hưởng', 'Lý do thanh toán', 'Mã/số hóa đơn thanh toán']) {
    await expect(template.getByText(label, { exact: true })).toBeVisible();
  }
  await page.screenshot({ path: 'test-results/screens/65-pay-together-qr-360.png' });
  await ctx.close();
});

test('a tracking code is tidied, and a malformed one is told apart from an unknown one', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  // Pasted with spaces and in lower case: tidied in the address and the message.
  await page.goto('/khieu-nai/theo-doi#kn22222 22222');
  await expect(page.getByTestId('tracking-problem')).toHaveText('Không có khiếu nại nào mang mã KN-22222-22222. Hãy xem lại mã; nếu mã đúng, hãy gọi nhà trường.');
  expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#KN-22222-22222');
  // Too short: said at once, without asking the server.
  await page.goto('/khieu-nai/theo-doi#KN-ABC');
  await expect(page.getByTestId('tracking-problem')).toHaveText('Sau KN, mã theo dõi có 10 chữ và số; mã này có 3. Hãy xem lại mã.');
  // An invoice code typed in the box by mistake.
  await page.goto('/khieu-nai');
  await page.getByLabel('Mã theo dõi').fill('HP K7Q2M9XA');
  await page.getByRole('button', { name: 'Xem' }).click();
  await expect(page.getByText('Mã theo dõi bắt đầu bằng KN')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/66-tracking-code-problem-360.png', fullPage: true });
  await ctx.close();
});
