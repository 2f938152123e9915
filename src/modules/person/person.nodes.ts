import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { Honor, Person } from './person.entity';
import { canSeePerson } from './person.service';

/** As `person(id:)`: people employed under a union the caller manages. */
export async function fetchPerson(ctx: Context, id: number): Promise<Person | null> {
  const p = await ctx.loaders.personById.load(id);
  return p && (await canSeePerson(ctx, p)) ? p : null;
}

/** As `Person.honors`: whoever may see the person. */
async function fetchHonor(ctx: Context, id: number): Promise<Honor | null> {
  const h = await ctx.em.findOne(Honor, { id });
  return h && (await fetchPerson(ctx, h.person.id)) ? h : null;
}

export const personNodes: NodeType[] = [
  { name: 'Person', cls: Person, fetch: fetchPerson },
  { name: 'Honor', cls: Honor, fetch: fetchHonor },
];
