// What every route group is given: the app's dependencies plus the pieces buildApp derives from them.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { CaseReads } from '../db/case-cache';
import type { ReferenceReads } from '../db/queries/reference';
import type { RateLimits } from './hardening';
import type { PhotoStorage } from './storage';

export interface ApiContext {
  config: Config;
  pool: Pool;
  /**
   * Accounts, API keys, names and intake's reference data: the cache Postgres invalidates (db/reference-cache.ts),
   * or straight reads when buildApp was given `cache: false`. After a write to one of those tables, call `changed`.
   */
  reference: ReferenceReads;
  /** GET /cases/:id's case reads: cached until Postgres reports the case changed (db/case-cache.ts), or straight reads. */
  cases: CaseReads;
  temporal: Client;
  taskQueue: string;
  storage: PhotoStorage;
  /** How long an action waits for a worker before answering 503. */
  actionTimeoutMs: number;
  rateLimits: RateLimits;
}
