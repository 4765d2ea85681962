// `npm run build [-- --out <dir>]`: what production runs, into dist/ (or <dir>): the TypeScript of api/ worker/
// services/ workflows/ activities/ db/ domain/ and config.ts compiled by tsc (tsconfig.build.json), the SQL
// migrations beside db/migrate.js (it reads them from its own folder), the workflow bundle built ahead, and the web
// app if `npm run build:web` has built it (api/web.ts serves it from beside the compiled API). Then
// `node dist/api/server.js`, `node dist/worker/main.js` and `node dist/db/run-migrations.js` run without tsx.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildWorkflowBundle } from './build-workflow-bundle';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const at = process.argv.indexOf('--out');
  const out = path.resolve(at >= 0 ? process.argv[at + 1] : path.join(ROOT, 'dist'));
  // A file deleted from the source must not live on in the output.
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out],
    { stdio: 'inherit' },
  );
  fs.cpSync(path.join(ROOT, 'db', 'migrations'), path.join(out, 'db', 'migrations'), { recursive: true });
  const web = path.join(ROOT, 'web', 'dist');
  if (fs.existsSync(path.join(web, 'index.html'))) fs.cpSync(web, path.join(out, 'web', 'dist'), { recursive: true });
  else console.log('web app not built (npm run build:web): the compiled API will serve the API only');
  const bytes = await buildWorkflowBundle(path.join(out, 'workflow-bundle.js'));
  console.log(
    `built ${path.relative(process.cwd(), out) || '.'}: compiled code, migrations, workflow bundle (${Math.round(bytes / 1024)} KiB)`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
