// Reference data (categories, compounds, the organisation tree) is public and changes rarely: loaded once
// per page load and shared by every screen.
import { api, ok } from '../api/client';
import type { Category, Compound, OrgKind, OrgNode } from '../api/types';
import { useLoad } from './load';

export interface Reference {
  categories: Category[];
  compounds: Compound[];
  orgs: Map<string, OrgNode & { parentId: string | null }>;
}

let cached: Promise<Reference> | null = null;

function flatten(nodes: OrgNode[], parentId: string | null, into: Reference['orgs']): void {
  for (const n of nodes) {
    into.set(n.id, { ...n, parentId });
    flatten(n.children, n.id, into);
  }
}

export function loadReference(): Promise<Reference> {
  cached ??= Promise.all([
    ok(api.GET('/api/v1/categories')),
    ok(api.GET('/api/v1/compounds')),
    ok(api.GET('/api/v1/organizations')),
  ]).then(
    ([categories, compounds, orgs]) => {
      const map: Reference['orgs'] = new Map();
      flatten(orgs.items, null, map);
      return { categories: categories.items, compounds: compounds.items, orgs: map };
    },
    (err) => {
      cached = null;
      throw err;
    },
  );
  return cached;
}

export function useReference() {
  return useLoad(loadReference, []);
}

export function orgsOfKind(
  ref: Reference,
  kinds: OrgKind[],
  under?: string,
): Array<OrgNode & { parentId: string | null }> {
  return [...ref.orgs.values()].filter(
    (o) => kinds.includes(o.kind) && (under === undefined || isUnder(ref, o.id, under)),
  );
}

/** Is `id` the organisation `ancestor` or somewhere below it in the tree? */
export function isUnder(ref: Reference, id: string, ancestor: string): boolean {
  for (let cur: string | null | undefined = id; cur; cur = ref.orgs.get(cur)?.parentId)
    if (cur === ancestor) return true;
  return false;
}

const HANDLER_KINDS: OrgKind[] = [
  'property_company',
  'owners_committee',
  'resident_association',
  'functional_department',
];

/**
 * The handlers a case of this compound may be re-routed to (db/queries/jurisdiction.ts servesAsHandler): those of
 * the compound or its community, and the functional departments, which serve the whole district.
 */
export function handlersServing(ref: Reference, compoundCode: string): Array<OrgNode & { parentId: string | null }> {
  const community = ref.compounds.find((c) => c.code === compoundCode)?.communityOrgId;
  const ofCommunity = ref.compounds.filter((c) => c.code === compoundCode || c.communityOrgId === community);
  const serves = (id: string) =>
    ofCommunity.some((c) => c.propertyCompanyOrgId === id || c.ownersCommitteeOrgId === id);
  return orgsOfKind(ref, HANDLER_KINDS).filter(
    (o) => o.kind === 'functional_department' || o.parentId === community || serves(o.id),
  );
}
