// A parent finds what is due and pays it by VietQR.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const { decodePng, parseVietQr } = require('../lib/qr');

const FEATURED = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017', name: 'Nguyễn Minh An' };
const SIBLING = { school: 'mn-hoa-hong', code: '2203000001', birth: '12/03/2021', name: 'Nguyễn Minh Châu' };

async function lookUp(page, child) {
  await page.goto(`/s/${child.school}`);
  await page.getByLabel('Mã học sinh').fill(child.code);
  await page.getByLabel('Ngày sinh của con').fill(child.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
}

/** "1.250.000 đ" → 1250000 */
function dong(text) {
  return Number(text.replace(/[^0-9]/g, ''));
}

test('the shell paints before the app, then the lookup form appears', async ({ page }) => {
  const html = await (await page.request.get('/s/th-ha-long')).text();
  expect(html).toContain('Tra cứu khoản thu');
  await page.goto('/s/th-ha-long');
  await expect(page.getByLabel('Mã học sinh')).toBeVisible();
  await expect(page.getByText('Trường Tiểu học Hạ Long')).toBeVisible();
  // The school's link names the people parents can call.
  await expect(page.locator('section[aria-labelledby="contacts-title"]')).toContainText('Lê Thị Hồng');
  await page.screenshot({ path: 'test-results/screens/01-lookup.png', fullPage: true });
});

test('a parent looks up a child, opens the invoice and pays by a VietQR that decodes independently', async ({ page }, testInfo) => {
  await lookUp(page, FEATURED);
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await expect(page.getByText('3A · Trường Tiểu học Hạ Long')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/02-child.png', fullPage: true });

  // This month's invoice is open: due on the 20th, so on the 26th it is overdue.
  const card = page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ });
  await expect(card).toContainText('Chưa nộp');
  await expect(card).toContainText('Quá hạn');
  await card.click();

  await expect(page.getByRole('heading', { name: 'Các khoản thu tháng 11/2026' })).toBeVisible();
  const total = dong(await page.locator('tfoot td').first().innerText());
  expect(total).toBeGreaterThan(0);
  // Every line adds up to the total.
  const lines = await page.locator('tbody td:last-child').allInnerTexts();
  expect(lines.map(dong).reduce((a, b) => a + b, 0)).toBe(total);

  // The four fields of the payment-information template are shown.
  const template = page.locator('section[aria-labelledby="template-title"]');
  for (const label of ['Họ và tên người trả tiền', 'Họ và tên người thụ hưởng', 'Lý do thanh toán', 'Mã/số hóa đơn thanh toán']) {
    await expect(template.getByText(label)).toBeVisible();
  }
  const invoiceCode = (await template.locator('dd.font-mono').innerText()).trim();
  expect(invoiceCode).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  expect(page.url()).toContain(invoiceCode);
  expect(page.url()).not.toContain(FEATURED.code);

  const qr = page.locator('.qr');
  await qr.scrollIntoViewIfNeeded();
  await expect(qr.locator('svg')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/03-invoice.png', fullPage: true });

  // Decode the QR from the rendered page's pixels, then parse it with another parser.
  const payload = decodePng(await qr.screenshot());
  const parsed = parseVietQr(payload);
  const shownAccount = (await page.getByText('Số tài khoản').locator('..').locator('div').nth(1).innerText()).trim();
  const memoValue = page.getByText('Nội dung chuyển khoản').locator('..').locator('div').nth(1);
  const shownMemo = (await memoValue.innerText()).trim();
  // Typed by hand into a banking app, the memo reads on one line (it broke
  // over three beside its button, and was misread).
  expect((await memoValue.boundingBox()).height).toBeLessThan(36);
  expect(parsed.consumer.bankBin).toBe('970436'); // Vietcombank, the school's bank in the demo
  expect(parsed.consumer.bankNumber).toBe(shownAccount);
  expect(Number(parsed.amount)).toBe(total);
  expect(parsed.additionalData.billNumber).toBe(invoiceCode);
  expect(parsed.additionalData.purpose).toBe(shownMemo);
  expect(parsed.additionalData.purpose).toContain(`HP ${invoiceCode}`);
  expect(parsed.additionalData.purpose.length).toBeLessThanOrEqual(25);
  expect(parsed.additionalData.purpose).not.toMatch(/Nguy|Minh|An\b/);
  await expect(page.getByText('Vietcombank', { exact: true })).toBeVisible();
  await expect(page.getByText('TRUONG TIEU HOC HA LONG').first()).toBeVisible();
  // Copying the account's holder says so on the button, which stays where the finger is.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const copyHolder = page.getByRole('button', { name: 'Sao chép Tên tài khoản' });
  await copyHolder.scrollIntoViewIfNeeded();
  const before = await copyHolder.boundingBox();
  await copyHolder.click();
  await expect(copyHolder).toHaveText('Đã chép');
  expect(await copyHolder.boundingBox()).toEqual(before);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('TRUONG TIEU HOC HA LONG');
  // The school's contact people are on the invoice page.
  const contacts = page.locator('section[aria-labelledby="contacts-title"]');
  await expect(contacts).toContainText('Lê Thị Hồng');
  await expect(contacts.getByRole('link', { name: 'Gọi 0912345678' })).toHaveAttribute('href', 'tel:0912345678');

  // The saved PNG (with its quiet zone) decodes to the same payload.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Lưu ảnh QR' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`vietqr-${invoiceCode}.png`);
  const saved = fs.readFileSync(await download.path());
  expect(decodePng(saved)).toBe(payload);
  await expect(page.getByText('Đã lưu ảnh QR')).toBeVisible();
  await testInfo.attach('vietqr-payload', { body: payload, contentType: 'text/plain' });

  // The English club is voluntary: declining it before paying lowers the total and the QR follows.
  const club = page.getByRole('row', { name: /Câu lạc bộ Tiếng Anh/ });
  const clubAmount = dong(await club.locator('td').last().innerText());
  await club.getByLabel('Đăng ký khoản tự nguyện này (bỏ chọn nếu không tham gia)').uncheck();
  await expect(page.locator('tfoot td').first()).toHaveText(`${(total - clubAmount).toLocaleString('de-DE')} đ`);
  await expect(club.locator('td').last()).toHaveClass(/line-through/);
  await expect(page.locator('.qr svg')).toBeVisible();
  const lowered = parseVietQr(decodePng(await page.locator('.qr').screenshot()));
  expect(Number(lowered.amount)).toBe(total - clubAmount);
  await page.screenshot({ path: 'test-results/screens/03b-voluntary-declined.png', fullPage: true });

  // Whoever has never paid by QR finds the steps beside it.
  await page.getByTestId('qr-guide').click();
  await expect(page).toHaveURL(/\/huong-dan\/nop-bang-qr\.html$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('a wrong date of birth gets the one neutral message, and so does an unknown code', async ({ page }) => {
  await lookUp(page, { ...FEATURED, birth: '06/09/2017' });
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText(/Không tìm thấy học sinh nào khớp/);
  const wrongDate = await alert.innerText();
  await page.screenshot({ path: 'test-results/screens/04-no-match.png', fullPage: true });

  await lookUp(page, { ...FEATURED, code: '2201999999' });
  await expect(page.getByRole('alert')).toHaveText(wrongDate);

  // A day the calendar has not, or one still to come, is said to be so (it was
  // told to write the date as day/month/year, as it was written).
  await lookUp(page, { ...FEATURED, birth: '31/02/2017' });
  await expect(page.getByRole('alert')).toHaveText('Ngày sinh này không đúng: không có ngày này trên lịch, hoặc ngày chưa tới. Hãy xem lại ngày, tháng, năm sinh của con.');
  await lookUp(page, { ...FEATURED, birth: '05/09/2030' });
  await expect(page.getByRole('alert')).toContainText('ngày chưa tới');
  // A two-digit year is told what is missing, and that the digits may be typed together.
  await lookUp(page, { ...FEATURED, birth: '05/09/17' });
  await expect(page.getByRole('alert')).toContainText('năm đủ 4 chữ số');
  await expect(page.getByRole('alert')).toContainText('05092018');
});

test('a family switches between two children at two schools, and can remove one', async ({ page }) => {
  await lookUp(page, FEATURED);
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await lookUp(page, SIBLING);
  await expect(page.getByRole('heading', { name: SIBLING.name })).toBeVisible();

  await page.goto('/');
  const children = page.locator('section[aria-labelledby="children-title"] li');
  await expect(children).toHaveCount(2);
  await page.screenshot({ path: 'test-results/screens/05-children.png', fullPage: true });
  await page.getByRole('link', { name: new RegExp(FEATURED.name) }).click();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();

  await page.goto('/');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: `Xoá khỏi máy này: ${SIBLING.name}` }).click();
  await expect(children).toHaveCount(1);
  // Nothing about the child survives in the device's storage but the token and names
  // (postcard as hex: strings are their UTF-8 bytes, so decode and search the text).
  const stored = await page.evaluate(() => localStorage.getItem('hocphi.children.v2'));
  const text = Buffer.from(stored, 'hex').toString('utf8');
  expect(text).toContain(FEATURED.name);
  expect(text).not.toContain('2017');
  expect(text).not.toContain(FEATURED.code);

  // A lent phone is forgotten: the list empties, and a copy of what it held opens nothing.
  const copy = stored;
  // A complaint filed from this phone names the child: it is forgotten too.
  await page.evaluate(() => localStorage.setItem('hocphi.complaints.v1',
    JSON.stringify([{ code: 'KN-22222-22222', subject: 'Nguyễn Minh An · Hoá đơn X', at: 0 }])));
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Xoá hết dữ liệu trên máy này' }).click();
  await expect(page.getByText('Đã xoá hết dữ liệu trên máy này')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Các con của bạn' })).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('hocphi.children.v2'))).not.toContain(
    Buffer.from(FEATURED.name).toString('hex'));
  expect(await page.evaluate(() => localStorage.getItem('hocphi.complaints.v1'))).toBeNull();
  await page.screenshot({ path: 'test-results/screens/05b-forgotten.png', fullPage: true });
  await page.evaluate((v) => localStorage.setItem('hocphi.children.v2', v), copy);
  await page.goto('/');
  await page.getByRole('link', { name: new RegExp(FEATURED.name) }).click();
  await expect(page.getByText('Phiên xem đã hết hạn')).toBeVisible();
});

/** The strings of a postcard struct made only of strings (each: varint length, UTF-8). */
function postcardStrings(bytes, count) {
  const out = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    let len = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      len |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    out.push(bytes.subarray(at, at + len).toString('utf8'));
    at += len;
  }
  return out;
}

test('children saved by the previous version (JSON) are still there after the update', async ({ page }) => {
  const res = await page.request.post('/rpc/lookup', {
    form: { school: FEATURED.school, student_code: FEATURED.code, birth_date: FEATURED.birth },
  });
  expect(res.headers()['content-type']).toBe('application/x-postcard');
  const [token, school_slug, school_name, student_name, class_name] = postcardStrings(await res.body(), 5);
  expect(student_name).toBe(FEATURED.name);
  await page.goto('/');
  const v1 = [{ id: '0a1b2c3d', access: { token, school_slug, school_name, student_name, class_name } }];
  await page.evaluate((list) => {
    localStorage.setItem('hocphi.children.v1', JSON.stringify(list));
    localStorage.setItem('hocphi.seen.v1.child.0a1b2c3d.overview', '{"at":1,"value":{}}');
  }, v1);
  await page.reload();
  await page.getByRole('link', { name: new RegExp(FEATURED.name) }).click();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await expect(page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ })).toBeVisible();
  const keys = await page.evaluate(() => Object.keys(localStorage));
  expect(keys).toContain('hocphi.children.v2');
  expect(keys.filter((k) => k.includes('.v1'))).toEqual([]);
});

