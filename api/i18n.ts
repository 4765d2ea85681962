// The API speaks Chinese first and English second (DOMAIN.md). Every user-facing message is kept as a pair and
// picked per request from Accept-Language; anything the client does not ask for in English gets Chinese.
import type { FastifyRequest } from 'fastify';

export type Lang = 'zh' | 'en';

export interface Bilingual {
  zh: string;
  en: string;
}

export const text = (zh: string, en: string): Bilingual => ({ zh, en });

/** The first of zh/en in the client's preference order (q-values honoured); zh when neither is named. */
export function negotiateLang(header: string | string[] | undefined): Lang {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = raw
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { tag, q: q ? Number(q[1]) : 1, index };
    })
    .filter((l) => l.tag && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
  }
  return 'zh';
}

export const langOf = (req: FastifyRequest): Lang => negotiateLang(req.headers['accept-language']);

/**
 * The domain writes its reasons as one string, "中文 (English)" (domain/policy.ts, case-machine.ts). Split it so
 * each language gets its own half; a string without the English tail is used for both.
 */
export function splitBilingual(message: string): Bilingual {
  const m = /^([\s\S]*?)\s*\(([^()]*)\)\s*$/.exec(message);
  if (!m || !m[1] || !/[\u4e00-\u9fff]/.test(m[1])) return { zh: message, en: message };
  return { zh: m[1], en: m[2] };
}
