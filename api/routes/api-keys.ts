// API keys for integrations (role admin only; audited). The secret is returned once at creation and stored as a
// hash. Keys act as an organisation in the role of handler or supervisor — never as a person or an admin.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PoolClient } from 'pg';
import { withTransaction } from '../../db/pool';
import * as admin from '../../db/queries/admin';
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKey } from '../../db/queries/api-keys';
import { getOrganization } from '../../db/queries/reference';
import { SUPERVISOR_KINDS, HANDLER_KINDS } from '../../domain/types';
import { actorOf, authenticate, hashApiSecret, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { codeSchema, shortText } from '../schemas';
import { reasonSchema } from './reference-schemas';

const keyRole = z.enum(['handler', 'supervisor']);
const apiKeySchema = z.object({
  id: z.string(),
  organizationId: z.string().nullable(),
  role: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const view = (k: ApiKey) => ({
  ...k,
  keyHash: undefined,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export const apiKeyRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  app.addHook('preHandler', requireRole('admin'));
  const security = [{ bearerAuth: [] }];
  // This process's cache forgets a revoked key at once, before the change notification arrives (db/reference-cache.ts).
  const changingKeys = <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> =>
    withTransaction(ctx.pool, fn).finally(() => ctx.reference.changed('api_keys'));

  app.get('/admin/api-keys', {
    schema: {
      tags: ['admin'],
      summary: '接口密钥列表 List API keys (no secrets)',
      security,
      response: { 200: z.object({ items: z.array(apiKeySchema) }), ...errorResponses(401, 403) },
    },
    handler: async () => ({ items: (await listApiKeys(ctx.pool)).map(view) }),
  });

  app.post('/admin/api-keys', {
    schema: {
      tags: ['admin'],
      summary: '签发接口密钥 Issue an API key for an integration (the key is shown once)',
      security,
      body: z.strictObject({ organizationId: codeSchema, role: keyRole, label: shortText(100), reason: reasonSchema }),
      response: { 201: apiKeySchema.extend({ key: z.string() }), ...errorResponses(400, 401, 403, 413, 415) },
    },
    handler: async (req, reply) => {
      const org = await getOrganization(ctx.pool, req.body.organizationId);
      const kinds: readonly string[] = req.body.role === 'handler' ? HANDLER_KINDS : SUPERVISOR_KINDS;
      if (!org) throw errors.field('organizationId', text('组织不存在', 'no such organisation'));
      if (!kinds.includes(org.kind))
        throw errors.field('role', text(`该组织不能以此角色接入`, `a ${org.kind} cannot act as ${req.body.role}`));
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      const created = await changingKeys(async (client) => {
        const k = await insertApiKey(client, {
          id,
          keyHash: hashApiSecret(secret),
          organizationId: org.id,
          role: req.body.role,
          label: req.body.label,
        });
        await admin.insertAudit(client, {
          actorUserId: actorOf(req).userId,
          requestId: req.id,
          action: 'api_key.issue',
          entity: 'api_key',
          entityId: id,
          reason: req.body.reason,
          before: null,
          after: view(k),
        });
        return k;
      });
      return reply.code(201).send({ ...view(created), key: `rsk_${id}.${secret}` });
    },
  });

  app.post('/admin/api-keys/:id/revoke', {
    schema: {
      tags: ['admin'],
      summary: '吊销接口密钥 Revoke an API key',
      security,
      params: z.strictObject({ id: z.string().regex(/^[a-z0-9]{8,32}$/) }),
      body: z.strictObject({ reason: reasonSchema }),
      response: { 204: z.null(), ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (req, reply) => {
      await changingKeys(async (client) => {
        if (!(await revokeApiKey(client, req.params.id)))
          throw errors.notFound('api_key.not_found', text('密钥不存在或已吊销', 'No such active API key'));
        await admin.insertAudit(client, {
          actorUserId: actorOf(req).userId,
          requestId: req.id,
          action: 'api_key.revoke',
          entity: 'api_key',
          entityId: req.params.id,
          reason: req.body.reason,
          before: null,
          after: null,
        });
      });
      return reply.code(204).send(null);
    },
  });
};