test('copies an earlier version kept are dropped once the page is up', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => {
    // This version's list of children, empty (postcard, in hex): the move of an
    // earlier list, which also drops old copies, has nothing to do.
    localStorage.setItem('hocphi.children.v2', '00');
    localStorage.setItem('hocphi.seen.v2.child.0a1b2c3d.overview', '{"at":1,"value":{}}');
    localStorage.setItem('hocphi.lang', 'vi');
  });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeVisible();
  // Housekeeping a few seconds after the start, not in its first task.
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage)), { timeout: 10000 })
    .not.toContain('hocphi.seen.v2.child.0a1b2c3d.overview');
  expect(await page.evaluate(() => localStorage.getItem('hocphi.lang'))).toBe('vi');
});

test('English is one tap away and stays chosen', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Look up fees' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Look up fees' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeVisible();
  await expect(page).toHaveTitle('hocphi · Tra cứu khoản thu');
  // What was typed stays through a change of language, both ways.
  await page.goto(`/s/${FEATURED.school}`);
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Look up fees' })).toBeVisible();
  await expect(page).toHaveTitle(/Tra cứu và nộp khoản thu|Look up fees/);
  await expect(page.locator('#student-code')).toHaveValue(FEATURED.code);
  await expect(page.locator('#birth-date')).toHaveValue(FEATURED.birth);
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect(page.getByLabel('Mã học sinh')).toHaveValue(FEATURED.code);
  await expect(page.getByLabel('Ngày sinh của con')).toHaveValue(FEATURED.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
});

