// The school's accountant adds the school's own certificate (chữ ký số, a .p12 from a
// certification authority): a wrong password is said so, the holder and validity are shown,
// the school's receipt PDFs are then signed with it (read back by poppler's pdfsig), and
// stopping its use asks why. The certificate is made here, by pyHanko's venv (cryptography).
const { test, expect } = require('@playwright/test');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { signIn, openTask } = require('../lib/staff');

const MAKE_P12 = `
import sys, datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
def name(cn, o=None):
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if o: parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    return x509.Name(parts)
ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ca = (x509.CertificateBuilder().subject_name(name("hocphi e2e CA")).issuer_name(name("hocphi e2e CA"))
      .public_key(ca_key.public_key()).serial_number(1)
      .not_valid_before(datetime.datetime(2026, 1, 1)).not_valid_after(datetime.datetime(2031, 1, 1))
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
cert = (x509.CertificateBuilder().subject_name(name("Nguyễn Văn An", "Trường Tiểu học Hạ Long")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(0x15AC3)
        .not_valid_before(datetime.datetime(2026, 1, 1)).not_valid_after(datetime.datetime(2030, 12, 31, 12))
        .sign(ca_key, hashes.SHA256()))
open(sys.argv[1], "wb").write(pkcs12.serialize_key_and_certificates(
    b"school", key, cert, [ca], serialization.BestAvailableEncryption(b"mat-khau-2026")))
`;

test('an accountant adds the school\'s certificate and its receipt PDFs are digitally signed', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hocphi-cert-'));
  const p12 = path.join(dir, 'truong-tieu-hoc-ha-long.p12');
  execFileSync(path.join(__dirname, '..', '..', 'scripts', 'pyhanko.sh'), ['-c', MAKE_P12, p12]);

  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/staff/');
  await signIn(page, 'ketoan.thhl');
  await openTask(page, 'Thông tin trường');
  const section = page.getByTestId('certificate');
  await expect(section).toContainText('Chưa có chứng thư số');

  await section.getByLabel('Tệp chứng thư số (.p12, .pfx)').setInputFiles(p12);
  await section.getByLabel('Mật khẩu của tệp').fill('sai-mat-khau');
  await section.getByRole('button', { name: 'Lưu chứng thư số' }).click();
  await expect(section.getByRole('alert')).toContainText('Sai mật khẩu của tệp chứng thư số.');

  await section.getByLabel('Mật khẩu của tệp').fill('mat-khau-2026');
  await section.getByRole('button', { name: 'Lưu chứng thư số' }).click();
  await expect(section.getByRole('status')).toContainText(
    'Đã lưu chứng thư số của Nguyễn Văn An (do hocphi e2e CA), hiệu lực đến 31/12/2030.');
  const holder = section.getByTestId('certificate-holder');
  await expect(holder).toContainText('Nguyễn Văn An · Trường Tiểu học Hạ Long');
  await expect(holder).toContainText('01/01/2026 – 31/12/2030');
  await expect(section.getByLabel('Mật khẩu của tệp')).toHaveValue('');
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: 'test-results/screens/staff-certificate-phone.png' });

  // A receipt of the school, as a parent downloads it: signed with the school's certificate.
  await openTask(page, 'Biên lai');
  await page.locator('#receipt-period').fill('2026-11');
  await page.getByRole('button', { name: 'Xem biên lai' }).click();
  const link = page.getByTestId('receipt-row').first().locator('a[href^="/r/"]').first();
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  const code = href.replace(/^\/r\//, '').replace(/[#?].*$/, '');
  const pdf = await page.request.get(`/r/${code}/pdf`);
  expect(pdf.status()).toBe(200);
  const file = path.join(dir, 'bien-lai.pdf');
  fs.writeFileSync(file, await pdf.body());
  let out = '';
  try {
    out = execFileSync('pdfsig', [file]).toString();
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  expect(out).toContain('Signature is Valid.');
  expect(out).toContain('Nguyễn Văn An');

  // Stopping its use asks why, and says what it changes.
  await openTask(page, 'Thông tin trường');
  await section.getByRole('button', { name: 'Thôi dùng chứng thư này' }).click();
  const why = section.getByTestId('reason-form');
  await why.getByLabel('Lý do thôi dùng (ví dụ: đổi hiệu trưởng, mất thiết bị)').fill('Đổi hiệu trưởng');
  await why.getByRole('button', { name: 'Thôi dùng chứng thư này' }).click();
  await expect(section.getByRole('status')).toContainText('Đã thôi dùng chứng thư số.');
  await expect(section).toContainText('Chưa có chứng thư số');
});
