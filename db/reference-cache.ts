// The API's cache of reference data and accounts: `ReferenceReads` (db/queries/reference.ts) answered from memory
// until Postgres reports a change (db/notify.ts, migration 0022; how entries are dropped: db/cache.ts). A
// deactivated account, a changed role, a renamed organisation or an admin's new agreement version is seen by
// the next request of every API process, whoever made the change and however.
//
// What is cached, by which key, dropped on a change of which table:
//   accounts      user id              users (only the row's own entry)
//   API keys      key id               api_keys
//   organisations id                   organizations       person names  id            people
//   categories    code                 categories          compounds     code          compounds
//   households    id (LRU)             households, people (the linked party member's name and phone)
//   residents     user id (LRU)        users (that row), people, households, household_members (intake's contact)
//   chains        community id         organizations
//   agreements    compound + CST day   agreements          overrides     from + to     calendar_overrides
//   years         all (one entry)      calendar_years
//   sessions      session id           sessions (only the row's own entry: a sign-out, a refresh)
// and GET /cases/:id's case reads (db/case-cache.ts): by case id, dropped on a change of that case (rs_case_changed),
// or of any category or compound (their names).
import type { Pool } from 'pg';
import type { AgreementTerms } from '../domain/types';
import { InvalidatedCache, type CacheOptions } from './cache';
import { cachedCaseReads, type CaseReads } from './case-cache';
import { listenForChanges, listenerConfig, type ChangeFeed } from './notify';
import {
  readThrough,
  type Account,
  type CalendarOverride,
  type Category,
  type Compound,
  type Household,
  type Organization,
  type ResidentContact,
  type PersonName,
  type ReferenceReads,
  type SupervisionChain,
} from './queries/reference';
import type { ApiKey } from './queries/api-keys';
import type { CalendarYearRow } from './queries/calendar-years';
import type { SessionState } from './queries/sessions';

export interface ReferenceCache extends ReferenceReads {
  /** Whether answers come from memory (the notification connection is up) or, for now, from Postgres. */
  readonly live: boolean;
  /** GET /cases/:id's reads, on the same notifications (db/case-cache.ts). */
  readonly cases: CaseReads;
  stats(): ReturnType<InvalidatedCache['stats']>;
  close(): Promise<void>;
}

export interface ReferenceCacheOptions extends CacheOptions {
  log?: (message: string) => void;
  /** A feed of one's own (tests); by default a LISTEN connection with the pool's settings. */
  feed?: ChangeFeed;
}

// Codes and ids a client sends are kept only when they exist, so made-up ones cannot crowd out real entries.
const known = (v: unknown) => v !== null;

/** Builds the cache over `pool` and starts listening; reads go through to Postgres until the listener is up. */
export async function createReferenceCache(pool: Pool, opts: ReferenceCacheOptions = {}): Promise<ReferenceCache> {
  const feed = opts.feed ?? (await listenForChanges(listenerConfig(pool), { log: opts.log }));
  const cache = new InvalidatedCache(feed, opts);
  const db = readThrough(pool);
  const sections = {
    accounts: cache.section<Account | null>('accounts', { tables: ['users'], keyedByRow: true, maxEntries: 10_000 }),
    apiKeys: cache.section<ApiKey | null>('apiKeys', { tables: ['api_keys'], maxEntries: 1_000, keep: known }),
    organizations: cache.section<Organization>('organizations', { tables: ['organizations'], maxEntries: 10_000 }),
    people: cache.section<PersonName>('people', { tables: ['people'], maxEntries: 10_000 }),
    categories: cache.section<Category | null>('categories', {
      tables: ['categories'],
      maxEntries: 1_000,
      keep: known,
    }),
    compounds: cache.section<Compound | null>('compounds', { tables: ['compounds'], maxEntries: 10_000, keep: known }),
    households: cache.section<Household | null>('households', {
      tables: ['households', 'people'],
      maxEntries: 10_000,
      keep: known,
    }),
    residents: cache.section<ResidentContact | null>('residents', {
      tables: ['users', 'people', 'households', 'household_members'],
      keyedByRow: true,
      maxEntries: 10_000,
    }),
    chains: cache.section<SupervisionChain | null>('chains', { tables: ['organizations'], maxEntries: 1_000 }),
    agreements: cache.section<AgreementTerms | null>('agreements', { tables: ['agreements'], maxEntries: 10_000 }),
    overrides: cache.section<CalendarOverride[]>('calendarOverrides', {
      tables: ['calendar_overrides'],
      maxEntries: 16,
    }),
    calendarYears: cache.section<CalendarYearRow[]>('calendarYears', { tables: ['calendar_years'], maxEntries: 1 }),
    sessions: cache.section<SessionState | null>('sessions', {
      tables: ['sessions'],
      keyedByRow: true,
      maxEntries: 20_000,
      keep: known,
    }),
  };
  return {
    get live() {
      return cache.live;
    },
    account: (id) => sections.accounts.get(id, () => db.account(id)),
    apiKey: (id) => sections.apiKeys.get(id, () => db.apiKey(id)),
    organizations: (ids) => sections.organizations.getMany(ids, (missing) => db.organizations(missing)),
    personNames: (ids) => sections.people.getMany(ids, (missing) => db.personNames(missing)),
    category: (code) => sections.categories.get(code, () => db.category(code)),
    compound: (code) => sections.compounds.get(code, () => db.compound(code)),
    household: (id) => sections.households.get(id, () => db.household(id)),
    residentContact: (userId) => sections.residents.get(userId, () => db.residentContact(userId)),
    supervisionChain: (id) => sections.chains.get(id, () => db.supervisionChain(id)),
    activeAgreement: (compoundCode, day) =>
      sections.agreements.get(`${compoundCode}\n${day}`, () => db.activeAgreement(compoundCode, day)),
    calendarOverrides: (from, to) => sections.overrides.get(`${from}\n${to}`, () => db.calendarOverrides(from, to)),
    calendarYears: () => sections.calendarYears.get('all', () => db.calendarYears()),
    session: (id) => sections.sessions.get(id, () => db.session(id)),
    changed: (table, id) => cache.changed({ table, id }),
    cases: cachedCaseReads(pool, cache),
    stats: () => cache.stats(),
    close: () => cache.close(),
  };
}
