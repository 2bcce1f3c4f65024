// The parent's app installs from a link and keeps working without a network:
// the service worker controls the page, what was seen stays readable (a receipt
// still verified on the phone), a new deployment is announced, and the journey
// works in a chat app's built-in browser.
const { test, expect } = require('@playwright/test');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { decodePng, parseVietQr } = require('../lib/qr');
const { startServer, root } = require('../lib/server');
const { lookUp } = require('../lib/parent');

const FEATURED = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017', name: 'Nguyễn Minh An' };
const ZALO_UA = 'Mozilla/5.0 (Linux; Android 12; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Mobile Safari/537.36 Zalo android/12100539 ZaloTheme/light ZaloLanguage/vi';

async function controlledByServiceWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
    null, { timeout: 20_000 });
}

const isChunk = (url) => /\/(chunk_|split_)[^/]*\.wasm$/.test(url);

test('a first visit downloads the lookup page only; the rest arrives once a child is found', async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  await page.goto(`/s/${FEATURED.school}`);
  await expect(page.getByLabel('Mã học sinh')).toBeVisible();
  await page.waitForTimeout(2000);
  // No page chunk, and no service worker precaching the whole app, on arrival.
  expect(fetched.filter(isChunk)).toEqual([]);
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);

  // Found: the child's page loads its chunks (slowly here, as on poor mobile
  // data: the page says it is loading meanwhile), and the app installs itself
  // for offline use.
  await page.route(/\/split_child_page-[^/]*\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByTestId('page-loading')).toHaveText('Đang tải…');
  await page.screenshot({ path: 'test-results/screens/34-page-loading.png' });
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await expect(page.getByTestId('page-loading')).toHaveCount(0);
  expect(fetched.filter((u) => /\/split_child_page-[^/]*\.wasm$/.test(u))).toHaveLength(1);
  await controlledByServiceWorker(page);
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.locator('.qr svg')).toBeVisible();
  expect(fetched.some((u) => /\/split_invoice_page-[^/]*\.wasm$/.test(u))).toBe(true);
});

test('the QR checker from a fraud warning downloads its own page only, and starts no worker', async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  await page.goto('/kiem-tra-qr');
  await expect(page.getByRole('heading', { name: 'Kiểm tra mã QR trước khi chuyển tiền' })).toBeVisible();
  await page.waitForTimeout(1500);
  expect(fetched.filter((u) => /\/trust\/split_check_qr_page-[^/]*\.wasm$/.test(u))).toHaveLength(1);
  expect(fetched.filter((u) => /\/split_(registry|complaints|new_complaint|track_complaint)_page-/.test(u))).toEqual([]);
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
});

test.describe('when a page\'s code cannot be downloaded', () => {
  // The page's own requests only: no worker answering from its cache.
  test.use({ serviceWorkers: 'block' });

  test('the page says so, and trying again opens it', async ({ page }) => {
    await page.goto(`/s/${FEATURED.school}`);
    const childChunk = /\/split_child_page-[^/]*\.wasm$/;
    await page.route(childChunk, (route) => route.abort('internetdisconnected'));
    await page.getByLabel('Mã học sinh').fill(FEATURED.code);
    await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await expect(page.getByTestId('page-not-loaded')).toContainText('Không tải được trang này');
    await page.screenshot({ path: 'test-results/screens/35-page-not-loaded.png' });
    await page.unroute(childChunk);
    await page.getByRole('button', { name: 'Thử lại' }).click();
    await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  });
});

