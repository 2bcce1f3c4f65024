// On slow data the app's wasm arrives seconds after the page paints. The lookup
// form painted with the page must work meanwhile: the server fills in what it
// knows, what a parent types is kept when the app takes over, and a press of
// "Tra cứu" is sent as soon as it has.
const { test, expect } = require('@playwright/test');
const { familyLink } = require('../lib/staff');
const { lookUp } = require('../lib/parent');

const FEATURED = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017', name: 'Nguyễn Minh An' };

/** Holds every wasm file until `release()`: the page as a slow phone sees it. */
async function holdTheApp(page) {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** The app has taken over when its language button works (the shell's cannot). */
async function appTookOver(page) {
  await expect(page.getByRole('button', { name: 'English' })).toBeEnabled();
}

/**
 * Half a minute on: the opening page says the page is not coming and offers a
 * reload button big enough for a thumb; a screenshot for a person to look at.
 * Returns the button.
 */
async function expectReloadOffer(page, screenshot) {
  await page.clock.fastForward(31_000);
  await expect(page.getByRole('status')).toHaveText('Trang chưa tải xong. Hãy kiểm tra kết nối mạng rồi tải lại trang.');
  const again = page.getByRole('button', { name: 'Tải lại trang' });
  await expect(again).toBeVisible();
  expect((await again.boundingBox()).height).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: `test-results/screens/${screenshot}`, fullPage: true });
  return again;
}

test('a parent fills in and presses the form before the app arrives, and is answered when it does', async ({ page }) => {
  const release = await holdTheApp(page);
  await page.goto('/');
  // The schools came with the page.
  await page.getByLabel('Trường').selectOption(FEATURED.school);
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Đang tra cứu…' })).toBeVisible();
  // Nothing went out as a plain form: no code or date of birth in the address.
  expect(page.url()).not.toContain(FEATURED.code);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: 'test-results/screens/00-shell-pressed-360.png', fullPage: true });
  release();
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
});

test('what a parent was typing when the app took over stays, with the caret where it was', async ({ page }) => {
  const release = await holdTheApp(page);
  await page.goto(`/s/${FEATURED.school}`);
  // On the school's link the server wrote the school's name into the page.
  await expect(page.getByText('Trường Tiểu học Hạ Long')).toBeVisible();
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').click();
  await page.keyboard.type('05/09/');
  release();
  // The parent keeps typing while the app takes over: no key may be lost,
  // whichever side of the takeover it falls on.
  for (const key of '2017') {
    await page.keyboard.type(key);
    await page.waitForTimeout(7);
  }
  await appTookOver(page);
  await expect(page.getByLabel('Mã học sinh')).toHaveValue(FEATURED.code);
  await expect(page.getByLabel('Ngày sinh của con')).toHaveValue(FEATURED.birth);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
});

// A grandparent's press lasts a while: begun on the shell's button, it may end
// on the app's, drawn in its place. The browser makes no click of that; the
// app takes the release on its button as the press, and one elsewhere as none.
for (const where of ['on the button', 'beside it']) {
  test(`a press held while the app takes over, released ${where}`, async ({ page }) => {
    const release = await holdTheApp(page);
    await page.goto(`/s/${FEATURED.school}`);
    await page.getByLabel('Mã học sinh').fill(FEATURED.code);
    await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
    const box = await page.getByRole('button', { name: 'Tra cứu', exact: true }).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    release();
    await appTookOver(page);
    if (where === 'beside it') await page.mouse.move(box.x + box.width / 2, box.y - 40);
    await page.mouse.up();
    if (where === 'on the button') {
      await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
    } else {
      // Nothing was sent: the form waits, as filled in, for a press.
      await page.waitForTimeout(500);
      await expect(page.getByRole('heading', { name: FEATURED.name })).toHaveCount(0);
      await expect(page.getByLabel('Ngày sinh của con')).toHaveValue(FEATURED.birth);
      await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
      await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
    }
  });
}

test("a press on the fraud warning's link while the app takes over follows the link when lifted", async ({ page }) => {
  const release = await holdTheApp(page);
  await page.goto(`/s/${FEATURED.school}`);
  const link = page.getByRole('link', { name: 'Kiểm tra một mã QR' });
  await link.scrollIntoViewIfNeeded();
  const box = await link.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  release();
  await appTookOver(page);
  await page.mouse.up();
  await expect(page.getByRole('heading', { name: 'Kiểm tra mã QR trước khi chuyển tiền' })).toBeVisible();
});

test('a finger on the button while the app takes over is one press when lifted', async ({ page }) => {
  // Real touch events: Chromium makes a tap of them on the app's button (by
  // where the finger is), and shell.js clicks it too; one lookup goes.
  const lookups = [];
  page.on('request', (r) => { if (r.url().endsWith('/rpc/lookup')) lookups.push(r); });
  const release = await holdTheApp(page);
  await page.goto(`/s/${FEATURED.school}`);
  await page.getByLabel('Mã học sinh').fill(FEATURED.code);
  await page.getByLabel('Ngày sinh của con').fill(FEATURED.birth);
  const box = await page.getByRole('button', { name: 'Tra cứu', exact: true }).boundingBox();
  const finger = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [finger] });
  release();
  await appTookOver(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await expect(page.getByRole('heading', { name: FEATURED.name })).toBeVisible();
  expect(lookups).toHaveLength(1);
});

