// The OpenAPI 3 document is generated from the routes' zod schemas (so it cannot drift from what the API
// validates) and served as JSON at /docs/json, with Swagger UI at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Document = ReturnType<typeof jsonSchemaTransformObject>;

/**
 * A 204 answers with no body and no Content-Type, so the document must not promise one: the zod `z.null()` the
 * routes declare for it would otherwise be published as a JSON body (a schema-conformance failure for clients and
 * fuzzers that hold the API to its document).
 */
function withoutNoContentBodies(doc: Document): Document {
  const paths =
    (
      doc as {
        paths?: Record<
          string,
          Record<string, { responses?: Record<string, { content?: unknown; description?: string }> }>
        >;
      }
    ).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const op of Object.values(operations)) {
      const noContent = op.responses?.['204'];
      if (noContent) {
        delete noContent.content;
        if (!noContent.description || noContent.description === 'Default Response')
          noContent.description = 'No Content';
      }
    }
  }
  return doc;
}

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '红色管家 Red Steward API',
        description:
          'The supervision closed loop of community governance: 民意收集 → 响应处理 → 跟踪督促 → 评估评价. ' +
          'Errors always have the shape { error: { code, message, details: [{ path, issue }] } }; messages follow Accept-Language (zh by default).',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKeyAuth: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: 'Integrations: rsk_<id>.<secret>, issued by an admin',
          },
        },
      },
      tags: [
        { name: 'auth', description: '登录 Sign-in' },
        { name: 'cases', description: '工单 Cases: intake and reads' },
        { name: 'case actions', description: '工单操作 Loop actions (workflow Updates)' },
        { name: 'reference', description: '基础数据 Reference data' },
        { name: 'admin', description: '管理 Administration (audited)' },
        { name: 'stats', description: '统计 The 三率 and companion rates, with numerators and denominators' },
        { name: 'assessments', description: '考核 Monthly assessment of property companies under their agreements' },
        {
          name: 'accountability',
          description: '问责 Accountability records against the responsibility list (责任清单)',
        },
        { name: 'public', description: '信息公开 Public disclosure: no sign-in, no personal data' },
        { name: 'exports', description: '导出 CSV exports (UTF-8 with BOM)' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => withoutNoContentBodies(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
