// Substring search for case lists. See 0003_cases.sql for why this is ILIKE and not a tsvector.

/**
 * An ILIKE pattern matching `term` anywhere, with the user's own % and _ taken literally (backslash is the
 * default LIKE escape). Pass it as a parameter: `description ILIKE $1`.
 */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
