// The `hocphi` command line against the server under test: run where the server
// runs (its working directory holds the master key that seals the secrets).
const { execFileSync } = require('child_process');

function schoolSecret(slug) {
  return execFileSync(process.env.HOCPHI_BIN, ['bank-secret', '--school', slug], {
    cwd: process.env.HOCPHI_E2E_DIR,
    env: { ...process.env, DATABASE_URL: process.env.HOCPHI_E2E_DATABASE_URL },
  }).toString().trim();
}

module.exports = { schoolSecret };
