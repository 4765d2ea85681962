// An in-process cache whose entries Postgres itself invalidates: each section names the tables its answers were
// read from, and a change notification for one of them (db/notify.ts) drops the section's entries — or, for a
// section keyed by row id, just that row's entry. The TTL is only a bound in case a notification could ever be
// missed unnoticed; correctness comes from the notifications.
//
// Two races are closed here rather than left to the TTL:
// - a read that started before a change and ends after its notification would store the old answer: every section
//   has a generation, bumped by each change and reset, and an answer is kept only if the generation it was read
//   under is still current;
// - a change while the notification connection is down would never be heard of: while the feed is not live every
//   read goes to Postgres and nothing is stored, and every (re)connection starts from empty.
import type { Change, ChangeFeed } from './notify';

export const DEFAULT_TTL_MS = 60_000;

export interface SectionOptions<V> {
  /** Tables whose change may make an entry stale. */
  tables: readonly string[];
  maxEntries: number;
  /** A change naming a row id drops only the entry of that key (the users section: one account per notification). */
  keyedByRow?: boolean;
  /** Answers worth keeping (default: every answer); e.g. not an unknown API key id that anybody can make up. */
  keep?: (value: V) => boolean;
}

interface Entry<V> {
  value: V;
  expires: number;
}

/** Frozen, because one cached object is shared by every request that reads it: a caller changing it would change it for all. */
export function deepFreeze<T>(value: T): T {
  if (
    value !== null &&
    typeof value === 'object' &&
    !Object.isFrozen(value) &&
    !(value instanceof Date) &&
    !(value instanceof Map)
  ) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class CacheSection<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly name: string,
    private readonly opts: SectionOptions<V>,
    private readonly owner: InvalidatedCache,
  ) {}

  /** The cached answer for `key`, or `load()`'s (kept if still current when it arrives). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.fresh(key);
    if (hit) return hit.value;
    this.misses++;
    const generation = this.generation;
    const value = await load();
    this.store(key, value, generation);
    return value;
  }

  /** Several keys at once: one `loadMissing` call for every key not cached; keys it does not answer stay absent. */
  async getMany(
    keys: readonly string[],
    loadMissing: (keys: string[]) => Promise<Map<string, V>>,
  ): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const hit = this.fresh(key);
      if (hit) found.set(key, hit.value);
      else missing.push(key);
    }
    if (missing.length === 0) return found;
    this.misses += missing.length;
    const generation = this.generation;
    const loaded = await loadMissing(missing);
    for (const [key, value] of loaded) {
      this.store(key, value, generation);
      found.set(key, value);
    }
    return found;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether a change to `table` concerns this section. */
  dependsOn(table: string): boolean {
    return this.opts.tables.includes(table);
  }

  invalidate(change: Change | 'reset'): void {
    this.generation++;
    if (change !== 'reset' && change.id !== undefined && this.opts.keyedByRow) this.entries.delete(change.id);
    else this.entries.clear();
  }

  private fresh(key: string): Entry<V> | undefined {
    if (!this.owner.live) return undefined;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.owner.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Least recently used goes first: a Map iterates in insertion order, so a hit moves to the end.
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.hits++;
    return hit;
  }

  private store(key: string, value: V, generation: number): void {
    if (generation !== this.generation || !this.owner.live) return; // changed meanwhile, or nobody is listening
    if (this.opts.keep && !this.opts.keep(value)) return;
    this.entries.delete(key);
    this.entries.set(key, { value: deepFreeze(value), expires: this.owner.now() + this.owner.ttlMs });
    if (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export interface CacheOptions {
  /** Upper bound on an entry's age, in case a change could go unnoticed (default 60 s). */
  ttlMs?: number;
  now?: () => number;
}

export class InvalidatedCache {
  readonly ttlMs: number;
  readonly now: () => number;
  private readonly sections: CacheSection<unknown>[] = [];

  constructor(
    private readonly feed: ChangeFeed,
    opts: CacheOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.now = opts.now ?? Date.now;
    feed.onChange((change) => this.changed(change));
  }

  /** Whether entries may be trusted: the feed is listening. */
  get live(): boolean {
    return this.feed.live;
  }

  section<V>(name: string, opts: SectionOptions<V>): CacheSection<V> {
    const s = new CacheSection<V>(name, opts, this);
    this.sections.push(s as CacheSection<unknown>);
    return s;
  }

  /** Drops what a change may have made stale: from a notification, or from this process right after its own write. */
  changed(change: Change | 'reset'): void {
    for (const s of this.sections) if (change === 'reset' || s.dependsOn(change.table)) s.invalidate(change);
  }

  stats(): Record<string, { size: number; hits: number; misses: number }> {
    return Object.fromEntries(this.sections.map((s) => [s.name, { size: s.size, hits: s.hits, misses: s.misses }]));
  }

  close(): Promise<void> {
    return this.feed.close();
  }
}
