import type { DomainEventBus } from '../../shared/events/domain-events';
import { appendAudit } from '../audit/audit.service';
import { CompetitionKind } from '../competition/competition.entity';
import { recordCampaignHonors } from './honors';

declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /** A campaign's awards (honors of its winners) were recorded as its results became final. */
    CAMPAIGN_AWARDS_RECORDED: { competitionId: number };
  }
}

/**
 * A campaign's winners carry its final results: the honors are written in the transaction that
 * makes the results final (the scoring module records the event and does not know campaigns).
 */
export function campaignSubscriptions(events: DomainEventBus): void {
  events.project('RESULTS_FINAL', async (em, { competitionId, kind, actorId }, unit) => {
    if (kind !== CompetitionKind.INNOVATION) return;
    const recorded = await recordCampaignHonors(em, competitionId);
    await unit.record(em, 'CAMPAIGN_AWARDS_RECORDED', { competitionId });
    await appendAudit(em, {
      competitionId,
      kind: 'HONORS_RECORDED',
      actorId,
      subject: { competitionId },
      after: recorded,
    });
  });
}
