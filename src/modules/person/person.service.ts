import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike, pageOf, pgArray } from '../../shared/db/paging';
import { checkReference } from '../../shared/access/references';
import { Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, type Page, type PageRequest } from '../../shared/graphql/relay';
import { decodeId, intInRange, optionalText, requiredText } from '../../shared/validation';
import { loadOrganization } from '../organization/organization.service';
import { Honor, Person } from './person.entity';
import type { AddHonorInput, CreatePersonInput, PersonFilter, UpdatePersonInput } from './person.types';
import { text } from '../../shared/i18n';

/** People are personal data: visible only to those who manage their employer. */
export async function canSeePerson(ctx: Context, person: Person): Promise<boolean> {
  const employer = await ctx.loaders.organizationById.load(person.employer.id);
  return !!employer && ctx.access.manages(employer.path);
}

export async function loadManagedPerson(
  ctx: Context,
  em: EntityManager,
  id: number,
  field: string,
): Promise<Person> {
  // People are visible only to those who manage them: anyone else is told there is no such person.
  await checkReference(ctx.access, em, 'Person', field, id, 'manage');
  return em.findOneOrFail(Person, { id }, { populate: ['employer'] });
}

export async function createPerson(
  ctx: Context,
  em: EntityManager,
  input: CreatePersonInput,
): Promise<Person> {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 100);
  const occupation = optionalText(p, 'input.occupation', input.occupation, 100);
  const occupationCode = optionalText(p, 'input.occupationCode', input.occupationCode, 20);
  if (input.birthYear != null) intInRange(p, 'input.birthYear', input.birthYear, 1900, 2100);
  const employerId = decodeId(p, 'input.employerId', input.employerId, 'Organization');
  p.throwIfAny();
  const employer = await loadOrganization(em, employerId, 'input.employerId');
  ctx.access.assertManages(employer.path, text('该用人单位', 'that employer'));
  const person = em.create(Person, {
    name,
    gender: input.gender ?? null,
    birthYear: input.birthYear ?? null,
    employer,
    occupation,
    occupationCode,
  });
  await em.flush();
  return person;
}

export async function updatePerson(
  ctx: Context,
  em: EntityManager,
  input: UpdatePersonInput,
): Promise<Person> {
  const p = new Problems();
  const id = decodeId(p, 'input.id', input.id, 'Person');
  const name = input.name != null ? requiredText(p, 'input.name', input.name, 100) : null;
  const occupation =
    input.occupation !== undefined ? optionalText(p, 'input.occupation', input.occupation, 100) : undefined;
  const employerId = input.employerId
    ? decodeId(p, 'input.employerId', input.employerId, 'Organization')
    : null;
  p.throwIfAny();
  const person = await loadManagedPerson(ctx, em, id, 'input.id');
  if (employerId) {
    const employer = await loadOrganization(em, employerId, 'input.employerId');
    ctx.access.assertManages(employer.path, text('该用人单位', 'that employer'));
    // An employee number means something only at its employer (and is unique there).
    if (employer.id !== person.employer.id) person.employeeNumber = null;
    person.employer = ref(employer);
  }
  if (name !== null) person.name = name;
  if (occupation !== undefined) person.occupation = occupation;
  await em.flush();
  return person;
}

export async function addHonor(ctx: Context, em: EntityManager, input: AddHonorInput): Promise<Honor> {
  const p = new Problems();
  const personId = decodeId(p, 'input.personId', input.personId, 'Person');
  const title = requiredText(p, 'input.title', input.title, 100);
  const awardingBody = requiredText(p, 'input.awardingBody', input.awardingBody, 200);
  intInRange(p, 'input.year', input.year, 1950, 2100);
  p.throwIfAny();
  const person = await loadManagedPerson(ctx, em, personId, 'input.personId');
  const honor = em.create(Honor, {
    person,
    kind: input.kind,
    level: input.level ?? null,
    title,
    year: input.year,
    awardingBody,
  });
  await em.flush();
  return honor;
}

export async function removeHonor(ctx: Context, em: EntityManager, globalId: string): Promise<Honor> {
  const p = new Problems();
  const id = decodeId(p, 'id', globalId, 'Honor');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'Honor', 'id', id, 'manage');
  const honor = await em.findOneOrFail(Honor, { id });
  em.remove(honor);
  await em.flush();
  return honor;
}

export async function listPeople(
  ctx: Context,
  filter: PersonFilter | null | undefined,
  page: PageRequest<Person>,
): Promise<Page<Person>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const scope = ctx.access.managed;
  if (scope === null) where.push('false');
  else if (scope !== '*') {
    where.push('employer_id in (select id from organization where path <@ ?::ltree)');
    params.push(scope);
  }
  const f = filter ?? {};
  if (f.search?.trim()) {
    where.push('name ilike ?');
    params.push(`%${escapeLike(f.search.trim())}%`);
  }
  if (f.employerUnder) {
    const d = fromGlobalId(f.employerUnder);
    const org = d?.type === 'Organization' ? await ctx.loaders.organizationById.load(d.id) : null;
    if (!org) where.push('false');
    else {
      where.push('employer_id in (select id from organization where path <@ ?::ltree)');
      params.push(org.path);
    }
  }
  if (f.honorKinds?.length) {
    where.push('exists (select 1 from honor h where h.person_id = person.id and h.kind = any(?::text[]))');
    params.push(pgArray(f.honorKinds));
  }
  if (f.honorTitle?.trim()) {
    where.push('exists (select 1 from honor h where h.person_id = person.id and h.title ilike ?)');
    params.push(`%${escapeLike(f.honorTitle.trim())}%`);
  }
  return pageOf(ctx.em, Person, 'person', where, params, page);
}