test('offline, the installed app shows the children, invoices and a receipt it has seen, verified', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // Online: look the child up (the service worker starts then), open this
  // month's invoice and a receipt.
  await lookUp(page, FEATURED);
  await controlledByServiceWorker(page);
  const sw = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
  expect(sw).toMatch(/\/sw\.js$/);
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.locator('.qr svg')).toBeVisible();
  await page.goBack();
  await page.getByTestId('receipt-link').first().click();
  await expect(page.getByTestId('browser-verdict')).toHaveAttribute('data-valid', 'true');
  await expect(page.getByTestId('kept-notice')).toHaveCount(0);

  // Share: no share sheet in this browser, so the link is copied, and it says so.
  await page.getByRole('button', { name: 'Chia sẻ' }).click();
  await expect(page.getByTestId('share-outcome')).toContainText('Đã chép đường dẫn');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`${new URL(page.url()).pathname}#`);
  expect(copied).not.toContain(FEATURED.name);
  const receiptPath = new URL(page.url()).pathname + new URL(page.url()).hash;

  // No network at all.
  await context.setOffline(true);
  await page.goto('/');
  await expect(page.locator('#hocphi-offline')).toContainText('Không có mạng');
  await page.getByRole('link', { name: new RegExp(FEATURED.name) }).first().click();
  await expect(page.getByTestId('kept-notice')).toContainText(/^Đang xem bản đã lưu trên máy này, cập nhật lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/);
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.getByTestId('kept-notice')).toBeVisible();
  await expect(page.locator('.qr svg')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/30-offline-invoice.png', fullPage: true });
  // An invoice never opened with a connection: the phone says it has no copy
  // (not "look the child up again", which cannot work offline).
  await page.goBack();
  await page.getByRole('link', { name: /Các khoản thu tháng 10\/2026/ }).click();
  await expect(page.getByTestId('not-kept')).toContainText('máy chưa lưu bản nào để xem khi mất mạng');
  await expect(page.getByRole('link', { name: 'Tra cứu khoản thu' })).toHaveCount(0);

  // The receipt: its app and its copy come from the phone, the signature is checked here.
  await page.goto(receiptPath);
  await expect(page.getByTestId('kept-notice')).toBeVisible();
  const verdict = page.getByTestId('browser-verdict');
  await expect(verdict).toHaveAttribute('data-valid', 'true');
  await expect(verdict).toContainText('HỢP LỆ');
  // Offline, the phone cannot know whether the school cancelled it since: it
  // says "not as of" its copy, not "not cancelled".
  await expect(verdict.getByTestId('not-cancelled-as-of')).toContainText(/chưa huỷ biên lai này, tính đến lúc lưu \d\d\/\d\d\/\d{4}/);
  await expect(verdict).not.toContainText('Nhà trường không huỷ biên lai này');
  await page.screenshot({ path: 'test-results/screens/31-offline-receipt.png', fullPage: true });

  // A page that needs the network, never opened on this phone: it says so,
  // instead of the browser's error page.
  await page.goto('/khieu-nai');
  const offlinePage = page.getByTestId('offline-page');
  await expect(offlinePage.getByRole('heading', { name: 'Không có mạng' })).toBeVisible();
  await expect(offlinePage.getByRole('link', { name: 'mở danh sách các con' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/32-offline-trust-page.png', fullPage: true });
  await context.setOffline(false);
});

test('a new deployment tells the parent a new version is ready, and updating reloads into it', async ({ page }) => {
  const server = await startServer(3919);
  try {
    await lookUp(page, FEATURED, server.url);
    await controlledByServiceWorker(page);
    await expect(page.locator('#hocphi-update')).toHaveCount(0);

    // Deploy: a changed shell, and the service worker that precaches it.
    const index = path.join(server.dist, 'index.html');
    fs.writeFileSync(index, `${fs.readFileSync(index, 'utf8')}\n<!-- release 2 -->\n`);
    execFileSync('node', [path.join(root, 'scripts', 'make-sw.mjs'), server.dist], { cwd: root });
    for (const old of ['sw.js.br', 'sw.js.gz']) fs.rmSync(path.join(server.dist, old), { force: true });

    // The browser looks for a new worker (hourly in the app; now, here).
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const notice = page.locator('#hocphi-update');
    await expect(notice).toContainText('Đã có phiên bản mới của hocphi.');
    await page.screenshot({ path: 'test-results/screens/32-update-ready.png' });
    await Promise.all([
      page.waitForEvent('load'),
      notice.getByRole('button', { name: 'Cập nhật' }).click(),
    ]);
    await controlledByServiceWorker(page);
    await expect(page.locator('#hocphi-update')).toHaveCount(0);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.waiting))).toBeNull();
    // The new version's page, its chunk included, from the new worker's cache.
    await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  } finally {
    server.stop();
  }
});

test.describe('in Zalo\'s built-in browser', () => {
  test.use({ userAgent: ZALO_UA });

  test('the journey works, installing is explained after the lookup, and the QR is an image to hold', async ({ page }) => {
    await page.goto(`/s/${FEATURED.school}`);
    // Not on arrival.
    await expect(page.getByLabel('Mã học sinh')).toBeVisible();
    await page.waitForTimeout(2000);
    await expect(page.locator('#hocphi-install')).toHaveCount(0);

    await lookUp(page, FEATURED);
    await expect(page.locator('#hocphi-install')).toContainText('Mở bằng trình duyệt');
    // The page's foot is kept clear of the notice: the page scrolls past it
    // (it covered the invoice's complaint link).
    const noticeHeight = (await page.locator('#hocphi-install').boundingBox()).height;
    const foot = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).paddingBottom));
    expect(await foot()).toBeGreaterThanOrEqual(noticeHeight - 1);
    await page.locator('#hocphi-install').getByRole('button', { name: 'Đóng' }).click();
    expect(await foot()).toBe(0);

    await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
    await page.getByRole('button', { name: /Lưu ảnh QR/ }).click();
    await expect(page.getByText('Nhấn giữ ảnh dưới đây')).toBeVisible();
    const src = await page.getByTestId('qr-to-hold').getAttribute('src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    const qr = parseVietQr(decodePng(Buffer.from(src.split(',')[1], 'base64')));
    expect(qr.amount).toBeTruthy();
    await page.screenshot({ path: 'test-results/screens/33-zalo-qr-to-hold.png', fullPage: true });
  });
});
