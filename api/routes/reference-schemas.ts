// Schemas of reference data, shared by the public reads (reference.ts) and the admin writes (admin.ts).
import { z } from 'zod';
import { HANDLER_KINDS, ORGANIZATION_KINDS, TIERS } from '../../domain/types';
import { codeSchema, durationSchema, shortText } from '../schemas';

export const categorySchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  tier: z.enum(TIERS),
  defaultHandlerKind: z.enum(HANDLER_KINDS),
  ownerDepartmentId: z.string().nullable(),
  icon: z.string().nullable(),
  active: z.boolean(),
  sort: z.number().int(),
  sharedFacility: z.boolean().describe('the whole compound shares it: duplicate hints look compound-wide'),
});

export interface OrganizationNode {
  id: string;
  kind: (typeof ORGANIZATION_KINDS)[number];
  nameZh: string;
  nameEn: string;
  supervisedBy: string | null;
  children: OrganizationNode[];
}

// Registered with an id so the OpenAPI document can refer to itself for the children ($ref), as a tree needs.
export const organizationNodeSchema: z.ZodType<OrganizationNode> = z
  .object({
    id: z.string(),
    kind: z.enum(ORGANIZATION_KINDS),
    nameZh: z.string(),
    nameEn: z.string(),
    supervisedBy: z.string().nullable(),
    get children() {
      return z.array(organizationNodeSchema);
    },
  })
  .meta({ id: 'OrganizationNode' });

export const compoundSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  communityOrgId: z.string(),
  propertyCompanyOrgId: z.string(),
  ownersCommitteeOrgId: z.string().nullable(),
  address: z.string().nullable(),
});

const phaseSchema = z.strictObject({ response: durationSchema, resolution: durationSchema });

const weight = z.number().min(0).max(100);

/** domain/types.ts AgreementTerms without id, bounded to values a real agreement would state. */
export const agreementTermsSchema = z.strictObject({
  deadlines: z.strictObject({
    emergency: phaseSchema,
    utilities: phaseSchema,
    general: phaseSchema,
    complex: phaseSchema,
  }),
  categoryDeadlines: z.record(codeSchema, phaseSchema).optional(),
  reminderPoints: z.array(z.number().gt(0).lt(1)).max(5),
  evaluationWindow: durationSchema,
  reworkLimit: z.number().int().min(0).max(5),
  weights: z
    .strictObject({ response: weight, resolution: weight, satisfaction: weight, onTime: weight })
    .refine(
      (w) => w.response + w.resolution + w.satisfaction + w.onTime > 0,
      '权重之和须大于 0 (the weights must not all be zero)',
    ),
  /** The fairness terms (docs/domain.md "Fairness rules"); any left out take the reference values. */
  fairness: z
    .strictObject({
      decisionTime: durationSchema,
      extensionMaxCount: z.number().int().min(0).max(5),
      extensionMaxTotal: durationSchema,
      maxPause: durationSchema,
      topRungCadence: durationSchema,
      noticeAfter: z.number().int().min(1).max(20),
    })
    .partial()
    .optional(),
  /** The assessment terms (docs/domain.md "Agreement terms"); any left out take the reference values. */
  assessment: z
    .strictObject({
      minEvaluated: z.number().int().min(0).max(100),
      settleCutoff: durationSchema.refine(
        (d) => d.unit !== 'working_days' || d.amount <= 20,
        '截止时间不超过 20 个工作日 (a cut-off of at most 20 working days)',
      ),
      followUpTime: durationSchema,
      ownersCommitteeWeights: z
        .strictObject({ response: weight, resolution: weight, satisfaction: weight, onTime: weight })
        .refine(
          (w) => w.response + w.resolution + w.satisfaction + w.onTime > 0,
          '权重之和须大于 0 (the weights must not all be zero)',
        ),
    })
    .partial()
    .optional(),
  /** The repeat-problem rule (重复问题); left out, the reference terms (domain/hotspots.ts). */
  governance: z
    .strictObject({
      repeatCount: z.number().int().min(2).max(100),
      repeatWindowDays: z.number().int().min(1).max(366),
    })
    .partial()
    .optional(),
});

export const agreementSchema = z.object({
  id: z.string(),
  compoundCode: z.string(),
  communityOrgId: z.string(),
  ownersCommitteeOrgId: z.string().nullable(),
  propertyCompanyOrgId: z.string(),
  version: z.number().int(),
  validFrom: z.string(),
  validTo: z.string().nullable().describe('exclusive'),
  terms: z.record(z.string(), z.unknown()),
});

export const calendarOverrideSchema = z.object({
  date: z.string(),
  kind: z.enum(['holiday', 'workday']),
  note: z.string().nullable(),
});

/** Every admin change says why; the reason goes into audit_log with who and when. */
export const reasonSchema = shortText(500);
