// A parent checks a QR someone sent them before paying: a fraudster's QR to a
// personal account is flagged, a photo of the school's official QR is
// recognised, a picture without a QR is named; the public registry lists the
// accounts the school's supervising office confirmed.
const { test, expect } = require('@playwright/test');
const path = require('path');
const { decodePng, parseVietQr } = require('../lib/qr');

const fixture = (name) => path.join(__dirname, '..', '..', 'fixtures', name);

test('a fake QR is flagged, the official one recognised, and the registry lists the school', async ({ page }) => {
  // The fixtures are what they claim, read by decoders nobody on the team wrote.
  const fake = parseVietQr(decodePng(require('fs').readFileSync(fixture('qr-personal-account.png'))));
  expect(fake.consumer.bankNumber).toBe('0987654321');

  // From the lookup page's warning, the parent reaches the checker.
  await page.goto('/s/th-ha-long');
  await page.getByRole('link', { name: 'Kiểm tra một mã QR' }).click();
  await expect(page.getByRole('heading', { name: 'Kiểm tra mã QR trước khi chuyển tiền' })).toBeVisible();

  // A screenshot of a QR to a personal account, sent "from the school".
  await page.getByTestId('qr-file').setInputFiles(fixture('qr-personal-account.png'));
  const verdict = page.getByTestId('qr-verdict');
  await expect(verdict).toHaveAttribute('data-official', 'false');
  await expect(verdict).toContainText('KHÔNG phải tài khoản chính thức');
  await expect(verdict).toContainText('0987654321');
  await expect(verdict).toContainText('Đừng chuyển tiền theo mã này.');
  await page.screenshot({ path: 'test-results/screens/41-qr-check-fake.png', fullPage: true });

  // A photo (turned, noisy) of the school's own QR.
  await page.getByTestId('qr-file').setInputFiles(fixture('qr-official-photo.png'));
  await expect(verdict).toHaveAttribute('data-official', 'true');
  await expect(verdict).toContainText('Tài khoản chính thức của Trường Tiểu học Hạ Long');
  // Named by the office that confirmed it: the school's ward since July 2025.
  await expect(verdict).toContainText('Đã được UBND phường Hồng Gai xác nhận ngày');
  await expect(verdict).toContainText('1.250.000');
  await page.screenshot({ path: 'test-results/screens/42-qr-check-official.png', fullPage: true });

  // A picture with no QR at all.
  await page.getByTestId('qr-file').setInputFiles(fixture('logo.png'));
  await expect(verdict).toContainText('Không thấy mã QR nào trong ảnh');

  // The registry: every school, searchable without diacritics.
  await page.getByRole('link', { name: 'Danh sách tài khoản chính thức của các trường' }).click();
  await expect(page.getByTestId('registry-school').first()).toBeVisible();
  await page.getByLabel('Tìm trường').fill('ha long');
  await expect(page.getByTestId('registry-school')).toHaveCount(1);
  await expect(page.getByTestId('registry-school')).toContainText('Vietcombank · 1023456789');
  await expect(page.getByTestId('registry-school')).toContainText('xác nhận ngày');
});
