// QR intake (issue 29): a printable code per compound and per building that opens the filing page with both filled
// in, for the notice board by the lift. Behind sign-in, for those who put up the compound's notices: its community
// and the Party organisations above it, its property company and owners' committee, the community's grid branches
// and associations, admins. The code encodes nothing secret (anyone at the board can read it); keeping the routes
// signed in keeps image-making off the anonymous internet. The web app fetches the images with its bearer token.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { buildingsOf } from '../../db/queries/compound-buildings';
import { filesForCompound } from '../../db/queries/jurisdiction';
import { filingUrl, qrPng, qrSvg } from '../../services/qr';
import { actorOf, authenticate } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { langOf, text } from '../i18n';
import { bearer, codeSchema, storableString } from '../schemas';

const compoundParams = z.strictObject({ code: codeSchema });
// As intake stores a building (case-schemas.ts locationPart); it must be one of the compound's.
const buildingQuery = z.strictObject({ building: storableString().trim().min(1).max(20).optional() });

const qrCodesSchema = z.object({
  compoundCode: z.string(),
  compoundName: z.string().describe('in the language of Accept-Language'),
  items: z.array(
    z.object({
      building: z.string().nullable().describe('null: the whole compound (the gate, the car park)'),
      url: z.string().describe('what the code encodes: the filing page with the compound and building filled in'),
      svgPath: z.string(),
      pngPath: z.string(),
    }),
  ),
});

const image = (mime: string) => ({
  description: 'The QR code',
  content: { [mime]: { schema: z.string() } },
});

/** Those who put up the compound's notices (filesForCompound), less functional departments: they serve everywhere. */
async function mayPrint(ctx: ApiContext, actor: Actor, compoundCode: string): Promise<boolean> {
  if (actor.role === 'admin') return true;
  if (actor.role === 'resident' || !actor.organizationId) return false;
  const org = (await ctx.reference.organizations([actor.organizationId])).get(actor.organizationId);
  if (!org || org.kind === 'functional_department') return false;
  return filesForCompound(ctx.pool, actor.organizationId, compoundCode);
}

/**
 * PUBLIC_URL, else (outside production) the address this request came to. Production never guesses: behind a proxy
 * the Host may be an internal name, and a wrong address printed on paper stays on the wall for months.
 */
function publicBase(ctx: ApiContext, req: FastifyRequest): string {
  if (ctx.config.PUBLIC_URL) return ctx.config.PUBLIC_URL;
  if (ctx.config.NODE_ENV !== 'production') return `${req.protocol}://${req.host}`;
  throw new ApiError(
    503,
    'qr.public_url_unset',
    text('服务器未配置 PUBLIC_URL，无法生成二维码', 'PUBLIC_URL is not configured: there is no address to print'),
  );
}

export const qrRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));

  /** The compound and its buildings, once the caller may print for it: 404, then 403, then 400 naming `building`. */
  const target = async (req: FastifyRequest, code: string, building?: string) => {
    const compound = await ctx.reference.compound(code);
    if (!compound) throw errors.notFound('compound.not_found', text('小区不存在', 'No such compound'));
    if (!(await mayPrint(ctx, actorOf(req), code))) {
      throw new ApiError(
        403,
        'qr.forbidden',
        text('只有该小区的社区、街道、物业和业委会可以打印二维码', 'Only those serving this compound print its codes'),
      );
    }
    const buildings = await buildingsOf(ctx.pool, code);
    if (building !== undefined && !buildings.includes(building))
      throw errors.field('building', text('该小区没有这栋楼', 'not a building of this compound'));
    return { compound, buildings };
  };

  const sendImage = async (req: FastifyRequest, building: string | undefined, kind: 'svg' | 'png') => {
    const { code } = req.params as { code: string };
    await target(req, code, building);
    const url = filingUrl(publicBase(ctx, req), code, building ?? null);
    const bytes = kind === 'svg' ? Buffer.from(await qrSvg(url)) : await qrPng(url);
    const name = `qr-${code}${building === undefined ? '' : `-${building}`}.${kind}`;
    return { bytes, name };
  };

  app.get('/compounds/:code/qr-codes', {
    schema: {
      tags: ['reference'],
      summary: '报事二维码 Printable QR codes of a compound and each of its buildings',
      security: bearer,
      params: compoundParams,
      response: { 200: qrCodesSchema, ...errorResponses(400, 401, 403, 404, 503) },
    },
    handler: async (req) => {
      const { code } = req.params;
      const { compound, buildings } = await target(req, code);
      const base = publicBase(ctx, req);
      const path = `/api/v1/compounds/${code}`;
      return {
        compoundCode: code,
        compoundName: langOf(req) === 'zh' ? compound.nameZh : compound.nameEn,
        items: [null, ...buildings].map((building) => {
          const query = building === null ? '' : `?building=${encodeURIComponent(building)}`;
          return {
            building,
            url: filingUrl(base, code, building),
            svgPath: `${path}/qr.svg${query}`,
            pngPath: `${path}/qr.png${query}`,
          };
        }),
      };
    },
  });

  for (const kind of ['svg', 'png'] as const) {
    const mime = kind === 'svg' ? 'image/svg+xml' : 'image/png';
    app.get(`/compounds/:code/qr.${kind}`, {
      schema: {
        tags: ['reference'],
        summary: `报事二维码 A compound's or building's QR code as ${kind.toUpperCase()}`,
        security: bearer,
        params: compoundParams,
        querystring: buildingQuery,
        response: { 200: image(mime), ...errorResponses(400, 401, 403, 404, 503) },
      },
      handler: async (req, reply) => {
        const { bytes, name } = await sendImage(req, req.query.building, kind);
        // A Buffer is sent as it is (Fastify never serializes one); the schema's string type is for the document.
        return reply
          .type(mime)
          .header('cache-control', 'private, max-age=3600')
          .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`)
          .send(bytes as unknown as string);
      },
    });
  }
};
