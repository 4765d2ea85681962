// Who hears about what. Each event that someone must act on becomes one outbox entry per recipient;
// the dedupe key (case id + seq + recipient) makes the write idempotent under activity retries.
import type { CaseEvent } from '../domain/actions';
import type { CaseProjection } from '../domain/case-view';
import type { OutboxEntry } from '../db/queries/case-events';

// `caseCommunity`: the case's community committee, which the projection does not carry; the in_app channel looks it
// up (services/delivery/in-app-channel.ts).
type Recipient = { organizationId: string } | { caseResident: true } | { caseCommunity: true };

const recipientKey = (r: Recipient): string =>
  'organizationId' in r ? r.organizationId : 'caseResident' in r ? 'resident' : 'community';

function recipientsFor(e: CaseEvent, p: CaseProjection): [Recipient, string][] {
  const handler = p.handlerOrgId ? [{ organizationId: p.handlerOrgId }] : [];
  const to = (rs: Recipient[], template: string): [Recipient, string][] => rs.map((r) => [r, template]);
  switch (e.type) {
    case 'dispatched':
    case 'forwarded':
      return to(handler, 'case.dispatched');
    case 'reminder_sent':
      // Each 催办 goes to whoever owes the deadline: the resident's evaluation, the supervisor's decision.
      if (e.deadline === 'evaluation') return to([{ caseResident: true }], 'case.please_evaluate');
      if (e.deadline === 'decision') return to([{ organizationId: p.supervisorOrgId }], 'case.decision_due');
      return to(handler, 'case.urged');
    case 'urged':
      return to(handler, 'case.urged');
    case 'breached': {
      // A breach is known along the whole chain: the organisation that missed it, its supervisor, the case's community
      // committee and the street committee (a user reached twice sees one notice: the inbox is keyed per event).
      const orgs = [...new Set([e.organizationId, p.supervisorOrgId, p.streetOrgId])].map((organizationId) => ({
        organizationId,
      }));
      return to([...orgs, { caseCommunity: true }], 'case.breached');
    }
    case 'escalated':
      return to([{ organizationId: e.supervisorOrgId }], 'case.escalated');
    case 'reported':
      return to([{ organizationId: e.toOrgId }], 'case.reported');
    case 'returned':
    case 'extension_requested':
    case 'pause_requested':
      return to([{ organizationId: p.supervisorOrgId }], `case.${e.type}`);
    case 'pause_decided':
      // 挂起 waits on the resident: the resident is told, with the handler.
      return e.approve
        ? [...to(handler, 'case.pause_decided'), ...to([{ caseResident: true }], 'case.paused')]
        : to(handler, 'case.pause_decided');
    case 'extension_decided':
    case 'return_decided':
    case 'resumed':
    case 'taken_over':
      return to(handler, `case.${e.type}`);
    case 'publicly_noticed':
      return to([...handler, { organizationId: p.supervisorOrgId }], 'case.publicly_noticed');
    case 'follow_up_assigned':
      return to([{ organizationId: e.owner.id }], 'case.follow_up_assigned');
    case 'resolved':
      return to([{ caseResident: true }], 'case.please_evaluate');
    case 'acknowledged':
    case 'closed':
      return to([{ caseResident: true }], `case.${e.type}`);
    case 'reopened':
      return to(handler, 'case.reopened');
    default:
      return [];
  }
}

export function notificationsFor(caseId: string, events: CaseEvent[], p: CaseProjection): OutboxEntry[] {
  return events.flatMap((e) =>
    recipientsFor(e, p).map(([recipient, template]) => ({
      dedupeKey: `${caseId}:${e.seq}:${recipientKey(recipient)}`,
      channel: 'in_app',
      recipient: { ...recipient, caseId },
      template,
      payload: { caseId, seq: e.seq, type: e.type },
    })),
  );
}
