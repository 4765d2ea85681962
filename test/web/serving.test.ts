// The API serves the built web app at / (api/web.ts): the shell for the app's own paths, hashed assets with a
// long cache, and the API's JSON 404 wherever the app has nothing to say.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_WEB_ROOT } from '../../api/web';
import { startApiStack, type ApiStack } from '../api/helpers';

let s: ApiStack;
beforeAll(async () => {
  if (!fs.existsSync(path.join(DEFAULT_WEB_ROOT, 'index.html'))) {
    throw new Error(
      `The web app is not built (${DEFAULT_WEB_ROOT}): run \`npm run build:web\` (npm test builds it before jest)`,
    );
  }
  s = await startApiStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

test.each(['/', '/login', '/cases/2b0a3c4e-1d2f-4a5b-9c8d-7e6f5a4b3c2d', '/public'])(
  '%s answers the app shell with its own security policy',
  async (url) => {
    const res = await s.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<div id="root"></div>');
    expect(res.headers['cache-control']).toBe('no-cache');
    // No upgrade-insecure-requests: the app must work on a plain-http LAN address.
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  },
);

test('hashed assets are served with a year-long immutable cache', async () => {
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec((await s.app.inject({ method: 'GET', url: '/' })).body)?.[1];
  expect(asset).toBeDefined();
  const res = await s.app.inject({ method: 'GET', url: asset as string });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('javascript');
  expect(res.headers['cache-control']).toContain('immutable');
});

test.each([
  ['/api/v1/no-such-route', 'route.not_found'],
  ['/assets/no-such-file.js', 'route.not_found'],
  ['/no-such-file.png', 'route.not_found'],
])("%s is the API's JSON 404, not the app", async (url, code) => {
  const res = await s.app.inject({ method: 'GET', url });
  expect(res.statusCode).toBe(404);
  expect(res.json()).toMatchObject({ error: { code } });
});

test('the API docs and the probes are untouched', async () => {
  expect((await s.app.inject({ method: 'GET', url: '/docs/json' })).json()).toMatchObject({ openapi: '3.0.3' });
  expect((await s.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
});
