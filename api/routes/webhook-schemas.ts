// Zod schemas of the webhook routes (routes/webhooks.ts). The secret appears in two answers only: registration and
// rotation; every other answer carries none.
import { z } from 'zod';
import type { WebhookEndpoint } from '../../db/queries/webhooks';
import { codeSchema, shortText, storableString } from '../schemas';

export const endpointIdParams = z.strictObject({
  id: z.string().regex(/^wh_[0-9a-f]{16}$/, '不是推送地址编号 (not a webhook id, wh_ and 16 hex digits)'),
});

const outboxId = z.string().regex(/^[1-9][0-9]{0,17}$/, '不是消息编号 (not a message id)');

export const redeliverParams = endpointIdParams.extend({ outboxId });

export const registerBody = z.strictObject({
  organizationId: codeSchema
    .optional()
    .describe(
      'the organisation whose events are sent; staff: only their own (the default); the platform admin: required',
    ),
  url: storableString().max(2048).describe('https:// (production refuses this machine and private networks)'),
  description: shortText(200).optional(),
});

export const listQuery = z.strictObject({
  organizationId: codeSchema.optional().describe('platform admin only: one organisation'),
});

export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: outboxId.optional().describe('nextCursor of the previous page'),
});

export const endpointSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    secretRotatedAt: z.string().nullable(),
    deactivatedAt: z.string().nullable(),
    deactivatedReason: z
      .enum(['deleted', 'gone'])
      .nullable()
      .describe('deleted by a user, or the receiver answered 410 Gone'),
  })
  .meta({ id: 'WebhookEndpoint' });

export const endpointWithSecretSchema = endpointSchema
  .extend({
    secret: z.string().describe('shown this once: the HMAC-SHA256 key of X-RedSteward-Signature (docs/webhooks.md)'),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const endpointListSchema = z.object({ items: z.array(endpointSchema) });

const attemptSchema = z.object({
  attempt: z.number().int(),
  statusCode: z.number().int().nullable().describe('null: no answer (timeout, network error, refused address)'),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
  at: z.string(),
});

export const deliveriesSchema = z.object({
  items: z.array(
    z.object({
      outboxId: z.string(),
      dedupeKey: z.string().describe('X-RedSteward-Delivery and the body’s deliveryId'),
      event: z.string(),
      state: z.enum(['sent', 'pending', 'dead']),
      createdAt: z.string(),
      attempts: z.number().int().describe('POSTs so far, manual redeliveries included'),
      log: z.array(attemptSchema).describe('the latest attempts first, at most 20'),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const redeliveredSchema = z.object({ outboxId: z.string(), state: z.literal('pending') });

export const endpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  organizationId: e.organizationId,
  url: e.url,
  description: e.description,
  active: e.active,
  createdAt: e.createdAt.toISOString(),
  secretRotatedAt: e.secretRotatedAt?.toISOString() ?? null,
  deactivatedAt: e.deactivatedAt?.toISOString() ?? null,
  deactivatedReason: e.deactivatedReason,
});
