import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Payload } from '../../shared/graphql/mutation';
import { Connection, Node } from '../../shared/graphql/relay';
import { WebhookEventType } from './event-types';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for its first attempt or a retry.' },
    SUCCEEDED: { description: 'The receiver answered with a 2xx status.' },
    FAILED: { description: 'Every attempt failed; the endpoint was disabled.' },
    SKIPPED: {
      description:
        'Not sent: at delivery time the registering account or key could no longer read the event.',
    },
  },
});

@ObjectType({ implements: Node, description: 'A receiver of signed webhook events for a union’s subtree.' })
export class WebhookEndpoint {
  id!: number;

  organizationId!: number;

  @Field({ description: 'Where events are posted.' })
  url!: string;

  @Field({ description: 'What the endpoint is for, in the owner’s words.' })
  description!: string;

  @Field(() => [WebhookEventType], { description: 'The event types posted to it.' })
  eventTypes!: WebhookEventType[];

  @Field({ description: 'Whether events are posted to it.' })
  enabled!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the endpoint was disabled after persistent failure; null when enabled or disabled by hand.',
  })
  disabledReason!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until when the secret replaced by the last rotation still signs too; null when none does.',
  })
  previousSecretExpiresAt!: Date | null;

  @Field({ description: 'When the endpoint was registered.' })
  createdAt!: Date;
}

@ObjectType({ description: 'One attempt to post a delivery.' })
export class WebhookAttempt {
  @Field({ description: 'When the attempt was made.' })
  attemptedAt!: Date;

  @Field(() => Int, {
    nullable: true,
    description: 'The receiver’s HTTP status; null when it did not answer.',
  })
  statusCode!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why there was no answer (timeout, refused, unreachable).',
  })
  error!: string | null;

  @Field(() => Int, { description: 'How long the attempt took, in milliseconds.' })
  durationMs!: number;
}

@ObjectType({ implements: Node, description: 'One event to be posted to one endpoint, with its attempts.' })
export class WebhookDelivery {
  id!: number;

  endpointId!: number;

  @Field({ description: 'The event’s id: the `id` of the payload and the `webhook-id` header.' })
  eventId!: string;

  @Field(() => WebhookEventType, { description: 'The event’s type.' })
  eventType!: WebhookEventType;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'How many attempts were made since it was queued or re-sent.' })
  attemptCount!: number;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null unless pending.' })
  nextAttemptAt!: Date | null;

  @Field({ description: 'When the event happened.' })
  occurredAt!: Date;
}

export const WebhookEndpointConnection = Connection(WebhookEndpoint, 'WebhookEndpoint');
export const WebhookDeliveryConnection = Connection(WebhookDelivery, 'WebhookDelivery');

@InputType({ description: 'A new webhook endpoint.' })
export class CreateWebhookEndpointInput {
  @Field(() => ID, { description: 'The union whose subtree’s events are posted; one you manage.' })
  organizationId!: string;

  @Field({ description: 'The receiver’s http(s) URL; private and loopback addresses are refused.' })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The event types to post; at least one.' })
  eventTypes!: WebhookEventType[];

  @Field(() => String, { nullable: true, description: 'What the endpoint is for (at most 200 characters).' })
  description?: string | null;
}

@InputType({ description: 'A new secret for an endpoint.' })
export class RotateWebhookSecretInput {
  @Field(() => ID, { description: 'The endpoint.' })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'How many hours the old secret keeps signing too (0 to 168, default 24).',
  })
  previousSecretValidHours?: number | null;
}

@InputType({ description: 'Turns an endpoint on or off.' })
export class SetWebhookEndpointEnabledInput {
  @Field(() => ID, { description: 'The endpoint.' })
  id!: string;

  @Field({ description: 'Whether events are posted to it; enabling clears the disabled reason.' })
  enabled!: boolean;
}

@ObjectType({ description: 'An endpoint with its secret, shown only in this answer.' })
export class WebhookSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint; null on failure.' })
  endpoint!: WebhookEndpoint | null;

  @Field(() => String, {
    nullable: true,
    description: 'The signing secret (`whsec_…`); not retrievable later.',
  })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of deleting a webhook endpoint.' })
export class DeleteWebhookEndpointPayload {
  @Field(() => ID, { nullable: true, description: 'The deleted endpoint’s ID; null on failure.' })
  deletedId!: string | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

export const WebhookEndpointPayload = Payload(WebhookEndpoint, 'WebhookEndpoint', 'endpoint');
export const WebhookDeliveryPayload = Payload(WebhookDelivery, 'WebhookDelivery', 'delivery');
