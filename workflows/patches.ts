// Every live patch of the case and topic workflows, by id, with when it may go (workflows/README.md, "Versioning").
// A patch lives through three releases of code: `patched(id)` with the old branch kept, then `deprecatePatch(id)`
// once no running case predates it, then plain code once no running case carries its marker.
export const PATCHES = {
  /** A case applies a new working-day calendar it is sent (calendarChangedSignal); 0.2.0 cases ignored the signal. */
  calendarChanges: {
    id: 'calendar-changes',
    added: '0.3.0',
    removeWhen:
      'deprecatePatch once no case started before 0.3.0 is running (and the 0.2.0 histories leave the corpus); remove once none started before that release is',
  },
  /**
   * A breached topic span is supervised (督办): a due one cadence on, each miss told a rung higher (domain/topic.ts).
   * 0.4.0 topics breached once and went quiet.
   */
  topicSupervision: {
    id: 'topic-supervision',
    added: '0.5.0',
    removeWhen:
      'deprecatePatch once no topic started before 0.5.0 is running (and the 0.4.0 topic history leaves the corpus); remove once none started before that release is',
  },
} as const satisfies Record<string, { id: string; added: string; removeWhen: string }>;
