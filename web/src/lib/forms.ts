// API errors next to the fields they name: details[].path ("location.building", "photos.3") becomes an antd
// form field's error; whatever names no field on the form is returned for a message above it.
import type { FormInstance } from 'antd';
import { ApiError, type ErrorDetail } from '../api/client';

type Name = (string | number)[];

/** "photos.3" → ["photos"]: an index names an item of a list field, and the list is what the form shows. */
function nameOf(path: string): Name {
  const parts: Name = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  while (parts.length > 1 && typeof parts[parts.length - 1] === 'number') parts.pop();
  return parts;
}

/**
 * Shows each detail on its field and returns the details no field took. `aliases` maps an API path to a form
 * field name (e.g. the refinement on "location" shown on its first part).
 */
export function showFieldErrors(form: FormInstance, err: unknown, aliases: Record<string, Name> = {}): ErrorDetail[] {
  if (!(err instanceof ApiError)) return [];
  const fields = new Map<string, { name: Name; errors: string[]; details: ErrorDetail[] }>();
  for (const d of err.details) {
    const name = aliases[d.path] ?? nameOf(d.path);
    const key = name.join('.');
    const entry = fields.get(key) ?? { name, errors: [], details: [] };
    entry.errors.push(d.issue);
    entry.details.push(d);
    fields.set(key, entry);
  }
  form.setFields([...fields.values()].map(({ name, errors }) => ({ name, errors })));
  // A name with no field on the form keeps no error: say those above the form instead.
  return [...fields.values()].filter((f) => form.getFieldError(f.name).length === 0).flatMap((f) => f.details);
}
