// Every live patch of the case workflow, by id, with when it may go (workflows/README.md, "Versioning").
// A patch lives through three releases of code: `patched(id)` with the old branch kept, then `deprecatePatch(id)`
// once no running case predates it, then plain code once no running case carries its marker.
export const PATCHES = {} as const satisfies Record<string, { id: string; added: string; removeWhen: string }>;
