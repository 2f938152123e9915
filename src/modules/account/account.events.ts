import type { DomainEventBus } from '../../shared/events/domain-events';
import type { PubSub } from '../../shared/graphql/pubsub';

declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /** An account was disabled or an API key revoked. */
    VIEWER_REVOKED: { accountId?: number; apiKeyId?: number };
  }
}

/** Every instance closes the revoked viewer's live connections. */
export function accountReactions(events: DomainEventBus, pubsub: PubSub): void {
  events.on('VIEWER_REVOKED', (e) => pubsub.publish('VIEWER_REVOKED', e));
}
