// Hand-made JWTs, as an attacker makes them: a forged token must be refused however it was built.
import { createHmac } from 'node:crypto';

/** The constant development secret of earlier releases: public knowledge, so a token signed with it is a forgery. */
export const OLD_DEVELOPMENT_SECRET = 'red-steward-development-secret-not-for-production';

/** base64url of an object's JSON: one part of a JWT. */
export const jwtPart = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An HS256 JWT signed with `secret`, as anyone who knows (or guesses) the secret can make it. */
export function signHs256(secret: string, claims: object): string {
  const unsigned = `${jwtPart({ alg: 'HS256', typ: 'JWT' })}.${jwtPart(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
