// The Temporal server config kept in the repository says what deploy/temporal/server.ts says: the run that proves
// the production shape (`npm run test:production`) and the compose file both read their values from that module, so
// the template must not drift from it. The template is rendered here the way the server renders it with no
// variables set: every `default` taken.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  DATABASES,
  MAX_MEMBERSHIP_PORT,
  NUM_HISTORY_SHARDS,
  SERVER_ENV,
  SQL_PLUGIN,
} from '../../deploy/temporal/server';

const template = fs.readFileSync(
  path.join(__dirname, '..', '..', 'deploy', 'temporal', 'config', 'production.yaml'),
  'utf8',
);
const rendered = template
  .replace(
    /\{\{ default "([^"]*)" \(env "(\w+)"\)( \| quote)? \}\}/g,
    (_m, value: string, _name: string, quote?: string) => (quote ? JSON.stringify(value) : value),
  )
  .replace(/\{\{ env "(\w+)"( \| quote)? \}\}/g, (_m, name: string, quote?: string) =>
    quote ? JSON.stringify(`$${name}`) : `$${name}`,
  );
const config = YAML.parse(rendered);
type Rpc = { grpcPort: number; membershipPort: number };

test('the template is one the server renders: its first comment turns templating on, and nothing is left unrendered', () => {
  expect(template.split('\n')[0]).toBe('# enable-template');
  expect(rendered).not.toContain('{{');
});

test('persistence is PostgreSQL for both stores, with the shards and database names of deploy/temporal/server.ts', () => {
  expect(config.persistence.numHistoryShards).toBe(NUM_HISTORY_SHARDS);
  expect(String(NUM_HISTORY_SHARDS)).toBe(SERVER_ENV.NUM_HISTORY_SHARDS);
  const stores = config.persistence.datastores;
  expect(stores[config.persistence.defaultStore].sql).toMatchObject({
    pluginName: SQL_PLUGIN,
    databaseName: DATABASES.persistence,
  });
  expect(stores[config.persistence.visibilityStore].sql).toMatchObject({
    pluginName: SQL_PLUGIN,
    databaseName: DATABASES.visibility,
  });
  expect(template).toMatch(/databaseName: \{\{ default "temporal" \(env "DBNAME"\)/);
  expect(template).toMatch(/databaseName: \{\{ default "temporal_visibility" \(env "VISIBILITY_DBNAME"\)/);
});

test('every membership port fits cluster_membership.rpc_port, a SMALLINT', () => {
  const services = Object.values(config.services) as { rpc: Rpc }[];
  expect(services).toHaveLength(4);
  for (const { rpc } of services) expect(rpc.membershipPort).toBeLessThanOrEqual(MAX_MEMBERSHIP_PORT);
  expect(MAX_MEMBERSHIP_PORT).toBe(2 ** 15 - 1);
});

test('the dynamic config it names exists and keeps Workflow Updates on', () => {
  const file = path.join(__dirname, '..', '..', config.dynamicConfigClient.filepath);
  const dynamic = YAML.parse(fs.readFileSync(file, 'utf8'));
  expect(dynamic['frontend.enableUpdateWorkflowExecution']).toEqual([{ value: true }]);
});
