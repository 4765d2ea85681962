// The worker's native (Rust core) connection to Temporal, with the same address, timeout and TLS as the client.
import { NativeConnection } from '@temporalio/worker';
import { withTimeout } from '../db/connect';
import { temporalUnreachable, type TemporalTls } from '../services/temporal-client';

/** Connects the worker's native connection, or fails with one line naming TEMPORAL_ADDRESS. */
export async function connectWorker(address: string, timeoutMs: number, tls?: TemporalTls): Promise<NativeConnection> {
  try {
    return await withTimeout(NativeConnection.connect({ address, ...(tls ? { tls } : {}) }), timeoutMs);
  } catch (err) {
    throw temporalUnreachable(address, err);
  }
}