test('the page fits a 360 px wide phone without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await lookUp(page, FEATURED);
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.locator('.qr svg')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/screens/06-invoice-360.png', fullPage: true });
});

test('security headers are set and a cross-site call is refused', async ({ request }) => {
  const res = await request.get('/');
  const csp = res.headers()['content-security-policy'];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
  const refused = await request.post('/rpc/lookup', {
    headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    data: 'school=th-ha-long&student_code=2201000001&birth_date=05/09/2017',
  });
  expect(refused.status()).toBe(403);
});

test('the app can be installed: a Vietnamese manifest with its icons', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const res = await request.get(href);
  expect(res.status()).toBe(200);
  const manifest = await res.json();
  expect(manifest.lang).toBe('vi');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBe('/');
  expect(manifest.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512')).toBe(true);
  for (const icon of manifest.icons) {
    const r = await request.get(icon.src);
    expect(r.status(), icon.src).toBe(200);
    expect(r.headers()['content-type']).toBe(icon.type);
  }
});

test('a mistyped school address says so, at 360 px, instead of blaming the code', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/s/th-ha-longg');
  await expect(page.getByTestId('unknown-school')).toContainText('Không tìm thấy trường ở địa chỉ này');
  // …in the form too, where the school's name would be, not only under it.
  await expect(page.getByTestId('preset-school')).toHaveText('Không tìm thấy trường ở địa chỉ này');
  // The school's real address shows no such warning.
  await page.goto('/s/th-ha-long');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('unknown-school')).toHaveCount(0);
});
