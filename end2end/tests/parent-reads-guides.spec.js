// A parent reads the illustrated guides (public/huong-dan/): static pages served
// as they are, under the site's Content-Security-Policy, readable on a 360 px phone.
const { test, expect } = require('@playwright/test');

const INDEX = '/huong-dan/muc-luc.html';
const GUIDES = [
  '/huong-dan/nop-bang-qr.html',
  '/huong-dan/nop-bang-vi.html',
  '/huong-dan/nop-truc-tuyen.html',
  '/huong-dan/nhan-biet-lua-dao.html',
];

/** Collects console errors, page errors, CSP violations and failed requests. */
async function watch(page) {
  const problems = [];
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A request cut short by the next navigation (the favicon, say) is no fault of the page.
    if (r.failure().errorText !== 'net::ERR_ABORTED') problems.push(`failed: ${r.url()} ${r.failure().errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`); });
  return async () => {
    const csp = await page.evaluate(() => window.__csp);
    return problems.concat(csp.map((v) => `csp: ${v}`));
  };
}

/** The checks every guide page passes, at 360 px wide. */
async function checkPage(page, path) {
  const response = await page.goto(path);
  expect(response.status(), path).toBe(200);
  expect(response.headers()['content-type']).toContain('text/html');
  // Served under the site's CSP, so what this test sees is what a parent's browser enforces.
  expect(response.headers()['content-security-policy']).toContain("style-src 'self'");
  expect((await response.body()).length, `${path} stays small`).toBeLessThan(15 * 1024);

  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.locator('h1')).toBeVisible();
  await expect(page).toHaveTitle(/hocphi/);
  await expect(page.locator('meta[charset]')).toHaveAttribute('charset', 'utf-8');
  await expect(page.locator('meta[name="viewport"]')).toHaveAttribute('content', 'width=device-width, initial-scale=1');
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#115e59');
  expect((await page.locator('meta[name="description"]').getAttribute('content')).length).toBeGreaterThan(40);

  // Nothing the CSP would block, nothing from elsewhere.
  await expect(page.locator('script, style, [style]')).toHaveCount(0);
  const urls = await page.$$eval('[href], [src]', (els) => els.map((e) => e.getAttribute('href') || e.getAttribute('src')));
  for (const u of urls) expect(u, 'a link within the site').toMatch(/^[/#]/);
  // The stylesheet applied: large type for grandparents.
  expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('18px');

  // Back to the lookup, and to the list of guides.
  await expect(page.locator('a[href="/"]').filter({ hasText: 'Về trang tra cứu' }).first()).toBeVisible();
  if (path !== INDEX) await expect(page.locator(`main a[href="${INDEX}"]`).first()).toBeVisible();

  // Headings never skip a level.
  const levels = await page.$$eval('h1, h2, h3, h4, h5, h6', (hs) => hs.map((h) => Number(h.tagName[1])));
  expect(levels[0]).toBe(1);
  for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeLessThanOrEqual(levels[i - 1] + 1);

  // Vietnamese first, then a short English version, folded: a Vietnamese reader
  // sees only the word "English"; one tap opens it.
  const english = page.locator('details[lang="en"]');
  await expect(english).toHaveCount(1);
  await expect(english.getByRole('heading', { name: 'English' })).toBeVisible();
  const [h1Box, enBox] = [await page.locator('h1').boundingBox(), await english.boundingBox()];
  expect(enBox.y).toBeGreaterThan(h1Box.y);
  const englishText = english.locator('p, li').first();
  await expect(englishText).toBeHidden();
  await english.locator('summary').click();
  await expect(englishText).toBeVisible();
  expect((await english.locator('summary').boundingBox()).height).toBeGreaterThanOrEqual(44);

  // Every picture is small and named in Vietnamese.
  const pictures = await page.$$eval('main svg[role="img"]', (svgs) => svgs.map((s) => ({
    label: s.getAttribute('aria-label') || '', size: s.outerHTML.length,
  })));
  for (const p of pictures) {
    expect(p.label.length).toBeGreaterThan(10);
    expect(p.size).toBeLessThan(2048);
  }

  // Readable at 360 px: no sideways scrolling, links big enough to tap.
  await page.setViewportSize({ width: 360, height: 780 });
  const [scrollWidth, clientWidth] = await page.evaluate(
    () => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(scrollWidth, `${path} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
  const small = await page.$$eval('a', (as) => as
    .filter((a) => a.getBoundingClientRect().right > 0) // not the off-screen skip link
    .map((a) => ({ text: a.textContent.trim(), h: a.getBoundingClientRect().height }))
    .filter((a) => a.h < 44));
  expect(small, 'links shorter than 44 px').toEqual([]);
  return pictures.length;
}

test('the list of guides links every guide, and each guide reads well on a small phone', async ({ page }) => {
  const problems = await watch(page);
  await page.setViewportSize({ width: 360, height: 780 });
  await checkPage(page, INDEX);
  await expect(page.locator('h1')).toHaveText('Hướng dẫn cho phụ huynh');
  const linked = await page.$$eval('main ul.guides a', (as) => as.map((a) => a.getAttribute('href')));
  expect(linked).toEqual(GUIDES);

  for (const path of GUIDES) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(INDEX);
    await Promise.all([page.waitForURL(`**${path}`), page.locator(`main ul.guides a[href="${path}"]`).click()]);
    const pictures = await checkPage(page, path);
    // Numbered steps, each with its picture.
    const steps = page.locator('ol.steps > li');
    expect(await steps.count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('ol.steps > li > svg[role="img"]').count()).toBe(await steps.count());
    expect(pictures).toBeGreaterThanOrEqual(await steps.count());
  }
  expect(await problems()).toEqual([]);
});

test('the fraud guide states the rules a parent must remember', async ({ page }) => {
  const problems = await watch(page);
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto('/huong-dan/nhan-biet-lua-dao.html');
  const main = page.locator('main');
  for (const rule of ['OTP', 'mật khẩu', 'số thẻ', 'Zalo', 'cơ quan quản lý', '/kiem-tra-qr', '/s/']) {
    await expect(main).not.toContainText('Phòng GD&ĐT');
    await expect(main).toContainText(rule);
  }
  await expect(page.getByRole('link', { name: 'Mở trang Kiểm tra mã QR' })).toHaveAttribute('href', '/kiem-tra-qr');
  await expect(page.getByText('Không gọi số điện thoại ghi trong tin nhắn đáng ngờ.')).toBeVisible();
  // If the money is already gone: the bank, the police, the school.
  const lost = page.locator('section[aria-labelledby="lo"]');
  await expect(lost).toContainText('tổng đài ngân hàng');
  await expect(lost).toContainText('phong toả');
  await expect(lost).toContainText('công an');
  await expect(lost).toContainText('nhà trường');
  const english = page.locator('details[lang="en"]');
  await expect(english).toContainText('OTP');
  await expect(english).toContainText('freeze');
  await page.screenshot({ path: 'test-results/screens/40-guide-fraud.png', fullPage: true });
  expect(await problems()).toEqual([]);
});

test('the privacy notice tells a parent, in plain words, what is kept about their child', async ({ page }) => {
  const problems = await watch(page);
  await page.setViewportSize({ width: 360, height: 780 });
  // Status 200, one h1, lang="vi", CSP-clean, English after the Vietnamese,
  // no sideways scrolling at 360 px, links at least 44 px tall.
  await checkPage(page, '/quyen-rieng-tu.html');
  await expect(page.locator('h1')).toHaveText('Quyền riêng tư: dữ liệu của con bạn');
  const main = page.locator('main');
  for (const fact of ['Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15', 'Nghị định 356/2025/NĐ-CP', '10 năm',
    '365 ngày', 'nhật ký', 'Xoá khỏi máy này', 'Xoá hết dữ liệu trên máy này', 'Báo sai sót, khiếu nại', '4 số cuối',
    'Argon2', 'HTTPS', '/s/', 'UBND xã/phường hoặc Sở GD&ĐT', 'không phải ẩn danh hoàn toàn',
    'trả lời trong 2 ngày làm việc', 'làm xong trong 10 ngày']) {
    await expect(main).toContainText(fact);
  }
  // The 2026 law replaced Decree 13/2023; the district office (Phòng GD&ĐT) no longer exists.
  await expect(main).not.toContainText('13/2023');
  await expect(main).not.toContainText('Phòng GD&ĐT');
  for (const question of ['Ai chịu trách nhiệm?', 'Nhà trường lưu gì về con bạn?', 'Để làm gì?',
    'Ai đồng ý cho trường dùng dữ liệu của con?', 'Ai được xem?', 'Trên điện thoại của bạn',
    'Lưu bao lâu?', 'Có rủi ro gì?', 'Bạn có quyền gì và làm thế nào?']) {
    await expect(page.getByRole('heading', { name: question, exact: true })).toBeVisible();
  }
  // The office sees children's names too: the page must not say otherwise.
  await expect(page.locator('section[aria-labelledby="xem"]')).toContainText('danh sách học sinh');
  await expect(main.locator('a[href="/huong-dan/muc-luc.html"]').first()).toBeVisible();
  const english = page.locator('details[lang="en"]');
  await expect(english).toContainText('91/2025/QH15');
  await expect(english).toContainText('10 years');
  await expect(english).toContainText('365 days');
  await expect(english).toContainText('audit log');
  await expect(english).toContainText('2 working days');
  await page.screenshot({ path: 'test-results/screens/46-privacy.png', fullPage: true });
  expect(await problems()).toEqual([]);
});
