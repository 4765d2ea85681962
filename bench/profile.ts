// `--profile`: the API and worker run under `node --cpu-prof`; at the end each profile is summarised by where
// its samples fall (our folders, each npm package, Node itself, idle/GC) and by the hottest functions.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const ROOT = path.resolve(__dirname, '..');

/** Which bucket a frame's self time belongs to: a package, one of our folders, node internals, or the VM. */
function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const local = url.replace('file://', '');
  if (local.startsWith(ROOT)) return `${path.relative(ROOT, local).split(path.sep)[0]}/`;
  return '(other)';
}

export function summarise(file: string, top = 15): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const b = bucketOf(url, functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + hits);
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(`file://${ROOT}/`, '')}:${lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + hits);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `${path.basename(file)}: ${total} samples`,
    'by package / folder (self time):',
    ...sorted(buckets).map(([k, v]) => `  ${pct(v)}  ${k}`),
    'hottest functions (self time):',
    ...sorted(fns).map(([k, v]) => `  ${pct(v)}  ${k}`),
  ].join('\n');
}

/** Summaries of every profile in `dir`, written beside them as summary.txt and returned. */
export function summariseAll(dir: string): string {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const text = files.map((f) => summarise(path.join(dir, f))).join('\n\n');
  fs.writeFileSync(path.join(dir, 'summary.txt'), text);
  return text;
}
