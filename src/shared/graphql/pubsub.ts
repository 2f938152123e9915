import { createPubSub } from '@graphql-yoga/subscription';

/** Topics and their payloads. In-process for now; a Redis event target plugs in here for several instances. */
export type Topics = {
  COMPETITION_STATUS_CHANGED: [
    competitionId: number,
    payload: { competitionId: number; from: string; to: string; at: string },
  ];
};

export function createEventBus() {
  return createPubSub<Topics>();
}

export type PubSub = ReturnType<typeof createEventBus>;
