import { Account, ApiKey } from './modules/account/account.entity';
import { Competition, CompetitionStatusChange } from './modules/competition/competition.entity';
import { Entrant } from './modules/competition/entrant.entity';
import { Team, TeamMember } from './modules/competition/team.entity';
import { Trade } from './modules/competition/trade.entity';
import { Organization } from './modules/organization/organization.entity';
import { Honor, Person } from './modules/person/person.entity';
import { Achievement, Alliance, Studio } from './modules/studio/studio.entity';

/** Every ORM entity, listed explicitly (no folder scanning at start-up). */
export const entities = [
  Organization,
  Person,
  Honor,
  Account,
  ApiKey,
  Competition,
  CompetitionStatusChange,
  Trade,
  Team,
  TeamMember,
  Entrant,
  Studio,
  Alliance,
  Achievement,
];
