// The worker container's health check (docker-compose.yml: `node dist/worker/health.js`): exits 0 while a worker in
// this container has polled its task queue within the last 90 s, 1 otherwise. The SDK names a worker
// `<pid>@<hostname>` and a container's hostname is its own, so a replica answers for itself, not for the others.
// (A process check would pass for a worker that is alive but cut off from Temporal.)
import os from 'node:os';
import { ConfigError, loadConfig, temporalTls } from '../config';
import { connectTemporalClient } from '../services/temporal-client';

/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW */
const WORKFLOW_TASK_QUEUE = 1;
/** Long polls are renewed at least every minute; a poller not seen for longer is gone. */
const FRESH_MS = 90_000;

async function main(): Promise<boolean> {
  const config = loadConfig();
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError('TEMPORAL_ADDRESS: is required for the worker health check');
  const t = await connectTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, 5_000, temporalTls(config));
  try {
    const { pollers } = await t.client.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
      taskQueueType: WORKFLOW_TASK_QUEUE,
    });
    const host = `@${os.hostname()}`;
    return (pollers ?? []).some(
      (p) => p.identity?.endsWith(host) && Date.now() - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < FRESH_MS,
    );
  } finally {
    await t.connection.close();
  }
}

main().then(
  (polling) => {
    console.log(polling ? 'worker: polling' : 'worker: no poll from this host within 90 s');
    process.exit(polling ? 0 : 1);
  },
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
