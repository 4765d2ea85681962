// Finds a working `temporal` CLI binary (the dev server) and says which route it took. Order:
//   1. TEMPORAL_CLI_PATH   2. `temporal` on PATH   3. the project's cache .temporal/bin/temporal
//   4. `go install` of the CLI v1.5.1 into that cache (later tags carry a `replace` that `go install` refuses)
//   5. the SDK's own download (needs the internet; returned as { path: undefined, route: 'sdk-download' })
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const CACHE_DIR = path.resolve(__dirname, '..', '.temporal', 'bin');

export type CliRoute = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'go-install' | 'sdk-download';
export interface TemporalCli {
  path: string | undefined;
  route: CliRoute;
}

function works(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 && /temporal/i.test(r.stdout);
}

function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir && fs.existsSync(candidate) && works(candidate)) return candidate;
  }
  return undefined;
}

function goAvailable(): boolean {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
}

export function findTemporalCli(log: (line: string) => void = console.log): TemporalCli {
  // Read directly rather than through config.ts: this script also runs from .ci/run before anything else.
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!works(explicit)) throw new Error(`TEMPORAL_CLI_PATH: ${explicit} is not a working temporal CLI binary`);
    log(`temporal CLI: ${explicit} (route: TEMPORAL_CLI_PATH)`);
    return { path: explicit, route: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath();
  if (fromPath) {
    log(`temporal CLI: ${fromPath} (route: PATH)`);
    return { path: fromPath, route: 'PATH' };
  }
  const cached = path.join(CACHE_DIR, 'temporal');
  if (fs.existsSync(cached) && works(cached)) {
    log(`temporal CLI: ${cached} (route: cache)`);
    return { path: cached, route: 'cache' };
  }
  if (goAvailable()) {
    log(`temporal CLI: building ${TEMPORAL_CLI_MODULE} with Go into ${CACHE_DIR} (about 2–3 minutes, once)…`);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    try {
      execFileSync('go', ['install', TEMPORAL_CLI_MODULE], {
        env: { ...process.env, CGO_ENABLED: '0', GOBIN: CACHE_DIR },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      if (works(cached)) {
        log(`temporal CLI: ${cached} (route: go-install)`);
        return { path: cached, route: 'go-install' };
      }
    } catch (err) {
      log(`temporal CLI: go install failed (${(err as Error).message}); trying the SDK's download`);
    }
  }
  log("temporal CLI: using the Temporal SDK's own download (route: sdk-download; needs the internet)");
  return { path: undefined, route: 'sdk-download' };
}

/** The `executable` option of @temporalio/testing's createLocal for a found CLI. */
export function executableOption(cli: TemporalCli) {
  return cli.path ? ({ type: 'existing-path', path: cli.path } as const) : ({ type: 'cached-download' } as const);
}

if (require.main === module) {
  const cli = findTemporalCli((line) => console.error(line));
  console.log(cli.path ?? 'sdk-download');
}
