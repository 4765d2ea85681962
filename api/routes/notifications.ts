// The in-app inbox (DOMAIN.md "Reaching people"): each user's notices, unread first, marked read one by one or all
// at once, and a live stream (Server-Sent Events) that tells the open web app of each new notice and of each
// change of the unread count. A user only ever reaches their own notices: someone else's id answers 404 as a
// missing one does. API keys act for an organisation, not a person, and have no inbox (their system gets webhooks).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { jwtSecret } from '../../config';
import * as inbox from '../../db/queries/notifications';
import type { Actor } from '../../domain/actions';
import { actorOf, authenticate } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { langOf, text } from '../i18n';
import {
  issueStreamTicket,
  NotificationHub,
  readStreamTicket,
  STREAM_TICKET_SECONDS,
  type Announcement,
} from '../notification-stream';
import { storableString } from '../schemas';
import { renderNotice } from './notification-texts';

/** Comment lines keep proxies from closing an idle stream. */
export const HEARTBEAT_MS = 25_000;
/** A signed-out session's streams close within this (a cache read: the session cache is invalidated by Postgres). */
const SESSION_CHECK_MS = 5_000;

const itemSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  trackingCode: z.string().nullable(),
  topicId: z.string().nullable().describe('the governance topic a topic_* notice is about'),
  template: z.string().describe('what happened, e.g. case.dispatched, case.breached, case.please_evaluate'),
  title: z.string().describe("in the request's language (Accept-Language; Chinese by default)"),
  body: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
const pageSchema = z.object({
  items: z.array(itemSchema),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int(),
});
const countSchema = z.object({ unreadCount: z.number().int() });
const idParams = z.strictObject({
  id: z.string().regex(/^[1-9]\d{0,17}$/, '通知编号为数字 (a notification id is a number)'),
});

const encodeCursor = (c: inbox.InboxCursor) =>
  Buffer.from(JSON.stringify([c.read ? 1 : 0, c.createdAt, c.id])).toString('base64url');

