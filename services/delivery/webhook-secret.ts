// A webhook endpoint's signing secret: made here, shown once, kept sealed (AES-256-GCM) so that it can still sign,
// and the signature every delivery carries (docs/webhooks.md "Verifying the signature").
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** 256 random bits; the whole string, prefix included, is the HMAC key (as the receiver uses it). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export const newEndpointId = (): string => `wh_${randomBytes(8).toString('hex')}`;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the timestamp is signed, so an old delivery cannot be replayed as new. */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export class SecretUnreadableError extends Error {
  constructor() {
    super('the endpoint secret cannot be unsealed (was JWT_SECRET changed?); rotate the endpoint secret');
    this.name = 'SecretUnreadableError';
  }
}

export interface SecretBox {
  seal(endpointId: string, secret: string): string;
  open(endpointId: string, sealed: string): string;
}

/**
 * Seals secrets under a key derived from the server's secret (`jwtSecret(config)`), with the endpoint's id as
 * associated data: a sealed secret copied onto another endpoint's row does not open. A changed server secret makes
 * every sealed secret unreadable (SecretUnreadableError): the deliveries fail visibly until each secret is rotated.
 */
export function secretBox(serverSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, 'red-steward', 'webhook endpoint secrets v1', 32));
  return {
    seal(endpointId, secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(endpointId));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), ciphertext]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join(':');
    },
    open(endpointId, sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new SecretUnreadableError();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(
          Buffer.from(endpointId),
        );
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretUnreadableError();
      }
    },
  };
}
