import type { NodeType } from '../../shared/graphql/nodes';
import { fetchDelivery, fetchEndpoint } from './webhook.service';
import { WebhookDelivery, WebhookEndpoint } from './webhook.types';

export const webhookNodes: NodeType[] = [
  { name: 'WebhookEndpoint', cls: WebhookEndpoint, fetch: fetchEndpoint },
  { name: 'WebhookDelivery', cls: WebhookDelivery, fetch: fetchDelivery },
];
