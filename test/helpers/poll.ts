// Waiting for something another connection causes (a change notification, a commit): read until the answer
// passes, for a bounded time, instead of sleeping a fixed amount.

const describe = (v: unknown): string => {
  try {
    return JSON.stringify(v)?.slice(0, 500) ?? String(v);
  } catch {
    return String(v); // e.g. an inject response, which refers to itself
  }
};

/** Reads until the answer passes `ok` and returns it; fails after `timeoutMs` (default 2 s) with the last answer. */
export async function seenWithin<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 2_000,
  everyMs = 5,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`still ${describe(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
