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

module.exports = { PASSWORD, signIn, signOut, openTask };
