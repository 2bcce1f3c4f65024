// A second hocphi for tests that change what is deployed: its own copy of dist/,
// its own demo database, its own port. The suite's shared server stays untouched.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

async function startServer(port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hocphi-e2e-own-'));
  const dist = path.join(dir, 'dist');
  fs.cpSync(path.join(root, 'dist'), dist, { recursive: true });
  const child = spawn(process.env.HOCPHI_BIN, [], {
    cwd: dir,
    env: {
      ...process.env,
      HOCPHI_ADDR: `127.0.0.1:${port}`,
      HOCPHI_DIST: dist,
      HOCPHI_NOW: '2026-11-26T09:00:00+07:00',
      RUST_LOG: 'warn',
    },
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`${url}/`)).ok) return { url, dist, stop: () => child.kill('SIGTERM') };
    } catch (_) { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`hocphi did not start on ${url}`);
}

module.exports = { startServer, root };
