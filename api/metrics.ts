// Prometheus metrics, served on their own port (METRICS_HOST:METRICS_PORT, 127.0.0.1:9464 by default) and never
// answered on the API's public port without the bearer METRICS_TOKEN: their labels name routes, organisations'
// loads and the district's backlog, which is for operators. One registry per app instance: prom-client's global registry would refuse
// the second buildApp in a test file ("metric already registered"). Request timings are observed in-process;
// the case gauges are read from the Postgres projection at scrape time, so every API replica reports the
// same numbers and nothing has to be counted twice.
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { OVERDUE_SQL } from '../db/queries/case-list';
import { loadCalendarCoverage } from '../db/queries/calendar';
import { outboxStats } from '../db/queries/outbox';
import { cstDate } from '../domain/calendar';
import { STAGES } from '../domain/types';

export interface MetricsOptions {
  /** Process metrics (heap, event loop, GC); off in tests that build many apps. */
  defaultMetrics?: boolean;
  /** With a token, GET /metrics on the API's port answers a caller presenting `Authorization: Bearer <token>`; without, it is not there. */
  token?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

const sameSecret = (presented: string, expected: string): boolean => {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Hits, misses and entries of each section of the API's caches (db/cache.ts), when it has them. */
export type CacheStats = () => Record<string, { size: number; hits: number; misses: number }>;

export function registerMetrics(
  app: FastifyInstance,
  pool: Pool,
  options: MetricsOptions = {},
  cacheStats?: CacheStats,
): Registry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'redsteward_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  if (cacheStats) {
    // Counters kept by the caches themselves, read at scrape time: a hit rate is hits / (hits + misses).
    new Gauge({
      name: 'redsteward_cache_reads',
      help: "Reads of the API's in-process caches since start, by section and whether memory answered (hit) or Postgres (miss)",
      labelNames: ['section', 'result'] as const,
      registers: [registry],
      collect() {
        for (const [section, s] of Object.entries(cacheStats())) {
          this.set({ section, result: 'hit' }, s.hits);
          this.set({ section, result: 'miss' }, s.misses);
        }
      },
    });
    new Gauge({
      name: 'redsteward_cache_entries',
      help: "Entries held by each section of the API's in-process caches",
      labelNames: ['section'] as const,
      registers: [registry],
      collect() {
        for (const [section, s] of Object.entries(cacheStats())) this.set({ section }, s.size);
      },
    });
  }

  new Gauge({
    name: 'redsteward_cases',
    help: 'Cases by stage of the loop (民意收集 → 响应处理 → 跟踪督促 → 评估评价 → closed)',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ stage: string; n: string }>(
        'SELECT stage, count(*) AS n FROM cases GROUP BY stage',
      );
      const counts = new Map(rows.map((r) => [r.stage, Number(r.n)]));
      for (const stage of STAGES) this.set({ stage }, counts.get(stage) ?? 0);
    },
  });

  new Gauge({
    name: 'redsteward_cases_overdue',
    help: 'Open cases past a response or resolution deadline',
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM cases c WHERE ${OVERDUE_SQL}`);
      this.set(Number(rows[0].n));
    },
  });

  new Gauge({
    name: 'redsteward_escalations',
    help: 'Escalation steps recorded so far, by kind (escalated to street, reported, forwarded) and whether automatic',
    labelNames: ['type', 'automatic'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ type: string; automatic: string; n: string }>(
        `SELECT type, COALESCE(payload->>'automatic', 'false') AS automatic, count(*) AS n FROM case_events
          WHERE type IN ('escalated', 'reported', 'forwarded') GROUP BY 1, 2`,
      );
      this.reset();
      for (const r of rows) this.set({ type: r.type, automatic: r.automatic }, Number(r.n));
    },
  });

  new Gauge({
    name: 'redsteward_calendar_coverage_days',
    help: "Days left until the published holiday arrangement runs out (GET /calendar/coverage's daysLeft); after it, deadlines count on the law's holidays alone, 调休 unknown. Negative once passed",
    registers: [registry],
    async collect() {
      this.set((await loadCalendarCoverage(pool, cstDate(Date.now()))).daysLeft);
    },
  });

  registerOutboxMetrics(registry, pool);

  // The route template, not the URL: /cases/:id is one series, not one per case.
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    duration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  app.decorate('metricsRegistry', registry);
  const token = options.token;
  if (token) {
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!presented || !sameSecret(presented, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: { code: 'auth.required', message: 'metrics need the operator token', details: [] } });
      }
      return reply
        .type(registry.contentType)
        .header('cache-control', 'no-store')
        .send(await registry.metrics());
    });
  }
  return registry;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** The internal metrics listener: GET /metrics and nothing else, on an address operators choose (loopback by default). */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The notification outbox per channel (services/README.md "Delivery"), read from Postgres at scrape time. */
function registerOutboxMetrics(registry: Registry, pool: Pool): void {
  let stats: ReturnType<typeof outboxStats> | null = null;
  // The three gauges read one query per scrape, not one each.
  const read = () => (stats ??= outboxStats(pool).finally(() => setImmediate(() => (stats = null))));
  new Gauge({
    name: 'redsteward_outbox_messages',
    help: 'Notification outbox messages by channel (in_app, sms, webhook) and state: sent, pending (not yet sent, retrying or held by quiet hours), dead (no try left)',
    labelNames: ['channel', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await read()) {
        this.set({ channel: s.channel, state: 'sent' }, s.sent);
        this.set({ channel: s.channel, state: 'pending' }, s.pending);
        this.set({ channel: s.channel, state: 'dead' }, s.dead);
      }
    },
  });
  new Gauge({
    name: 'redsteward_outbox_failed_attempts',
    help: 'Failed delivery tries of the outbox messages not sent (pending and dead), by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await read()) this.set({ channel: s.channel }, s.failedAttempts);
    },
  });
  new Gauge({
    name: 'redsteward_outbox_oldest_unsent_seconds',
    help: 'Age of the oldest pending outbox message, by channel (0 when none): a dispatcher that stopped shows here first',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await read()) this.set({ channel: s.channel }, s.oldestPendingSeconds);
    },
  });
}