function decodeCursor(raw: string): inbox.InboxCursor {
  try {
    const [read, createdAt, id] = JSON.parse(Buffer.from(raw, 'base64url').toString()) as unknown[];
    if (
      (read === 0 || read === 1) &&
      typeof createdAt === 'string' &&
      !Number.isNaN(Date.parse(createdAt)) &&
      typeof id === 'string' &&
      /^\d{1,18}$/.test(id)
    ) {
      return { read: read === 1, createdAt, id };
    }
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw errors.field('cursor', text('无效的分页游标', 'not a cursor this API issued'));
}

function person(req: FastifyRequest): Actor {
  const actor = actorOf(req);
  if (actor.userId.startsWith('api-key:'))
    throw new ApiError(
      403,
      'notifications.no_inbox',
      text('接口密钥没有站内通知，请使用推送地址（webhook）', 'An API key has no inbox; register a webhook instead'),
    );
  return actor;
}

export const notificationRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const hub = new NotificationHub(ctx.pool, (m) => app.log.warn(m));
  const open = new Set<FastifyReply>();
  // Before the server stops accepting: an open stream would hold close() forever.
  app.addHook('preClose', async () => {
    for (const reply of open) reply.raw.end();
    await hub.close();
  });
  const security = [{ bearerAuth: [] }];
  const tags = ['notifications'];
  const secret = jwtSecret(ctx.config);

  const onRequest = authenticate(ctx.reference);
  app.get('/notifications', {
    onRequest,
    schema: {
      tags,
      security,
      summary: '站内通知 My notifications, unread first, newest first',
      querystring: z.strictObject({
        unread: z.enum(['true', 'false']).default('false').describe('true: unread only'),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        cursor: storableString().max(200).optional().describe('nextCursor of the previous page'),
      }),
      response: { 200: pageSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const { userId } = person(req);
      const q = req.query;
      const lang = langOf(req);
      const rows = await inbox.listInbox(ctx.pool, userId, {
        unreadOnly: q.unread === 'true',
        limit: q.limit + 1,
        after: q.cursor ? decodeCursor(q.cursor) : null,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((n) => ({
          id: n.id,
          caseId: n.caseId,
          trackingCode: n.trackingCode,
          topicId: typeof n.params.topicId === 'string' ? n.params.topicId : null,
          template: n.template,
          ...renderNotice(n.template, lang, n),
          createdAt: n.createdAt.toISOString(),
          readAt: n.readAt?.toISOString() ?? null,
        })),
        nextCursor:
          rows.length > q.limit && last
            ? encodeCursor({ read: last.readAt !== null, createdAt: last.createdAt.toISOString(), id: last.id })
            : null,
        unreadCount: await inbox.unreadCount(ctx.pool, userId),
      };
    },
  });

  app.get('/notifications/unread-count', {
    onRequest,
    schema: {
      tags,
      security,
      summary: '未读通知数 My unread count',
      response: { 200: countSchema, ...errorResponses(401, 403) },
    },
    handler: async (req) => ({ unreadCount: await inbox.unreadCount(ctx.pool, person(req).userId) }),
  });

  app.post('/notifications/:id/read', {
    onRequest,
    schema: {
      tags,
      security,
      summary: '标为已读 Mark one notification read',
      params: idParams,
      response: { 200: countSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const { userId } = person(req);
      if (!(await inbox.markRead(ctx.pool, userId, req.params.id)))
        throw errors.notFound('notification.not_found', text('通知不存在', 'No such notification'));
      await inbox.announceRead(ctx.pool, userId);
      return { unreadCount: await inbox.unreadCount(ctx.pool, userId) };
    },
  });

  app.post('/notifications/read-all', {
    onRequest,
    schema: {
      tags,
      security,
      summary: '全部标为已读 Mark all my notifications read',
      response: { 200: countSchema, ...errorResponses(401, 403) },
    },
    handler: async (req) => {
      const { userId } = person(req);
      if ((await inbox.markAllRead(ctx.pool, userId)) > 0) await inbox.announceRead(ctx.pool, userId);
      return { unreadCount: 0 };
    },
  });

  app.post('/notifications/stream-ticket', {
    onRequest,
    schema: {
      tags,
      security,
      summary: '实时通知票据 A ticket to open the live stream',
      description: `EventSource cannot send headers: open GET /notifications/stream?ticket=… with this ticket within ${STREAM_TICKET_SECONDS} s. It names this session; after sign-out it opens nothing.`,
      response: {
        200: z.object({ ticket: z.string(), expiresIn: z.number().int() }),
        ...errorResponses(401, 403, 409),
      },
    },
    handler: async (req) => {
      const { userId } = person(req);
      if (!req.sessionId) throw errors.conflict('auth.no_session', text('没有会话', 'No session'));
      return {
        ticket: issueStreamTicket(secret, { userId, sessionId: req.sessionId }),
        expiresIn: STREAM_TICKET_SECONDS,
      };
    },
  });

  app.get('/notifications/stream', {
    schema: {
      tags,
      summary: '实时通知 Live notifications (Server-Sent Events)',
      description:
        'text/event-stream. `event: notification` with `{id, caseId, topicId, template, unreadCount}` for each new notice; `event: unread` with ' +
        '`{unreadCount}` when notices were marked read (in any tab); `event: end` when the session ended (sign-out), then the stream closes; ' +
        `a comment line every ${HEARTBEAT_MS / 1000} s. Authenticated by a ticket from POST /notifications/stream-ticket (EventSource sends no headers).`,
      querystring: z.strictObject({ ticket: z.string().min(1).max(600) }),
      response: {
        200: { description: 'The stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(400, 401),
      },
    },
    handler: async (req, reply) => {
      const ticket = readStreamTicket(secret, req.query.ticket);
      const alive = async () => {
        if (!ticket) return false;
        const [session, user] = await Promise.all([
          ctx.reference.session(ticket.sessionId),
          ctx.reference.account(ticket.userId),
        ]);
        return (
          !!session &&
          session.revokedAt === null &&
          session.userId === ticket.userId &&
          session.expiresAt.getTime() > Date.now() &&
          !!user &&
          user.active
        );
      };
      if (!ticket || !(await alive())) throw errors.unauthenticated();
      const { userId } = ticket;
      const raw = reply.raw;
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      // The count with each event: a client that missed one (a reconnect) is right again with the next.
      const count = () => inbox.unreadCount(ctx.pool, userId);
      const unsubscribe = await hub.subscribe(userId, (a: Announcement) => {
        void count().then(
          (unreadCount) =>
            a.kind === 'new'
              ? send('notification', {
                  id: a.id,
                  caseId: a.caseId,
                  topicId: a.topicId ?? null,
                  template: a.template,
                  unreadCount,
                })
              : send('unread', { unreadCount }),
          () => undefined,
        );
      });
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': req.id,
      });
      raw.write(`retry: 5000\n\n`);
      send('unread', { unreadCount: await count() });
      open.add(reply);
      let ticks = 0;
      const heartbeat = setInterval(() => {
        void alive().then(
          (ok) => {
            if (ok) {
              if (++ticks % (HEARTBEAT_MS / SESSION_CHECK_MS) === 0) raw.write(`: ping\n\n`);
            } else {
              send('end', { reason: 'session_ended' });
              raw.end();
            }
          },
          () => undefined,
        );
      }, SESSION_CHECK_MS);
      const done = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(reply);
      };
      raw.on('close', done);
    },
  });
};
