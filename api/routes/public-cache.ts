// A small in-memory TTL cache for the public routes, which the public hits most and which change slowly (rates of
// a period, monthly assessments). Per process and per app: several API instances each keep their own, which is
// fine for figures that may be a minute old. Bounded, so a flood of distinct queries cannot grow it without end.
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 500,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    // Maps iterate in insertion order: the first key is the oldest entry.
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
  }
}

/** A cache key independent of the order the client wrote the query parameters in. */
export function cacheKey(route: string, query: Record<string, unknown>): string {
  return `${route}?${JSON.stringify(
    Object.keys(query)
      .sort()
      .map((k) => [k, query[k]]),
  )}`;
}
