// Webhooks for an organisation's own system (docs/webhooks.md). There is no organisation-admin role: the staff of an
// organisation (handler or supervisor accounts) act for it and manage its endpoints; the platform admin manages any
// organisation's. Residents, Party members and API keys may not (an endpoint decides where case events go, so a
// person answers for it in the audit log). Another organisation's endpoint answers 404, as a missing one does.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { jwtSecret } from '../../config';
import { withTransaction } from '../../db/pool';
import * as admin from '../../db/queries/admin';
import { getOrganization } from '../../db/queries/reference';
import * as webhooks from '../../db/queries/webhooks';
import type { Actor } from '../../domain/actions';
import { newEndpointId, newWebhookSecret, secretBox } from '../../services/delivery/webhook-secret';
import { webhookUrlProblem } from '../../services/delivery/webhook-url';
import { actorOf, authenticate, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { text } from '../i18n';
import {
  deliveriesQuery,
  deliveriesSchema,
  endpointIdParams,
  endpointListSchema,
  endpointSchema,
  endpointView,
  endpointWithSecretSchema,
  listQuery,
  redeliverParams,
  redeliveredSchema,
  registerBody,
} from './webhook-schemas';

/** Active endpoints one organisation may have: each event is POSTed once per endpoint. */
export const MAX_ENDPOINTS_PER_ORGANIZATION = 10;

const notFound = () => errors.notFound('webhook.not_found', text('推送地址不存在', 'No such webhook endpoint'));

function person(req: FastifyRequest): Actor {
  const actor = actorOf(req);
  if (actor.userId.startsWith('api-key:')) throw errors.roleForbidden();
  return actor;
}

export const webhookRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  app.addHook('preHandler', requireRole('handler', 'supervisor', 'admin'));
  const security = [{ bearerAuth: [] }];
  const tags = ['webhooks'];
  const box = secretBox(jwtSecret(ctx.config));
  const allowPrivate = ctx.config.NODE_ENV !== 'production';

  /** The endpoint, if the caller may manage it: the platform admin any, staff their organisation's. */
  async function manageable(req: FastifyRequest, id: string): Promise<webhooks.WebhookEndpoint> {
    const actor = person(req);
    const endpoint = await webhooks.getEndpoint(ctx.pool, id);
    if (!endpoint || (actor.role !== 'admin' && endpoint.organizationId !== actor.organizationId)) throw notFound();
    return endpoint;
  }

  async function organizationFor(actor: Actor, asked: string | undefined): Promise<string> {
    if (actor.role === 'admin') {
      if (!asked)
        throw errors.field('organizationId', text('平台管理员须指明组织', 'the platform admin names the organisation'));
      if (!(await getOrganization(ctx.pool, asked)))
        throw errors.field('organizationId', text('组织不存在', 'no such organisation'));
      return asked;
    }
    const own = actor.organizationId;
    if (!own || (asked !== undefined && asked !== own)) {
      throw new ApiError(
        403,
        'webhook.organization_forbidden',
        text('只能为本组织登记推送地址', 'You may register webhooks for your own organisation only'),
        [{ path: 'organizationId', issue: text('不是你所在的组织', 'not your organisation') }],
      );
    }
    return own;
  }

  app.post('/webhooks', {
    schema: {
      tags,
      summary: '登记推送地址 Register a webhook endpoint (its secret is shown once)',
      security,
      body: registerBody,
      response: { 201: endpointWithSecretSchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
    },
    handler: async (req, reply) => {
      const actor = person(req);
      const problem = webhookUrlProblem(req.body.url, allowPrivate);
      if (problem) throw errors.field('url', problem);
      const organizationId = await organizationFor(actor, req.body.organizationId);
      const id = newEndpointId();
      const secret = newWebhookSecret();
      const created = await withTransaction(ctx.pool, async (client) => {
        if ((await webhooks.countActiveLocked(client, organizationId)) >= MAX_ENDPOINTS_PER_ORGANIZATION) {
          throw errors.conflict(
            'webhook.too_many',
            text(
              `每个组织最多 ${MAX_ENDPOINTS_PER_ORGANIZATION} 个推送地址`,
              `At most ${MAX_ENDPOINTS_PER_ORGANIZATION} active endpoints per organisation`,
            ),
          );
        }
        const e = await webhooks.insertEndpoint(client, {
          id,
          organizationId,
          url: req.body.url,
          description: req.body.description ?? null,
          secretSealed: box.seal(id, secret),
          createdBy: actor.userId,
        });
        await admin.insertAudit(client, {
          actorUserId: actor.userId,
          requestId: req.id,
          action: 'webhook.register',
          entity: 'webhook_endpoint',
          entityId: id,
          reason: null,
          before: null,
          after: endpointView(e),
        });
        return e;
      });
      return reply.code(201).send({ ...endpointView(created), secret });
    },
  });

  app.get('/webhooks', {
    schema: {
      tags,
      summary: '推送地址列表 Webhook endpoints (no secrets)',
      security,
      querystring: listQuery,
      response: { 200: endpointListSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const actor = person(req);
      if (actor.role === 'admin')
        return { items: (await webhooks.listEndpoints(ctx.pool, req.query.organizationId ?? null)).map(endpointView) };
      if (req.query.organizationId !== undefined && req.query.organizationId !== actor.organizationId)
        throw errors.roleForbidden();
      return {
        items: actor.organizationId
          ? (await webhooks.listEndpoints(ctx.pool, actor.organizationId)).map(endpointView)
          : [],
      };
    },
  });

  app.delete('/webhooks/:id', {
    schema: {
      tags,
      summary: '停用推送地址 Deactivate a webhook endpoint',
      security,
      params: endpointIdParams,
      response: { 200: endpointSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = person(req);
      await manageable(req, req.params.id);
      const after = await withTransaction(ctx.pool, async (client) => {
        const e = await webhooks.deactivateEndpoint(client, req.params.id, 'deleted');
        if (!e) throw notFound();
        await admin.insertAudit(client, {
          actorUserId: actor.userId,
          requestId: req.id,
          action: 'webhook.delete',
          entity: 'webhook_endpoint',
          entityId: e.id,
          reason: null,
          before: null,
          after: endpointView(e),
        });
        return e;
      });
      return endpointView(after);
    },
  });

  app.post('/webhooks/:id/rotate-secret', {
    schema: {
      tags,
      summary:
        '更换推送密钥 Replace an endpoint’s secret (the new one is shown once; the old one stops signing at once)',
      security,
      params: endpointIdParams,
      response: { 200: endpointWithSecretSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = person(req);
      await manageable(req, req.params.id);
      const secret = newWebhookSecret();
      const after = await withTransaction(ctx.pool, async (client) => {
        const e = await webhooks.replaceSecret(client, req.params.id, box.seal(req.params.id, secret));
        if (!e) throw notFound();
        await admin.insertAudit(client, {
          actorUserId: actor.userId,
          requestId: req.id,
          action: 'webhook.rotate_secret',
          entity: 'webhook_endpoint',
          entityId: e.id,
          reason: null,
          before: null,
          after: endpointView(e),
        });
        return e;
      });
      return { ...endpointView(after), secret };
    },
  });

  app.get('/webhooks/:id/deliveries', {
    schema: {
      tags,
      summary: '推送记录 An endpoint’s messages, newest first, each with its state and attempts',
      security,
      params: endpointIdParams,
      querystring: deliveriesQuery,
      response: { 200: deliveriesSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      await manageable(req, req.params.id);
      const items = await webhooks.listEndpointMessages(ctx.pool, req.params.id, {
        limit: req.query.limit + 1,
        before: req.query.cursor ?? null,
      });
      const page = items.slice(0, req.query.limit);
      return { items: page, nextCursor: items.length > req.query.limit ? page[page.length - 1].outboxId : null };
    },
  });

  app.post('/webhooks/:id/deliveries/:outboxId/redeliver', {
    schema: {
      tags,
      summary: '重新推送 Send one message again now, sent or dead, with its tries counted afresh',
      security,
      params: redeliverParams,
      response: { 202: redeliveredSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (req, reply) => {
      const actor = person(req);
      const endpoint = await manageable(req, req.params.id);
      if (!endpoint.active)
        throw errors.conflict('webhook.inactive', text('推送地址已停用', 'The endpoint is deactivated'));
      await withTransaction(ctx.pool, async (client) => {
        const outcome = await webhooks.requeueMessage(client, endpoint.id, req.params.outboxId);
        if (outcome === 'not_found')
          throw errors.notFound(
            'webhook.delivery_not_found',
            text('该推送地址没有这条消息', 'No such message for this endpoint'),
          );
        if (outcome === 'busy')
          throw errors.conflict(
            'webhook.delivery_in_progress',
            text('这条消息正在推送，请稍后再试', 'The message is being delivered right now; try again shortly'),
          );
        await admin.insertAudit(client, {
          actorUserId: actor.userId,
          requestId: req.id,
          action: 'webhook.redeliver',
          entity: 'webhook_endpoint',
          entityId: endpoint.id,
          reason: null,
          before: null,
          after: { outboxId: req.params.outboxId },
        });
      });
      return reply.code(202).send({ outboxId: req.params.outboxId, state: 'pending' as const });
    },
  });
};
