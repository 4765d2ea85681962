// The Temporal client the API and the worker's services (reconciler, schedules) use: connected and proven to answer
// at start, or one line naming TEMPORAL_ADDRESS. The worker's own native connection is worker/connect.ts.
import { Client, Connection } from '@temporalio/client';
import { ConfigError, type temporalTls } from '../config';
import { withTimeout } from '../db/connect';

export type TemporalTls = ReturnType<typeof temporalTls>;

export interface TemporalClient {
  connection: Connection;
  client: Client;
}

/** Connects to Temporal and proves it answers (getSystemInfo), or fails with one line naming TEMPORAL_ADDRESS. */
export async function connectTemporalClient(
  address: string,
  namespace: string,
  timeoutMs: number,
  tls?: TemporalTls,
): Promise<TemporalClient> {
  try {
    // The same TLS settings as the worker's native connection: mTLS in production (SECURITY.md "Temporal").
    const connection = await withTimeout(
      Connection.connect({ address, connectTimeout: timeoutMs, ...(tls ? { tls } : {}) }),
      timeoutMs,
    );
    const client = new Client({ connection, namespace });
    await withTimeout(client.workflowService.getSystemInfo({}), timeoutMs);
    return { connection, client };
  } catch (err) {
    throw temporalUnreachable(address, err);
  }
}

export function temporalUnreachable(address: string, err: unknown): ConfigError {
  return new ConfigError(
    `TEMPORAL_ADDRESS: cannot reach Temporal at ${address} (${(err as Error).message.split('\n')[0]})`,
  );
}
