// What every route group is given: the app's dependencies plus the pieces buildApp derives from them.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { RateLimits } from './hardening';
import type { PhotoStorage } from './storage';

export interface ApiContext {
  config: Config;
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  storage: PhotoStorage;
  /** How long an action waits for a worker before answering 503. */
  actionTimeoutMs: number;
  rateLimits: RateLimits;
}
