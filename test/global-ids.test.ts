import 'reflect-metadata';
import { Competition } from '../src/modules/competition/competition.entity';
import { Entrant } from '../src/modules/competition/entrant.entity';
import { Organization } from '../src/modules/organization/organization.entity';
import { registerNodeTypes } from '../src/schema';
import type { Context } from '../src/shared/graphql/context';
import { NodeRegistry, nodeTypes } from '../src/shared/graphql/nodes';
import { fromGlobalId, GLOBAL_ID_TYPES, toGlobalId } from '../src/shared/graphql/relay';

// Ids clients already hold (encoded by earlier releases): they must keep decoding to the same objects.
const HELD = {
  'Organization:1': 'T3JnYW5pemF0aW9uOjE',
  'Competition:42': 'Q29tcGV0aXRpb246NDI',
  'Entrant:7': 'RW50cmFudDo3',
  'Mark:3': 'TWFyazoz',
};

beforeAll(() => registerNodeTypes());

test('the global-id names are the explicit list, and every one has a registered node type', () => {
  expect(GLOBAL_ID_TYPES).toEqual([
    'Organization',
    'Person',
    'Honor',
    'Competition',
    'Trade',
    'Entrant',
    'Team',
    'Account',
    'ApiKey',
    'Studio',
    'Alliance',
    'Achievement',
    'Appeal',
    'Submission',
    'CampaignCategory',
    'Mark',
    'AllianceJoinRequest',
    'WebhookEndpoint',
    'WebhookDelivery',
  ]);
  expect([...nodeTypes.types().keys()].sort()).toEqual([...GLOBAL_ID_TYPES].sort());
});

test('ids held by clients encode and decode as before', () => {
  for (const [plain, held] of Object.entries(HELD)) {
    const [type, id] = plain.split(':') as [(typeof GLOBAL_ID_TYPES)[number], string];
    expect(toGlobalId(type, Number(id))).toBe(held);
    expect(fromGlobalId(held)).toEqual({ type, id: Number(id) });
  }
});

test("an object's id takes its name from the registration, not from its class's name", () => {
  expect(nodeTypes.nameOf(Object.create(Competition.prototype) as object)).toBe('Competition');
  expect(nodeTypes.nameOf(Object.create(Entrant.prototype) as object)).toBe('Entrant');
  // A class renamed (here: called something else) keeps the id name it is registered under.
  class Contest {}
  const registry = new NodeRegistry();
  registry.add({ name: 'Competition', cls: Contest, fetch: async () => null });
  expect(registry.nameOf(new Contest())).toBe('Competition');
  expect(() => registry.nameOf(new (class Unregistered {})())).toThrow(/not a registered node type/);
});

test('a held id reaches the fetch of the type that registered its name', async () => {
  const org = Object.assign(Object.create(Organization.prototype) as Organization, { id: 1 });
  const ctx = { loaders: { organizationById: { load: async (id: number) => (id === 1 ? org : null) } } };
  expect(await nodeTypes.fetch(ctx as unknown as Context, HELD['Organization:1'])).toBe(org);
  expect(await nodeTypes.fetch(ctx as unknown as Context, toGlobalId('Organization', 2))).toBeNull();
  expect(await nodeTypes.fetch(ctx as unknown as Context, 'not an id')).toBeNull();
});
