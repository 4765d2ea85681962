// The Temporal server binary and temporal-sql-tool of the version deploy/temporal/server.ts names, obtained the way
// `npm test` obtains the CLI (scripts/temporal-cli.ts): a cache under .temporal/, else a Go build into it.
// TEMPORAL_SERVER_CACHE names another cache folder (a first run from nothing, without touching .temporal/).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GO_MODULES, TEMPORAL_SERVER_VERSION } from '../../deploy/temporal/server';

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  route: 'cache' | 'go-install';
  dir: string;
}

export const DEFAULT_CACHE = path.resolve(__dirname, '..', '..', '.temporal', `server-v${TEMPORAL_SERVER_VERSION}`);

function version(bin: string): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** Both binaries in `dir`, answering --version with the pinned version (the server's `temporal version 1.29.1`). */
function cached(dir: string): { server: string; sqlTool: string } | null {
  const server = path.join(dir, 'temporal-server');
  const sqlTool = path.join(dir, 'temporal-sql-tool');
  if (!fs.existsSync(server) || !fs.existsSync(sqlTool)) return null;
  if (!version(server).endsWith(TEMPORAL_SERVER_VERSION) || version(sqlTool) === '') return null;
  return { server, sqlTool };
}

export function obtainServerBinaries(log: (line: string) => void): ServerBinaries {
  // Read directly rather than through config.ts: the app never reads it, only this run does.
  const dir = path.resolve(process.env.TEMPORAL_SERVER_CACHE || DEFAULT_CACHE);
  const found = cached(dir);
  if (found) {
    log(`temporal server ${TEMPORAL_SERVER_VERSION}: ${found.server} (route: cache)`);
    return { ...found, route: 'cache', dir };
  }
  if (spawnSync('go', ['version']).status !== 0) {
    throw new Error(
      `no Temporal server ${TEMPORAL_SERVER_VERSION} in ${dir} and no Go toolchain to build one: install Go (https://go.dev/dl) or put temporal-server and temporal-sql-tool there`,
    );
  }
  log(
    `temporal server ${TEMPORAL_SERVER_VERSION}: building ${GO_MODULES.server} and ${GO_MODULES.sqlTool} with Go into ${dir} (about 2–3 minutes, once)…`,
  );
  // Built into a scratch folder and moved in whole: an interrupted build leaves no half-written binary in the cache.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-temporal-build-'));
  try {
    execFileSync('go', ['install', GO_MODULES.server, GO_MODULES.sqlTool], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: scratch },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    fs.mkdirSync(dir, { recursive: true });
    // `go install` names a binary after its package folder: cmd/server → server, cmd/tools/sql → sql.
    fs.copyFileSync(path.join(scratch, 'server'), path.join(dir, 'temporal-server'));
    fs.copyFileSync(path.join(scratch, 'sql'), path.join(dir, 'temporal-sql-tool'));
    for (const bin of ['temporal-server', 'temporal-sql-tool']) fs.chmodSync(path.join(dir, bin), 0o755);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const built = cached(dir);
  if (!built)
    throw new Error(`the Go build did not leave a working temporal-server ${TEMPORAL_SERVER_VERSION} in ${dir}`);
  log(`temporal server ${TEMPORAL_SERVER_VERSION}: ${built.server} (route: go-install)`);
  return { ...built, route: 'go-install', dir };
}
