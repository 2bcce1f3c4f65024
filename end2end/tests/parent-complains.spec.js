// "Paid but not shown": the parent files a complaint from the invoice with the
// bank reference and a photo of the slip, gets a tracking code; the accountant
// finds it in the queue, answers and resolves it; the parent sees the answer.
const { test, expect } = require('@playwright/test');
const path = require('path');
const { signIn } = require('../lib/staff');

const SLIP = path.join(__dirname, '..', '..', 'fixtures', 'qr-personal-account.png');

/** A staff member signed in on a laptop of their own: [context, page]. */
async function staffAtLaptop(browser, username) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto('/staff/');
  await signIn(page, username);
  return [context, page];
}

test('a complaint from an invoice is answered and resolved, and the parent sees the answer', async ({ page, browser }) => {
  await page.goto('/s/th-ha-long');
  await page.getByLabel('Mã học sinh').fill('2201000001');
  await page.getByLabel('Ngày sinh của con').fill('05/09/2017');
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await page.getByRole('link', { name: 'Báo sai sót, khiếu nại về khoản này' }).click();

  await expect(page.getByRole('heading', { name: 'Báo sai sót, khiếu nại' })).toBeVisible();
  await page.getByLabel('Đã nộp nhưng chưa thấy ghi nhận').check();
  await page.getByLabel('Mã giao dịch của ngân hàng (nếu có)').fill('FT26330999888');
  await page.getByLabel('Nội dung').fill('Tôi đã chuyển khoản tối 20/11 nhưng trang vẫn báo chưa nộp.');
  await page.getByLabel('Ảnh biên nhận chuyển khoản (không bắt buộc)').setInputFiles(SLIP);
  await expect(page.getByText('Đã đính kèm ảnh.')).toBeVisible();
  await page.getByRole('button', { name: 'Gửi khiếu nại' }).click();

  // The tracking page: the code is after '#', never sent to a server.
  await expect(page.getByTestId('complaint-status')).toHaveText('Đã tiếp nhận');
  const url = new URL(page.url());
  expect(url.pathname).toBe('/khieu-nai/theo-doi');
  expect(url.hash).toMatch(/^#KN-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  // Chat apps' browsers hide the address: the code is on the page, large, to copy.
  const tracking = page.getByTestId('tracking-code');
  await expect(tracking).toContainText(url.hash.slice(1));
  await expect(tracking.getByRole('button', { name: 'Sao chép Mã theo dõi' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/43-complaint-filed.png', fullPage: true });
  // The parent adds a line: a double tap sends it once, and the box empties
  // (it sent two, and kept the text there to send a third).
  const messages = page.getByTestId('complaint-messages').getByRole('listitem');
  await expect(messages).toHaveCount(1);
  await page.getByLabel('Bổ sung thông tin').fill('Tôi chuyển từ tài khoản của bà ngoại.');
  await page.getByRole('button', { name: 'Gửi', exact: true }).dblclick();
  await expect(messages).toHaveCount(2);
  await expect(page.getByLabel('Bổ sung thông tin')).toHaveValue('');
  await page.waitForTimeout(1000);
  await page.reload();
  await expect(messages).toHaveCount(2);
  await expect(messages.nth(1)).toContainText('Tôi chuyển từ tài khoản của bà ngoại.');

  // The ward's office, which supervises the school, reads it (it does not answer:
  // the school has its own accountant), and finds its way back to its schools.
  const [ward, officer] = await staffAtLaptop(browser, 'ubnd.honggai');
  await officer.getByRole('link', { name: 'Trường Tiểu học Hạ Long' }).first().click();
  const attention = officer.getByTestId('attention');
  // This month's figures are the office's to read, not a link to the accountant's invoices.
  await expect(attention).toContainText('Tháng này');
  await expect(attention.getByRole('link', { name: /Tháng này/ })).toHaveCount(0);
  await attention.getByRole('link', { name: /khiếu nại của phụ huynh chưa giải quyết xong/ }).click();
  await expect(officer.getByRole('heading', { name: 'Khiếu nại', level: 1 })).toBeVisible();
  await officer.getByTestId('complaint-row').first().getByRole('button', { name: 'Mở' }).click();
  await expect(officer.getByTestId('complaint-detail')).toContainText('FT26330999888');
  await expect(officer.getByLabel('Trả lời phụ huynh')).toHaveCount(0);
  await officer.getByRole('link', { name: '← Các trường' }).click();
  await expect(officer.getByRole('link', { name: 'Trường Tiểu học Hạ Long' }).first()).toBeVisible();
  await ward.close();

  // The accountant answers.
  const [office, accountant] = await staffAtLaptop(browser, 'ketoan.thhl');
  // The home counts the complaints awaiting an answer, and leads to them.
  await accountant.getByTestId('attention').getByRole('link', { name: /khiếu nại của phụ huynh chưa giải quyết xong/ }).click();
  await expect(accountant.getByRole('heading', { name: 'Khiếu nại', level: 1 })).toBeVisible();
  const row = accountant.getByTestId('complaint-row').first();
  await expect(row).toContainText('Đã nộp nhưng chưa thấy ghi nhận');
  await expect(row).toContainText('Đã tiếp nhận');
  await row.getByRole('button', { name: 'Mở' }).click();
  const detail = accountant.getByTestId('complaint-detail');
  await expect(detail).toContainText('FT26330999888');
  await expect(detail.getByRole('img', { name: 'Ảnh biên nhận chuyển khoản' })).toBeVisible();
  await accountant.getByLabel('Trả lời phụ huynh').fill('Nhà trường đã tìm thấy khoản chuyển và ghép vào hoá đơn. Cảm ơn anh/chị.');
  await accountant.getByLabel('Trạng thái khiếu nại').selectOption('resolved');
  // A double click sends one answer, and the box empties once it is sent.
  await accountant.getByRole('button', { name: 'Gửi trả lời' }).dblclick();
  await expect(accountant.getByText('Đã trả lời, trạng thái: Đã giải quyết')).toBeVisible();
  await expect(detail.getByText('Nhà trường đã tìm thấy khoản chuyển')).toHaveCount(1);
  await expect(accountant.getByLabel('Trả lời phụ huynh')).toHaveValue('');
  // The list finds a complaint by words without marks, and hides the finished ones on request.
  const rows = accountant.getByTestId('complaint-row');
  await accountant.getByLabel('Lọc theo học sinh, lớp hoặc nội dung').fill('chua thay ghi nhan');
  await expect(rows.first()).toContainText('Đã nộp nhưng chưa thấy ghi nhận');
  await accountant.getByLabel('Lọc theo học sinh, lớp hoặc nội dung').fill('khong co ai ten nay');
  await expect(rows).toHaveCount(0);
  await expect(accountant.getByText('Không có khiếu nại nào khớp.')).toBeVisible();
  await accountant.getByLabel('Lọc theo học sinh, lớp hoặc nội dung').fill('');
  // Counted once the list is back in full (a count taken at once could read
  // the filtered list); the finished ones, this one among them, go.
  await expect(rows.first()).toBeVisible();
  const all = await rows.count();
  const finished = await rows.filter({ hasText: /Đã giải quyết|Không chấp nhận/ }).count();
  expect(finished).toBeGreaterThanOrEqual(1);
  await accountant.getByLabel('Chỉ khiếu nại chưa xong').check();
  await expect(rows).toHaveCount(all - finished);
  await accountant.screenshot({ path: 'test-results/screens/44-complaint-answered.png', fullPage: true });
  await office.close();

  // The parent's page, left open, shows the answer when the parent comes back
  // to it (it showed only after a reload).
  await expect(page.getByTestId('complaint-status')).toHaveText('Đã tiếp nhận');
  await page.bringToFront();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(page.getByTestId('complaint-status')).toHaveText('Đã giải quyết');
  await expect(page.getByTestId('complaint-messages')).toContainText('Nhà trường đã tìm thấy khoản chuyển');

  // The parent, from the list of complaints this phone sent.
  await page.goto('/khieu-nai');
  await page.getByRole('link', { name: /KN-/ }).first().click();
  await expect(page.getByTestId('complaint-status')).toHaveText('Đã giải quyết');
  await expect(page.getByTestId('complaint-messages')).toContainText('Nhà trường đã tìm thấy khoản chuyển');
  await expect(page.getByTestId('complaint-messages').getByText('Nhà trường đã tìm thấy khoản chuyển')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/45-complaint-resolved.png', fullPage: true });
});
