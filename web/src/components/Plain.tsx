// antd's Form.Item gives its control aria-required / aria-invalid; Select and Radio.Group put them on a plain
// <div>, where ARIA does not allow them (axe: aria-allowed-attr). Between the two, this forwards everything
// else — value, onChange, id, aria-describedby — and drops those two; the visible asterisk and the error text
// next to the field still say the same.
import { cloneElement, type ReactElement } from 'react';

export function Plain({
  children,
  ...injected
}: { children: ReactElement<Record<string, unknown>> } & Record<string, unknown>) {
  const rest = { ...injected };
  delete rest['aria-required'];
  delete rest['aria-invalid'];
  return cloneElement(children, rest);
}
