// The accountant connects the school's management software: a key, shown once,
// reads the students through /api/v1; revoked, it is refused at once.
const { test, expect } = require('@playwright/test');

test('an API key made in the page reads students, and stops working when revoked', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill('ketoan.thhl');
  await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  const section = page.locator('section[aria-labelledby="api-keys-title"]');
  await section.getByLabel('Tên khoá (phần mềm nào dùng)').fill('Phần mềm SMAS');
  await section.getByRole('button', { name: 'Tạo khoá' }).click();
  const secret = (await page.getByTestId('api-key-secret').locator('.select-all').innerText()).trim();
  expect(secret).toMatch(/^hp_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('api-key-row').first()).toContainText('Phần mềm SMAS');
  await expect(page.getByTestId('api-key-row').first()).toContainText('chỉ đọc');

  const ok = await request.get('/api/v1/students?limit=5', { headers: { authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  const page1 = await ok.json();
  expect(page1.items).toHaveLength(5);
  expect(page1.next).toBeTruthy();
  // Read-only: writing is refused with a problem document.
  const write = await request.post('/api/v1/students', {
    headers: { authorization: `Bearer ${secret}`, 'idempotency-key': 'e2e-1' },
    data: { students: [{ code: 'X1', full_name: 'A B', date_of_birth: '2019-01-01', class: '1A' }] },
  });
  expect(write.status()).toBe(403);
  expect(write.headers()['content-type']).toBe('application/problem+json');

  await page.getByTestId('api-key-row').first().getByRole('button', { name: 'Thu hồi' }).click();
  await expect(page.getByText('Đã thu hồi khoá.')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/52-api-keys.png', fullPage: false });
  const refused = await request.get('/api/v1/students', { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
});
