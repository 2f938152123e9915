import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { createLoaders, type Loaders } from '../../loaders';
import { Access } from '../access/policy';
import type { Viewer } from '../access/viewer';
import type { TokenSettings } from '../../modules/account/auth.service';
import type { PubSub } from './pubsub';

/**
 * Everything a resolver or service needs for one request (HTTP) or one
 * subscription operation (WebSocket): its own forked EntityManager and its own
 * DataLoader set, so nothing cached leaks between callers.
 */
export interface Context {
  em: EntityManager;
  loaders: Loaders;
  viewer: Viewer;
  access: Access;
  pubsub: PubSub;
  tokens: TokenSettings;
}

export interface Services {
  orm: MikroORM;
  pubsub: PubSub;
  tokens: TokenSettings;
}

export function createContext(services: Services, viewer: Viewer): Context {
  const { orm, pubsub, tokens } = services;
  const em = orm.em.fork({ clear: true, useContext: false }) as EntityManager;
  return { em, loaders: createLoaders(em), viewer, access: new Access(viewer), pubsub, tokens };
}
