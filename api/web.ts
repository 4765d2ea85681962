// The web app (web/, built by `npm run build:web` into web/dist) served by the same Fastify as the API: hashed
// assets with a long cache, and index.html for every other GET that is not the API's, so the app's own routes
// (/cases/…, /queue, /public) survive a reload. /api, /docs and the probes keep their JSON 404s.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DEFAULT_WEB_ROOT = path.resolve(__dirname, '..', 'web', 'dist');

const NOT_THE_APP = /^\/(?:api|docs|healthz|readyz|metrics)(?:\/|$)/;
/** A path that names a file (has an extension) gets a 404 when there is no such file, never the app shell. */
const LOOKS_LIKE_A_FILE = /\.[A-Za-z0-9]{1,8}$/;
const TOP_LEVEL_FILE = /^\/[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]{1,8}$/;

// The shell's own policy, replacing helmet's default for this one document: antd writes its CSS-in-JS into
// <style> tags ('unsafe-inline' styles, never scripts), photos are shown from data: URLs, and there is no
// upgrade-insecure-requests, which would break the app on a plain-http LAN address (TLS belongs to the proxy).
const SHELL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

// The plugin's year-long cache is for hashed assets only; the shell must be revalidated on every load.
const OWN_CACHE_HEADER = { cacheControl: false } as const;

/** Serves the built app from `root` if it has been built; returns whether it did. */
export async function registerWebApp(app: FastifyInstance, root: string): Promise<boolean> {
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built (npm run build:web): serving the API only');
    return false;
  }
  // Assets are looked up per request (not listed at start-up), so a rebuild is served without a restart.
  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    index: false,
    // Vite names every asset by its content hash: a changed file is a new URL.
    immutable: true,
    maxAge: '365d',
  });
  const shell = async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.url.split('?')[0];
    if (NOT_THE_APP.test(url)) return reply.callNotFound();
    // Files Vite copies from web/public (favicon.svg) sit beside index.html.
    if (TOP_LEVEL_FILE.test(url) && url !== '/index.html' && fs.existsSync(path.join(root, url.slice(1)))) {
      return reply.header('cache-control', 'public, max-age=3600').sendFile(url.slice(1), root, OWN_CACHE_HEADER);
    }
    if (LOOKS_LIKE_A_FILE.test(url)) return reply.callNotFound();
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', SHELL_CSP)
      .sendFile('index.html', root, OWN_CACHE_HEADER);
  };
  app.get('/', shell);
  app.get('/*', shell);
  return true;
}
