// Writes dist/sw.js, the parent's service worker, with Workbox (npm
// `workbox-build`): the parent's app shell precached, so the installed app opens
// with no network; receipts and the receipt app kept once seen; schools'
// receipt keys refreshed in the background. Usage: node scripts/make-sw.mjs [dist]
//
// A new build changes the precache manifest, so the browser finds a new worker;
// it waits (no skipWaiting) until the parent taps "Cập nhật" in the page
// (public/pwa.js), which posts SKIP_WAITING, and the page reloads once.
import { generateSW } from 'workbox-build';
import path from 'node:path';

const dist = path.resolve(process.argv[2] || 'dist');
// Trunk's content-hashed names never change: fetch them as they are (from the
// HTTP cache when the page just loaded them), never with a cache-busting query.
const hashed = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;

const { count, size, warnings } = await generateSW({
  globDirectory: dist,
  // The parent's app only: the receipt app is kept when first opened, the
  // staff's never touches a parent's phone.
  globPatterns: ['index.html', 'quyen-rieng-tu.html', 'khong-co-mang.html', '*.{js,wasm,webmanifest,png,svg}', 'huong-dan/*.{html,css}'],
  globIgnores: ['sw.js', 'og-image.png'],
  swDest: path.join(dist, 'sw.js'),
  maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
  dontCacheBustURLsMatching: hashed,
  inlineWorkboxRuntime: true,
  mode: 'production',
  sourcemap: false,
  cleanupOutdatedCaches: true,
  clientsClaim: true,
  skipWaiting: false,
  // Every page of the parent's journey is the same shell.
  navigateFallback: '/index.html',
  navigateFallbackAllowlist: [/^\/$/, /^\/(s|l|con)\//, /^\/(nop-gop|thanh-toan)$/],
  runtimeCaching: [
    {
      // A receipt's page (the receipt app's shell with its preview tags) and the
      // trust app's pages: fresh when online, the kept copy offline.
      urlPattern: ({ request, url }) => request.mode === 'navigate'
        && (url.pathname.startsWith('/r/') || url.pathname === '/kiem-tra-qr' || url.pathname.startsWith('/tai-khoan')
          || url.pathname.startsWith('/khieu-nai')),
      handler: 'NetworkFirst',
      options: {
        cacheName: 'hocphi-receipt-pages',
        networkTimeoutSeconds: 5,
        expiration: { maxEntries: 200 },
        // Offline and never kept: a page that says so, not the browser's error.
        precacheFallback: { fallbackURL: '/khong-co-mang.html' },
      },
    },
    {
      // The receipt and trust apps themselves, content-hashed.
      urlPattern: ({ url }) => url.pathname.startsWith('/receipt/') || url.pathname.startsWith('/trust/'),
      handler: 'CacheFirst',
      options: { cacheName: 'hocphi-receipt-app', expiration: { maxEntries: 16 } },
    },
    {
      // Schools' published receipt keys and logos.
      urlPattern: ({ url }) => /^\/api\/v1\/schools\/[^/]+\/receipt-keys$/.test(url.pathname)
        || url.pathname.startsWith('/logo/'),
      handler: 'StaleWhileRevalidate',
      options: { cacheName: 'hocphi-schools', expiration: { maxEntries: 50 } },
    },
  ],
});
for (const w of warnings) console.warn(`make-sw: ${w}`);
console.log(`make-sw: ${path.join(dist, 'sw.js')} precaches ${count} files, ${(size / 1024).toFixed(0)} KB`);
