// What the production-shape run asks of the Temporal server before the app starts on it: the schemas at a version
// and idempotent, the server's version, shards and stores as deploy/temporal/server.ts says, the namespace usable
// with the case workflow's search attributes; and, once the workers start, both polling the task queue.
import os from 'node:os';
import { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { DATABASES, NUM_HISTORY_SHARDS, SQL_PLUGIN, TEMPORAL_SERVER_VERSION } from '../../deploy/temporal/server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import type { ServerBinaries } from './binaries';

export type Check = [name: string, ok: boolean, detail: string];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function schemaVersions(pgPort: number): Promise<string[]> {
  return Promise.all(
    Object.values(DATABASES).map(async (database) => {
      const pool = new Pool({
        connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/${database}`,
        max: 1,
      });
      try {
        return `${database} ${(await pool.query<{ v: string }>('SELECT curr_version AS v FROM schema_version')).rows[0]?.v ?? 'none'}`;
      } finally {
        await pool.end();
      }
    }),
  );
}

/** A visibility query naming every search attribute: it parses only once the namespace and the attributes are known. */
export async function namespaceUsable(client: Client, timeoutMs: number): Promise<string | null> {
  const query = SEARCH_ATTRIBUTES.map((a) => (a.type === 'BOOL' ? `${a.name} = true` : `${a.name} = "x"`)).join(
    ' AND ',
  );
  const until = Date.now() + timeoutMs;
  for (;;) {
    const err = await client.workflow.count(query).then(
      () => null,
      (e: Error) => e.message,
    );
    if (err === null || Date.now() > until) return err;
    await sleep(500);
  }
}

export async function checkServer(
  client: Client,
  pgPort: number,
  bins: ServerBinaries,
  setupAgain: () => Promise<void>,
): Promise<Check[]> {
  const checks: Check[] = [];
  const before = await schemaVersions(pgPort);
  const again = await setupAgain().then(
    () => null,
    (err: Error) => err.message,
  );
  const after = await schemaVersions(pgPort);
  checks.push([
    'the schema steps ran with temporal-sql-tool, and running them again changes nothing',
    again === null && before.join() === after.join() && !before.some((v) => / (none|0\.0)$/.test(v)),
    again ?? before.join(', '),
  ]);

  const info = await client.workflowService.getClusterInfo({});
  const stores = `${info.persistenceStore}, ${info.visibilityStore}`;
  checks.push([
    `the server is v${TEMPORAL_SERVER_VERSION} with ${NUM_HISTORY_SHARDS} history shards on PostgreSQL persistence and SQL visibility`,
    info.serverVersion === TEMPORAL_SERVER_VERSION &&
      info.historyShardCount === NUM_HISTORY_SHARDS &&
      info.persistenceStore === SQL_PLUGIN &&
      info.visibilityStore === SQL_PLUGIN,
    `${info.serverVersion}, ${info.historyShardCount} shards, ${stores}; ${bins.server}`,
  ]);
  const usable = await namespaceUsable(client, 5_000);
  checks.push([
    'the namespace answers a visibility query on every search attribute',
    usable === null,
    usable ?? SEARCH_ATTRIBUTES.map((a) => a.name).join(', '),
  ]);
  return checks;
}

/** Waits until each worker process (by pid, in its default identity pid@host) polls the workflow task queue. */
export async function workersPolling(
  client: Client,
  pids: number[],
  timeoutMs: number,
  taskQueue = 'red-steward',
): Promise<{ ok: boolean; detail: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.workflowService
      .describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 })
      .catch(() => null);
    const identities = (res?.pollers ?? []).map((p) => p.identity ?? '');
    const seen = pids.filter((pid) => identities.includes(`${pid}@${os.hostname()}`));
    if (seen.length === pids.length || Date.now() > until)
      return { ok: seen.length === pids.length, detail: `pollers seen: ${identities.join(', ') || 'none'}` };
    await sleep(500);
  }
}
