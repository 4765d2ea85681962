// The production-shape Temporal service in one place: the server version, its configuration values, how its
// schemas are set up, the namespace and the search attributes. `npm run test:production` (scripts/production/)
// runs exactly these steps, and docker-compose.yml describes the same service (its test compares the two), so the
// shape that is proved here is the shape that is shipped.
import { TypedSearchAttributes } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export const TEMPORAL_SERVER_VERSION = '1.29.1';

/**
 * The images docker-compose.yml runs: the server, and the admin tools for the one-shot schema and namespace job.
 * Admin-tools releases 1.24 to 1.29 are tagged with their bundled tctl and CLI versions too, never the bare server
 * version (temporalio/docker-compose PR #207; Temporal's compose files pin this tag for 1.29.1); its
 * temporal-sql-tool and schema files are the server release's.
 */
export const TEMPORAL_IMAGES = {
  server: `temporalio/server:${TEMPORAL_SERVER_VERSION}`,
  adminTools: `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}-tctl-1.18.4-cli-1.5.0`,
};

/** What `go install` builds where no cached binary exists (CGO_ENABLED=0: a static binary). */
export const GO_MODULES = {
  server: `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
  sqlTool: `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
};

export const SQL_PLUGIN = 'postgres12';
export const NUM_HISTORY_SHARDS = 4;
/** cluster_membership.rpc_port is a SMALLINT: a server whose membership port exceeds it exits at start. */
export const MAX_MEMBERSHIP_PORT = 32767;

export const DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * The server's settings as environment variables, under the names both deploy/temporal/config/production.yaml and
 * the temporalio/server image's own template read. Connection details (POSTGRES_SEEDS, DB_PORT, POSTGRES_USER,
 * POSTGRES_PWD) and ports are each deployment's own.
 */
export const SERVER_ENV = {
  DB: SQL_PLUGIN,
  DBNAME: DATABASES.persistence,
  VISIBILITY_DBNAME: DATABASES.visibility,
  NUM_HISTORY_SHARDS: String(NUM_HISTORY_SHARDS),
} as const;

/**
 * The schema steps, per database, as `temporal-sql-tool` arguments after the connection flags (--plugin, --ep, -p,
 * -u, --pw). Each is idempotent, so the job may run at every deployment: create-database ignores an existing
 * database, setup-schema -v 0.0 leaves a versioned schema alone, update-schema applies only the newer versions.
 * The versioned schemas are the ones built into the tool (`--schema-name`), the same files as the admin-tools
 * image's /etc/temporal/schema/postgresql/v12/{temporal,visibility}/versioned.
 */
export const SCHEMA_STEPS: { database: string; schemaName: string; commands: string[][] }[] = [
  { database: DATABASES.persistence, schemaName: 'postgresql/v12/temporal' },
  { database: DATABASES.visibility, schemaName: 'postgresql/v12/visibility' },
].map(({ database, schemaName }) => ({
  database,
  schemaName,
  commands: [
    ['--db', database, 'create-database'],
    ['--db', database, 'setup-schema', '-v', '0.0'],
    ['--db', database, 'update-schema', '--schema-name', schemaName],
  ],
}));

/** The server creates no namespace of its own. Closed histories are kept a week: the case timeline lives in PostgreSQL. */
export const NAMESPACE = { name: 'default', retention: '168h' };

/** The case workflow's search attributes, with the type names `temporal operator search-attribute create` takes. */
export const CLI_SEARCH_ATTRIBUTES = SEARCH_ATTRIBUTES.map((a) => ({
  name: a.name,
  type: TypedSearchAttributes.toMetadataType(a.type),
}));

/** `temporal` CLI arguments (after `--address`) that create the namespace, then register each search attribute. */
export function namespaceCommands(): { namespace: string[]; searchAttributes: string[][] } {
  return {
    namespace: ['operator', 'namespace', 'create', '--namespace', NAMESPACE.name, '--retention', NAMESPACE.retention],
    searchAttributes: CLI_SEARCH_ATTRIBUTES.map((a) => [
      'operator',
      'search-attribute',
      'create',
      '--namespace',
      NAMESPACE.name,
      '--name',
      a.name,
      '--type',
      a.type,
    ]),
  };
}
