import { accountReactions } from './modules/account/account.events';
import { campaignSubscriptions } from './modules/campaign/campaign.events';
import { competitionReactions } from './modules/competition/competition.events';
import { leaderboardSubscriptions } from './modules/leaderboard/board.events';
import { scoringReactions } from './modules/scoring/scoring.events';
import { DomainEventBus } from './shared/events/domain-events';
import type { PubSub } from './shared/graphql/pubsub';

/** The process's domain events with every module's projections and reactions (composition root). */
export function createDomainEvents(pubsub: PubSub, log: (line: string) => void = () => {}): DomainEventBus {
  const events = new DomainEventBus(log);
  competitionReactions(events, pubsub);
  accountReactions(events, pubsub);
  scoringReactions(events, pubsub);
  leaderboardSubscriptions(events, pubsub);
  campaignSubscriptions(events);
  return events;
}
