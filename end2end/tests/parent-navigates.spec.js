// The parent's app moves between its own pages without reloading (links, back
// and forward), and leaves other parts of the site to the browser.
const { test, expect } = require('@playwright/test');

const FEATURED = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017', name: 'Nguyễn Minh An' };

test("links, back and forward move between the parent's pages without reloading", async ({ page }) => {
  await page.goto(`/s/${FEATURED.school}`);
  // Each page has its own title (tabs, history, a screen reader's first words),
  // never the child's name; the school's link keeps the one naming the school.
  const schoolTitle = 'Trường Tiểu học Hạ Long · Tra cứu và nộp khoản thu';
  await expect(page).toHaveTitle(schoolTitle);
  // A mark on the window: gone if the page is ever loaded again.
  await page.evaluate(() => { window.__sameApp = true; });
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  const child = page.url();
  expect(child).toMatch(/\/con\/[0-9a-f]+$/);
  await expect(page).toHaveTitle('hocphi · Khoản thu của con');

  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.getByTestId('amount-due')).toBeVisible();
  const invoice = page.url();
  expect(invoice).toMatch(/\/con\/[0-9a-f]+\/[A-Z0-9]+$/);
  await expect(page).toHaveTitle('hocphi · Nộp khoản thu');

  await page.goBack();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  expect(page.url()).toBe(child);
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeVisible();
  expect(page.url()).toMatch(new RegExp(`/s/${FEATURED.school}$`));
  await expect(page).toHaveTitle(schoolTitle);
  await page.goForward();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await page.getByRole('link', { name: '← Quay lại' }).click();
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeVisible();
  // The lookup page lists the child now, and its link opens the child's page.
  await page.getByRole('link', { name: new RegExp(FEATURED.name) }).click();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  expect(await page.evaluate(() => window.__sameApp)).toBe(true);

  // Another part of the site (the QR checker, its own app) is loaded by the browser.
  await page.goto('/');
  await page.evaluate(() => { window.__sameApp = true; });
  await page.getByRole('link', { name: 'Kiểm tra một mã QR' }).click();
  await expect(page).toHaveURL(/\/kiem-tra-qr$/);
  await expect(page.getByRole('heading', { name: /Kiểm tra/ }).first()).toBeVisible();
  expect(await page.evaluate(() => window.__sameApp)).toBeUndefined();
  await expect(page).toHaveTitle('hocphi · Kiểm tra mã QR');
});

test('an address that is not a page of the app says so', async ({ page }) => {
  // Answered 404 (a link preview or a monitor knows the address is dead), with the app saying so.
  const answer = await page.goto('/con');
  expect(answer.status()).toBe(404);
  await expect(page.getByText(/Không tìm thấy trang|Page not found/)).toBeVisible();
  // And the way on: no dead end. The QR checker and complaints have it too.
  // A phone that has looked up no child is offered the lookup, by that name.
  await page.getByRole('link', { name: '← Tra cứu khoản thu của con' }).click();
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeVisible();
  for (const path of ['/kiem-tra-qr', '/khieu-nai', '/khieu-nai/moi', '/tai-khoan/th-ha-long']) {
    await page.goto(path);
    await expect(page.getByTestId('to-fees'), path).toBeVisible();
  }
  await page.getByTestId('to-fees').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeVisible();
});

test("a class link cut short, or of a class the school does not have, says so and still looks the child up", async ({ page }) => {
  const said = 'Không tìm thấy lớp theo đường dẫn này. Bạn vẫn tra cứu được bằng mã học sinh và ngày sinh.';
  // "Mầm 1" posted as text: a chat app's link stops at the space.
  await page.goto('/s/mn-hoa-hong/M%E1%BA%A7m');
  const note = page.getByTestId('unknown-class');
  await expect(note).toHaveText(said);
  await expect(page.getByRole('button', { name: 'Tra cứu', exact: true })).toBeVisible();
  // The whole link opens the class.
  await page.goto('/s/mn-hoa-hong/M%E1%BA%A7m%201');
  await expect(page.getByRole('heading', { name: 'Các khoản thu của lớp Mầm 1' })).toBeVisible();
  await expect(note).toHaveCount(0);
  // Words put in a made-up link are not repeated on the school's page.
  await page.goto('/s/th-ha-long/3A%20-%20THONG%20BAO%20chuyen%20khoan%20vao%20STK%200123456789');
  await expect(note).toHaveText(said);
  await expect(page.locator('body')).not.toContainText('0123456789');
  // A school that is not there is said once, not the class too.
  await page.goto('/s/khong-co-truong-nay/3A');
  await expect(page.getByTestId('unknown-school')).toBeVisible();
  await expect(note).toHaveCount(0);
});

test('a child\'s or invoice\'s link forwarded to another phone says where it opens, not that something expired', async ({ page }) => {
  for (const path of ['/con/c0ffee', '/con/c0ffee/AB12CD34']) {
    await page.goto(path);
    await expect(page.getByTestId('not-on-this-phone')).toContainText('Trang này chỉ mở được trên điện thoại đã tra cứu học sinh.');
    await expect(page.getByText('Phiên xem đã hết hạn')).toHaveCount(0);
  }
  await page.getByRole('link', { name: 'Tra cứu khoản thu' }).click();
  await expect(page.getByLabel('Mã học sinh')).toBeVisible();
});

test('a page left before its code arrives is not drawn, and asks the server nothing', async ({ page }) => {
  await page.goto(`/s/${FEATURED.school}`);
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  // The invoice page's code is slow to come (slow mobile data).
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/split_invoice_page-[^/]*\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.getByTestId('page-loading')).toBeVisible();
  // The parent changes their mind before it arrives.
  await page.goBack();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/rpc/invoice')) asked.push(r.url()); });
  release();
  await page.waitForTimeout(1500);
  expect(asked).toEqual([]);
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await expect(page.getByTestId('amount-due')).toHaveCount(0);
  await expect(page.getByTestId('page-loading')).toHaveCount(0);
});