test("a finger on a contact's Zalo link while the app takes over opens it once", async ({ page }) => {
  // Chromium may click the app's link where the finger is lifted, and shell.js
  // follows a press begun on the shell's link: one of them, not both (two tabs).
  const opened = [];
  page.context().on('page', (p) => opened.push(p));
  await page.context().route('https://zalo.me/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Zalo</title>' }));
  const release = await holdTheApp(page);
  await page.goto(`/s/${FEATURED.school}`);
  const zalo = page.getByRole('link', { name: 'Zalo' });
  await zalo.scrollIntoViewIfNeeded();
  const box = await zalo.boundingBox();
  const finger = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [finger] });
  release();
  await appTookOver(page);
  // The app draws the link where the finger is.
  await expect.poll(() => zalo.boundingBox()).toEqual(box);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await expect.poll(() => opened.length).toBe(1);
  // Time for a second tab, had one been opened.
  await page.waitForTimeout(700);
  expect(opened).toHaveLength(1);
  expect(opened[0].url()).toBe('https://zalo.me/0912345678');
});

test('a family that has looked a child up before sees its page opening, not a form that would move under a finger', async ({ browser }) => {
  // A lookup on this phone the day before (its saved list, carried into a
  // fresh context: no service worker there to serve the app past the hold).
  const before = await browser.newPage();
  await lookUp(before, FEATURED);
  const saved = await before.evaluate(() => localStorage.getItem('hocphi.children.v2'));
  await before.context().close();
  for (const path of ['/', `/s/${FEATURED.school}`]) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await context.addInitScript((list) => localStorage.setItem('hocphi.children.v2', list), saved);
    const page = await context.newPage();
    const release = await holdTheApp(page);
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Tra cứu', exact: true })).toBeHidden();
    // Nor the school's contacts: they too would be pushed down, under a finger.
    const contacts = page.locator('section[aria-labelledby="contacts-title"]');
    await expect(contacts).toBeHidden();
    release();
    // The children first, the form below them, all drawn at once.
    await expect(page.getByRole('link', { name: new RegExp(FEATURED.name) })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Tra cứu', exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toHaveCount(0);
    if (path !== '/') await expect(contacts).toBeVisible();
    await context.close();
  }
});

test("a class link shows the class's fees before the app arrives", async ({ page }) => {
  const release = await holdTheApp(page);
  await page.goto(`/s/${FEATURED.school}/3A`);
  const fees = page.getByTestId('class-fee');
  await expect(fees.first()).toBeVisible();
  const before = await fees.count();
  expect(before).toBeGreaterThan(0);
  await expect(page.getByRole('heading', { name: /Các khoản thu của lớp 3A/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/00-class-link-before-app.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: 'test-results/screens/00-class-link-before-app-laptop.png', fullPage: true });
  release();
  await appTookOver(page);
  // The app draws the same list.
  await expect(fees).toHaveCount(before);
});

test("a school's link shows whom to call before the app arrives, and the warning below stays put when it does", async ({ page }) => {
  const release = await holdTheApp(page);
  // The app's answer about the school comes a while after the app: meanwhile
  // it shows what the server drew.
  let answer;
  const answering = new Promise((resolve) => (answer = resolve));
  await page.route('**/rpc/school*', async (route) => {
    await answering;
    await route.continue();
  });
  await page.goto(`/s/${FEATURED.school}`);
  const contacts = page.locator('section[aria-labelledby="contacts-title"]');
  await expect(contacts).toContainText('Lê Thị Hồng');
  await expect(contacts.getByRole('link', { name: 'Gọi 0912345678' })).toHaveAttribute('href', 'tel:0912345678');
  const warning = page.getByRole('link', { name: 'Kiểm tra một mã QR' });
  const before = await warning.boundingBox();
  release();
  await appTookOver(page);
  await expect(contacts).toContainText('Lê Thị Hồng');
  expect(await warning.boundingBox()).toEqual(before);
  // The app's own copy, from its answer, in the same place.
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/rpc/school');
  answer();
  await answered;
  await expect(contacts).toHaveCount(1);
  await expect(contacts).toContainText('Lê Thị Hồng');
  expect(await warning.boundingBox()).toEqual(before);
});

test('the app asks the server only for what the page shows: a school once on its link, nothing on the first page', async ({ page }) => {
  // The app's own requests to the server (postcard calls under /rpc/).
  const asked = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/rpc/')) asked.push(path);
  });
  await page.goto(`/s/${FEATURED.school}`);
  await appTookOver(page);
  // The name and logo by the form and the contacts below it come from one answer.
  await expect(page.getByRole('heading', { name: 'Cần giúp đỡ? Liên hệ nhà trường' })).toBeVisible();
  // Time for a second request, had the page made one.
  await page.waitForTimeout(1000);
  expect(asked).toEqual(['/rpc/school']);

  asked.length = 0;
  await page.goto('/');
  await appTookOver(page);
  await page.waitForTimeout(1000);
  // The schools to choose from came with the page.
  expect(asked).toEqual([]);
});

