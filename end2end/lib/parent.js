// A parent's steps the tests share.
const { expect } = require('@playwright/test');

/** Looks `child` up on its school's link (at `base`, another server) and waits for the child's page. */
async function lookUp(page, child, base = '') {
  await page.goto(`${base}/s/${child.school}`);
  await page.getByLabel('Mã học sinh').fill(child.code);
  await page.getByLabel('Ngày sinh của con').fill(child.birth);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByRole('heading', { name: child.name })).toBeVisible();
}

module.exports = { lookUp };
