// The staff's workspace: one page per task, reached from the menu ("Công việc"),
// beside the page on a laptop and a row of tabs on a phone.
const { expect } = require('@playwright/test');

const PASSWORD = 'hocphi-demo-2026';

async function signIn(page, username, password = PASSWORD) {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

// Signs out and waits for the app to start again at the sign-in form (it
// reloads, so nothing of the last person's pages stays in memory).
async function signOut(page) {
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/staff\/$/);
  await expect(page.getByRole('button', { name: 'Đăng nhập' })).toBeVisible();
}

// Opens a task's page from the menu and waits for its title.
async function openTask(page, name) {
  await page.getByRole('navigation', { name: 'Công việc' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
}

/**
 * A private link (`/l/…`) the homeroom teacher of 3A makes for a family with
 * November unpaid, other than the child named `except`.
 */
async function familyLink(browser, except) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('/staff/');
  await signIn(page, 'gv.3a');
  const classView = page.locator('section[aria-labelledby="class-title"]');
  const unpaid = classView.getByRole('row').filter({ hasText: 'chưa nộp' }).filter({ hasNotText: except });
  await unpaid.last().getByRole('button', { name: 'Đường dẫn riêng' }).click();
  const link = (await page.getByText(/\/l\//).last().innerText()).trim();
  await signOut(page);
  await ctx.close();
  return link;
}

module.exports = { PASSWORD, signIn, signOut, openTask, familyLink };
