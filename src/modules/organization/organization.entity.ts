import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/graphql/relay';

export enum OrganizationLevel {
  NATIONAL = 'NATIONAL',
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  ENTERPRISE = 'ENTERPRISE',
}

registerEnumType(OrganizationLevel, {
  name: 'OrganizationLevel',
  description: 'Level of a union in the hierarchy (全国 → 省 → 市 → 县/区 → 街道/乡镇 → 企业).',
  valuesConfig: {
    NATIONAL: { description: 'National federation (全国总工会).' },
    PROVINCE: { description: 'Provincial federation (省总工会).' },
    CITY: { description: 'City federation (市总工会).' },
    DISTRICT: { description: 'County or district federation (县/区总工会).' },
    STREET: { description: 'Street or town union (街道/乡镇总工会).' },
    ENTERPRISE: {
      description: 'Enterprise union (企业工会); enterprise groups nest enterprises under them.',
    },
  },
});

/** Depth order of levels; an enterprise may sit under another enterprise (groups). */
export const LEVEL_RANK: Record<OrganizationLevel, number> = {
  NATIONAL: 0,
  PROVINCE: 1,
  CITY: 2,
  DISTRICT: 3,
  STREET: 4,
  ENTERPRISE: 5,
};

export function canNest(parent: OrganizationLevel, child: OrganizationLevel): boolean {
  if (parent === OrganizationLevel.ENTERPRISE) return child === OrganizationLevel.ENTERPRISE;
  return LEVEL_RANK[child] > LEVEL_RANK[parent];
}

@ObjectType({
  implements: Node,
  description: 'A union (工会) at some level of the hierarchy, or an enterprise with its union.',
})
@Entity({ tableName: 'organization' })
export class Organization {
  [OptionalProps]?: 'path' | 'createdAt' | 'updatedAt' | 'shortName' | 'parent';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Full name, e.g. 西安市总工会.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Short name for compact displays.' })
  @Property({ type: 'string', length: 100, nullable: true })
  shortName?: string | null;

  @Field(() => OrganizationLevel, { description: 'Level in the union hierarchy.' })
  @Enum({ items: () => OrganizationLevel, nativeEnumName: undefined })
  level!: OrganizationLevel;

  @ManyToOne(() => Organization, { ref: true, nullable: true, fieldName: 'parent_id' })
  parent?: Ref<Organization> | null;

  /** Materialised path (ltree of ids, root first); maintained by the database. */
  @Property({ type: 'string', columnType: 'ltree', defaultRaw: `''` })
  path!: string;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed.' })
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}
