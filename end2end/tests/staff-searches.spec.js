// An accountant's search on a slow connection: the list the page opens with
// (everything) may arrive after the search asked at once, and must not replace it.
const { test, expect } = require('@playwright/test');
const { signIn, openTask } = require('../lib/staff');

// Holds back the first answer to `endpoint` by `ms`; `arrived` resolves once it has.
async function delayFirst(page, endpoint, ms) {
  let first = true;
  let arrived;
  const done = new Promise((resolve) => { arrived = resolve; });
  await page.route(endpoint, async (route) => {
    if (!first) return route.continue();
    first = false;
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, ms));
    await route.fulfill({ response });
    arrived();
  });
  return { arrived: done };
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/staff/');
  await signIn(page, 'ketoan.thhl');
  await expect(page.getByRole('navigation', { name: 'Công việc' })).toBeVisible();
});

test('a search of the invoices is not replaced by the full list arriving late', async ({ page }) => {
  const late = await delayFirst(page, '**/rpc/invoices/list', 2_000);
  await openTask(page, 'Hoá đơn, thông báo');
  await page.locator('#inv-period').fill('2026-11');
  await page.locator('#inv-status').selectOption('paid');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  const rows = page.locator('section[aria-labelledby="invoices-title"] tbody tr');
  await expect(rows.first()).toContainText('đã nộp đủ');
  await late.arrived;
  // The late answer has been handed to the page: give it a moment to (not) draw it.
  await page.waitForTimeout(500);
  const states = await rows.evaluateAll((trs) => trs.map((tr) => tr.innerText));
  expect(states.length).toBeGreaterThan(0);
  expect(states.filter((s) => !s.includes('đã nộp đủ'))).toEqual([]);
});

test('a period chosen in the receipts is not replaced by every receipt arriving late', async ({ page }) => {
  // How many receipts there are in all, and in October.
  await openTask(page, 'Biên lai');
  const count = page.getByTestId('receipt-count');
  await expect(count).toBeVisible();
  const all = await count.innerText();
  await page.getByLabel(/Kỳ thu của hoá đơn/).fill('10/2026');
  await page.getByRole('button', { name: 'Xem biên lai' }).click();
  await expect(count).not.toHaveText(all);
  const october = await count.innerText();

  // Held back from the page's first request on (the reload opens the receipts
  // page itself, and its list is asked for at once).
  const late = await delayFirst(page, '**/rpc/receipts/list', 2_000);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Biên lai', exact: true })).toBeVisible();
  await page.getByLabel(/Kỳ thu của hoá đơn/).fill('10/2026');
  await page.getByRole('button', { name: 'Xem biên lai' }).click();
  await expect(count).toHaveText(october);
  await late.arrived;
  await page.waitForTimeout(500);
  await expect(count).toHaveText(october);
});