/** What can be tapped on the page and is less than 44 px tall, in words. */
async function shortTargets(page) {
  return page.$$eval('a, button, select, input', (all) => all
    .filter((e) => e.offsetParent && e.getBoundingClientRect().right > 0)
    .map((e) => ({ text: (e.textContent || e.id).trim().slice(0, 40), h: Math.round(e.getBoundingClientRect().height) }))
    .filter((e) => e.h < 44));
}

test('the lookup page shows its form before the app arrives, and no "opening"', async ({ page }) => {
  const release = await holdTheApp(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  await expect(page.getByLabel('Mã học sinh')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeHidden();
  await expect(page).toHaveTitle('hocphi · Tra cứu khoản thu');
  // Every link and field a thumb's size, the shell's and the app's alike.
  expect(await shortTargets(page), 'shorter than 44 px in the shell').toEqual([]);
  release();
  await appTookOver(page);
  expect(await shortTargets(page), 'shorter than 44 px in the app').toEqual([]);
});

test("a teacher's private link opened on slow data says the page is opening, not a lookup form that is not its own", async ({ page }) => {
  const release = await holdTheApp(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/l/tok_not_a_real_link_0000000000');
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Khi mạng chậm, việc này có thể mất vài giây.');
  await expect(page.getByLabel('Mã học sinh')).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Tra cứu khoản thu' })).toBeHidden();
  await expect(page).toHaveTitle('Đường dẫn riêng của phụ huynh · hocphi');
  await page.screenshot({ path: 'test-results/screens/00-opening-before-app-360.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: 'test-results/screens/00-opening-before-app-laptop.png', fullPage: true });
  release();
  await appTookOver(page);
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toHaveCount(0);
});

test("a child's page opened on slow data (from the home screen) says it is opening, under a neutral title", async ({ page }) => {
  const release = await holdTheApp(page);
  await page.goto('/con/0a1b2c3d');
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
  await expect(page.getByLabel('Mã học sinh')).toBeHidden();
  await expect(page).toHaveTitle('hocphi');
  release();
  await appTookOver(page);
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toHaveCount(0);
});

test("when the app's files do not come, the opening page says so after half a minute and offers to reload", async ({ page }) => {
  await page.clock.install();
  await holdTheApp(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/con/0a1b2c3d');
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tải lại trang' })).toHaveCount(0);
  const again = await expectReloadOffer(page, '00-opening-not-coming-360.png');
  // The button loads the page again (and the wait starts over).
  const reloaded = page.waitForEvent('load');
  await again.click();
  await reloaded;
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tải lại trang' })).toHaveCount(0);
});

test("a child's page opened from its link keeps saying it is opening while its own code arrives: one wording for one wait", async ({ page }) => {
  // The app comes at once; the child page's own chunk comes slowly.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/\/split_child_page-[^/]*\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/con/0a1b2c3d');
  await appTookOver(page);
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Khi mạng chậm, việc này có thể mất vài giây.');
  // Not the small "Đang tải…" of a tap inside the app as well.
  await expect(page.getByTestId('page-loading')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/00-opening-app-chunk-360.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: 'test-results/screens/00-opening-app-chunk-laptop.png', fullPage: true });
  // In English when the parent chose it.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Opening the page…' })).toBeVisible();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  release();
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Opening the page…' })).toHaveCount(0);
});

test("a teacher's private link says it is opening until the child's page is drawn, never a second wording", async ({ browser }) => {
  const link = await familyLink(browser, FEATURED.name);
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  // The link is redeemed at once; the child's page's code comes slowly.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/\/split_child_page-[^/]*\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(link);
  await expect(page).toHaveURL(/\/con\/[0-9a-f]+$/);
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toBeVisible();
  await expect(page.getByTestId('page-loading')).toHaveCount(0);
  await expect(page.getByText('Đang tải…')).toHaveCount(0);
  release();
  await expect(page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Đang mở trang…' })).toHaveCount(0);
  await page.close();
});

test("a page whose own code stalls says so after half a minute and offers to reload", async ({ page }) => {
  await page.clock.install();
  await page.route(/\/split_child_page-[^/]*\.wasm$/, () => {});
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/con/0a1b2c3d');
  await appTookOver(page);
  await expect(page.getByRole('status')).toHaveText('Khi mạng chậm, việc này có thể mất vài giây.');
  await expectReloadOffer(page, '00-opening-app-late-360.png');
});
