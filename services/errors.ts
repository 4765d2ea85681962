// Errors the services raise for the API to map: validation → 400 naming the field, not_found → 404,
// forbidden → 403, conflict (an illegal transition) → 409, unavailable (no worker answered) → 503.
export type DomainErrorKind = 'validation' | 'not_found' | 'forbidden' | 'conflict' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** The request field at fault (validation), or a stable code such as `case.illegal_transition`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
