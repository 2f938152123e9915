/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
};

/** A sign-in account. */
export type Account = Node & {
  /** Whether the account may sign in. */
  active: Scalars['Boolean']['output'];
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Name shown to others. */
  displayName: Scalars['String']['output'];
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Union the account is bound to. */
  organization?: Maybe<Organization>;
  /** What the account may do. */
  role: Role;
  /** Sign-in name. */
  username: Scalars['String']['output'];
};

/** Result of a mutation on a Account. */
export type AccountPayload = {
  /** The Account as it is after the mutation; null on failure. */
  account?: Maybe<Account>;
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
};

/** An honor to record on a person. */
export type AddHonorInput = {
  /** Awarding body (1–200 characters). */
  awardingBody: Scalars['String']['input'];
  /** Kind. */
  kind: HonorKind;
  /** Level awarded at. */
  level?: InputMaybe<OrganizationLevel>;
  /** The person. */
  personId: Scalars['ID']['input'];
  /** Exact title (1–100 characters). */
  title: Scalars['String']['input'];
  /** Year awarded (1950–2100). */
  year: Scalars['Int']['input'];
};

/** An API key of a third-party application, bound to a union. */
export type ApiKey = Node & {
  /** When the key was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** What the key is for, e.g. the app’s name. */
  name: Scalars['String']['output'];
  /** Union whose subtree the key acts on. */
  organization: Organization;
  /** Public prefix of the key, for recognising it in logs. */
  prefix: Scalars['String']['output'];
  /** When the key was revoked, if it was. */
  revokedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** Scopes granted, e.g. `competitions:read`. */
  scopes: Array<Scalars['String']['output']>;
};

/** Result of a mutation on a ApiKey. */
export type ApiKeyPayload = {
  /** The ApiKey as it is after the mutation; null on failure. */
  apiKey?: Maybe<ApiKey>;
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
};

/** A labor or skills competition (竞赛) hosted by a union. */
export type Competition = Node & {
  /** States the competition may move to next. */
  allowedTransitions: Array<CompetitionStatus>;
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Free description: rules, aspects scored, prizes. */
  description?: Maybe<Scalars['String']['output']>;
  /** Last day (YYYY-MM-DD). */
  endsOn?: Maybe<Scalars['String']['output']>;
  /** The hosting union. */
  host: Organization;
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Skills or labor competition. */
  kind: CompetitionKind;
  /** Name, e.g. 2024年石家庄市职工职业技能大赛. */
  name: Scalars['String']['output'];
  /** First day (YYYY-MM-DD). */
  startsOn?: Maybe<Scalars['String']['output']>;
  /** Lifecycle state. */
  status: CompetitionStatus;
  /** Trades and events, in creation order. */
  trades: TradeConnection;
  /** When the record last changed. */
  updatedAt: Scalars['DateTimeISO']['output'];
  /** Year the competition belongs to. */
  year: Scalars['Int']['output'];
};


/** A labor or skills competition (竞赛) hosted by a union. */
export type CompetitionTradesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of Competition items (Relay connection). */
export type CompetitionConnection = {
  /** The edges of this page. */
  edges: Array<CompetitionEdge>;
  /** The nodes of this page, without cursors. */
  nodes: Array<Competition>;
  /** Pagination state. */
  pageInfo: PageInfo;
  /** How many items match in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** Competitions of one kind in one state. */
export type CompetitionCount = {
  /** How many. */
  count: Scalars['Int']['output'];
  /** Kind. */
  kind: CompetitionKind;
  /** State. */
  status: CompetitionStatus;
};

/** An edge to a Competition. */
export type CompetitionEdge = {
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The Competition at the end of the edge. */
  node: Competition;
};

/** Filters on competitions; all given filters must match. */
export type CompetitionFilter = {
  /** Hosted by this union or one under it. */
  hostUnder?: InputMaybe<Scalars['ID']['input']>;
  /** Only this kind. */
  kind?: InputMaybe<CompetitionKind>;
  /** Name contains this text. */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Only these states. */
  statuses?: InputMaybe<Array<CompetitionStatus>>;
  /** Only this year. */
  year?: InputMaybe<Scalars['Int']['input']>;
};

/** Family of competition. */
export type CompetitionKind =
  /** Labor competition (劳动竞赛): teams, crews or enterprises compete on indicators. */
  | 'LABOR'
  /** Skills competition (职业技能竞赛): individuals compete in trades. */
  | 'SKILLS';

/** Result of a mutation on a Competition. */
export type CompetitionPayload = {
  /** The Competition as it is after the mutation; null on failure. */
  competition?: Maybe<Competition>;
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
};

/** Lifecycle state; moves only along allowed transitions (see `allowedTransitions`). */
export type CompetitionStatus =
  /** Closed for good. */
  | 'ARCHIVED'
  /** Being configured; visible to organizers only. */
  | 'DRAFT'
  /** Results published (公示). */
  | 'PUBLISHED'
  /** Entrants may register. */
  | 'REGISTRATION_OPEN'
  /** The contest is under way. */
  | 'RUNNING'
  /** Scoring finished; results being checked. */
  | 'SCORING_CLOSED';

/** A competition changed lifecycle state. */
export type CompetitionStatusEvent = {
  /** When it changed. */
  at: Scalars['DateTimeISO']['output'];
  /** The competition’s ID. */
  competitionId: Scalars['ID']['output'];
  /** State before. */
  from: CompetitionStatus;
  /** State after. */
  to: CompetitionStatus;
};

/** A new sign-in account. */
export type CreateAccountInput = {
  /** Name shown to others. */
  displayName: Scalars['String']['input'];
  /** Union the account is bound to (required except for admins). */
  organizationId?: InputMaybe<Scalars['ID']['input']>;
  /** Password, 10–200 characters. */
  password: Scalars['String']['input'];
  /** Role; organizers cannot create platform admins. */
  role: Role;
  /** Sign-in name: 3–64 of a–z, 0–9, `.`, `_`, `-`. */
  username: Scalars['String']['input'];
};

/** A new API key for a third-party application. */
export type CreateApiKeyInput = {
  /** What the key is for. */
  name: Scalars['String']['input'];
  /** Union whose subtree the key may act on. */
  organizationId: Scalars['ID']['input'];
  /** Scopes to grant, e.g. `competitions:read`. */
  scopes: Array<Scalars['String']['input']>;
};

/** Result of creating an API key. The secret is shown only here, once. */
export type CreateApiKeyPayload = {
  /** The key’s record. */
  apiKey?: Maybe<ApiKey>;
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** The full key to send as `X-Api-Key`; not retrievable later. */
  secret?: Maybe<Scalars['String']['output']>;
};

/** A new competition. */
export type CreateCompetitionInput = {
  /** Description (up to 5,000 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Last day, YYYY-MM-DD. */
  endsOn?: InputMaybe<Scalars['String']['input']>;
  /** Hosting union: one you manage. */
  hostId: Scalars['ID']['input'];
  /** Skills or labor. */
  kind: CompetitionKind;
  /** Name (1–200 characters). */
  name: Scalars['String']['input'];
  /** First day, YYYY-MM-DD. */
  startsOn?: InputMaybe<Scalars['String']['input']>;
  /** Year (2000–2100). */
  year: Scalars['Int']['input'];
};

/** A new union or enterprise. */
export type CreateOrganizationInput = {
  /** Level; must be deeper than the parent’s. */
  level: OrganizationLevel;
  /** Full name (1–200 characters). */
  name: Scalars['String']['input'];
  /** Parent union; omitted only by platform admins for a root. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** Short name (up to 100 characters). */
  shortName?: InputMaybe<Scalars['String']['input']>;
};

/** A new person. */
export type CreatePersonInput = {
  /** Year of birth. */
  birthYear?: InputMaybe<Scalars['Int']['input']>;
  /** Employer: an organization you manage. */
  employerId: Scalars['ID']['input'];
  /** Gender. */
  gender?: InputMaybe<Gender>;
  /** Full name (1–100 characters). */
  name: Scalars['String']['input'];
  /** Occupation (工种). */
  occupation?: InputMaybe<Scalars['String']['input']>;
  /** Occupation code. */
  occupationCode?: InputMaybe<Scalars['String']['input']>;
};

/** A new team or work crew. */
export type CreateTeamInput = {
  /** Team or crew. */
  kind: TeamKind;
  /** Members (people you manage), at most 100. */
  memberIds: Array<Scalars['ID']['input']>;
  /** Name (1–200 characters). */
  name: Scalars['String']['input'];
  /** Its enterprise: one you manage. */
  organizationId: Scalars['ID']['input'];
};

/** A new trade or event (工种/赛项). */
export type CreateTradeInput = {
  /** Most active entrants (1–1,000,000). */
  capacity: Scalars['Int']['input'];
  /** Competition it belongs to. */
  competitionId: Scalars['ID']['input'];
  /** Scheduled end; after the start. */
  endsAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Name, unique within the competition (1–100 characters). */
  name: Scalars['String']['input'];
  /** Occupation code, e.g. 6-18-02-04. */
  occupationCode?: InputMaybe<Scalars['String']['input']>;
  /** Practical weight in percent; theory + practical = 100. */
  practicalWeight: Scalars['Int']['input'];
  /** Scheduled start. */
  startsAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Theory weight in percent. */
  theoryWeight: Scalars['Int']['input'];
  /** Venue. */
  venue?: InputMaybe<Scalars['String']['input']>;
};

/** An entrant (选手/参赛者) registered in a trade. */
export type Entrant = Node & {
  /** When the entrant registered. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** The enterprise, for an enterprise entrant. */
  enterprise?: Maybe<Organization>;
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Who competes: a person, a team or an enterprise. */
  kind: EntrantKind;
  /** The person, for an individual entrant. */
  person?: Maybe<Person>;
  /** Registration state. */
  status: EntrantStatus;
  /** The team or crew, for a group entrant. */
  team?: Maybe<Team>;
  /** The trade entered. */
  trade: Trade;
  /** When the record last changed. */
  updatedAt: Scalars['DateTimeISO']['output'];
};

/** A page of Entrant items (Relay connection). */
export type EntrantConnection = {
  /** The edges of this page. */
  edges: Array<EntrantEdge>;
  /** The nodes of this page, without cursors. */
  nodes: Array<Entrant>;
  /** Pagination state. */
  pageInfo: PageInfo;
  /** How many items match in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** Entrants in one registration state. */
export type EntrantCount = {
  /** How many. */
  count: Scalars['Int']['output'];
  /** State. */
  status: EntrantStatus;
};

/** An edge to a Entrant. */
export type EntrantEdge = {
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The Entrant at the end of the edge. */
  node: Entrant;
};

/** Who competes: a person, a team/crew, or a whole enterprise. */
export type EntrantKind =
  | 'ENTERPRISE'
  | 'INDIVIDUAL'
  | 'TEAM';

/** Result of a mutation on a Entrant. */
export type EntrantPayload = {
  /** The Entrant as it is after the mutation; null on failure. */
  entrant?: Maybe<Entrant>;
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
};

/** Registration state of an entrant. */
export type EntrantStatus =
  /** Approved to compete (资格审核通过). */
  | 'APPROVED'
  /** Checked in at the venue (检录). */
  | 'CHECKED_IN'
  /** Disqualified; frees a place. */
  | 'DISQUALIFIED'
  /** Registered, awaiting approval (报名). */
  | 'REGISTERED'
  /** Withdrew; frees a place. */
  | 'WITHDRAWN';

/** Stable machine-readable code of an expected failure. */
export type ErrorCode =
  | 'CAPACITY_EXCEEDED'
  | 'COMPETITION_CLOSED'
  | 'DUPLICATE'
  | 'IMPORT_INVALID'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_HIERARCHY'
  | 'INVALID_ID'
  | 'INVALID_TRANSITION'
  | 'KIND_MISMATCH'
  | 'NOT_FOUND'
  | 'OUTSIDE_SCOPE'
  | 'OUT_OF_RANGE'
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'VALIDATION'
  | 'WEIGHTS_MUST_SUM_TO_100';

/** Gender as recorded by the union. */
export type Gender =
  | 'FEMALE'
  | 'MALE';

/** An honor held by a person (劳动模范, 五一劳动奖章, 工匠 …). */
export type Honor = Node & {
  /** Awarding body, e.g. 中华全国总工会. */
  awardingBody: Scalars['String']['output'];
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Kind of honor. */
  kind: HonorKind;
  /** Level at which it was awarded. */
  level?: Maybe<OrganizationLevel>;
  /** The holder. */
  person: Person;
  /** Exact title, e.g. 全国劳动模范 or 齐鲁大工匠. */
  title: Scalars['String']['output'];
  /** Year awarded. */
  year: Scalars['Int']['output'];
};

/** People holding an honor of one kind. */
export type HonorCount = {
  /** Honors of this kind (a person may hold several). */
  honors: Scalars['Int']['output'];
  /** Kind of honor. */
  kind: HonorKind;
  /** Distinct people holding at least one honor of this kind. */
  people: Scalars['Int']['output'];
};

/** Kind of honor; the exact title (e.g. 齐鲁大工匠) is in `Honor.title`. */
export type HonorKind =
  /** Competition standard-bearer (竞赛标兵). */
  | 'COMPETITION_STANDARD_BEARER'
  /** Regional craftsman title (e.g. 齐鲁大工匠, 兴州工匠). */
  | 'CRAFTSMAN'
  /** Gold-medal worker (金牌工人). */
  | 'GOLD_MEDAL_WORKER'
  /** May Day Labor Medal (五一劳动奖章). */
  | 'MAY_DAY_LABOR_MEDAL'
  /** Model worker (劳动模范), at a level. */
  | 'MODEL_WORKER'
  /** Any other honor. */
  | 'OTHER'
  /** Skills champion (技能状元). */
  | 'SKILLS_CHAMPION'
  /** Technical expert (技术能手). */
  | 'TECHNICAL_EXPERT';

/** Result of a mutation on a Honor. */
export type HonorPayload = {
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** The Honor as it is after the mutation; null on failure. */
  honor?: Maybe<Honor>;
};

/** Bulk registration of individual entrants. Columns (header row, in any order): `name` (required), `employer` (organization name or ID, required), `gender` (男/女/MALE/FEMALE), `birthYear`, `occupation`. A person is matched by name and employer, and created when new. */
export type ImportEntrantsInput = {
  /** The file: CSV text, or XLSX bytes in base64. At most 5 MB. */
  content: Scalars['String']['input'];
  /** CSV (UTF-8 text) or XLSX (base64). */
  format: ImportFormat;
  /** The trade to register into. */
  tradeId: Scalars['ID']['input'];
};

/** Result of an import: all rows registered, or none with every bad row listed. */
export type ImportEntrantsPayload = {
  /** One error per bad row and column; `field` reads `rows.<line>.<column>`, line 1 being the header. */
  errors: Array<UserError>;
  /** Entrants registered (0 when any row was bad). */
  imported: Scalars['Int']['output'];
  /** People created because no match existed. */
  peopleCreated: Scalars['Int']['output'];
};

/** File format of an import. */
export type ImportFormat =
  | 'CSV'
  | 'XLSX';

/** Moves an organization and its whole subtree under a new parent. */
export type MoveOrganizationInput = {
  /** The organization to move. */
  id: Scalars['ID']['input'];
  /** Its new parent. */
  newParentId: Scalars['ID']['input'];
};

export type Mutation = {
  /** Records an honor on a person you manage. */
  addHonor: HonorPayload;
  /** Creates an account bound to a union you manage. */
  createAccount: AccountPayload;
  /** Creates an API key for a third-party app; the secret is shown once. */
  createApiKey: CreateApiKeyPayload;
  /** Creates a competition (DRAFT) hosted by a union you manage. */
  createCompetition: CompetitionPayload;
  /** Creates a union or enterprise under one you manage. */
  createOrganization: OrganizationPayload;
  /** Records a person employed under a union you manage. */
  createPerson: PersonPayload;
  /** Creates a team or work crew of an enterprise you manage. */
  createTeam: TeamPayload;
  /** Adds a trade or event to a competition you manage. */
  createTrade: TradePayload;
  /** Registers many individual entrants from a CSV or XLSX file: all rows, or none. */
  importEntrants: ImportEntrantsPayload;
  /** Moves an organization, with its whole subtree, under a new parent you manage. */
  moveOrganization: OrganizationPayload;
  /** Registers a person, team or enterprise into a trade; refuses when the trade is full. */
  registerEntrant: EntrantPayload;
  /** Removes an honor recorded in error. */
  removeHonor: HonorPayload;
  /** Revokes an API key at once. */
  revokeApiKey: ApiKeyPayload;
  /** Enables or disables an account you manage; takes effect at once. */
  setAccountActive: AccountPayload;
  /** Approves, checks in, withdraws or disqualifies an entrant. */
  setEntrantStatus: EntrantPayload;
  /** Signs in with username and password; returns a bearer token. */
  signIn: SignInPayload;
  /** Moves a competition along its lifecycle; refuses transitions that are not allowed. */
  transitionCompetition: CompetitionPayload;
  /** Changes a competition’s name, description or dates. */
  updateCompetition: CompetitionPayload;
  /** Renames an organization you manage. */
  updateOrganization: OrganizationPayload;
  /** Changes a person you manage. */
  updatePerson: PersonPayload;
  /** Changes a trade of a competition you manage. */
  updateTrade: TradePayload;
};


export type MutationAddHonorArgs = {
  input: AddHonorInput;
};


export type MutationCreateAccountArgs = {
  input: CreateAccountInput;
};


export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


export type MutationCreateCompetitionArgs = {
  input: CreateCompetitionInput;
};


export type MutationCreateOrganizationArgs = {
  input: CreateOrganizationInput;
};


export type MutationCreatePersonArgs = {
  input: CreatePersonInput;
};


export type MutationCreateTeamArgs = {
  input: CreateTeamInput;
};


export type MutationCreateTradeArgs = {
  input: CreateTradeInput;
};


export type MutationImportEntrantsArgs = {
  input: ImportEntrantsInput;
};


export type MutationMoveOrganizationArgs = {
  input: MoveOrganizationInput;
};


export type MutationRegisterEntrantArgs = {
  input: RegisterEntrantInput;
};


export type MutationRemoveHonorArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetAccountActiveArgs = {
  input: SetAccountActiveInput;
};


export type MutationSetEntrantStatusArgs = {
  input: SetEntrantStatusInput;
};


export type MutationSignInArgs = {
  input: SignInInput;
};


export type MutationTransitionCompetitionArgs = {
  input: TransitionCompetitionInput;
};


export type MutationUpdateCompetitionArgs = {
  input: UpdateCompetitionInput;
};


export type MutationUpdateOrganizationArgs = {
  input: UpdateOrganizationInput;
};


export type MutationUpdatePersonArgs = {
  input: UpdatePersonInput;
};


export type MutationUpdateTradeArgs = {
  input: UpdateTradeInput;
};

/** An object with a globally unique ID (Relay). */
export type Node = {
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
};

/** A union (工会) at some level of the hierarchy, or an enterprise with its union. */
export type Organization = Node & {
  /** Every union above, from the root down to the parent. */
  ancestors: Array<Organization>;
  /** Organizations directly under this one. */
  children: OrganizationConnection;
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Depth in the tree; roots are 1. */
  depth: Scalars['Int']['output'];
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Level in the union hierarchy. */
  level: OrganizationLevel;
  /** Full name, e.g. 西安市总工会. */
  name: Scalars['String']['output'];
  /** The union directly above. */
  parent?: Maybe<Organization>;
  /** Short name for compact displays. */
  shortName?: Maybe<Scalars['String']['output']>;
  /** When the record last changed. */
  updatedAt: Scalars['DateTimeISO']['output'];
};


/** A union (工会) at some level of the hierarchy, or an enterprise with its union. */
export type OrganizationChildrenArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of Organization items (Relay connection). */
export type OrganizationConnection = {
  /** The edges of this page. */
  edges: Array<OrganizationEdge>;
  /** The nodes of this page, without cursors. */
  nodes: Array<Organization>;
  /** Pagination state. */
  pageInfo: PageInfo;
  /** How many items match in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge to a Organization. */
export type OrganizationEdge = {
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The Organization at the end of the edge. */
  node: Organization;
};

/** Filters on the list of organizations; all given filters must match. */
export type OrganizationFilter = {
  /** Only these levels. */
  levels?: InputMaybe<Array<OrganizationLevel>>;
  /** Only direct children of this organization. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** Only roots (organizations without a parent). */
  roots?: InputMaybe<Scalars['Boolean']['input']>;
  /** Name contains this text. */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Only organizations in the subtree under this one (itself excluded). */
  under?: InputMaybe<Scalars['ID']['input']>;
};

/** Level of a union in the hierarchy (全国 → 省 → 市 → 县/区 → 街道/乡镇 → 企业). */
export type OrganizationLevel =
  /** City federation (市总工会). */
  | 'CITY'
  /** County or district federation (县/区总工会). */
  | 'DISTRICT'
  /** Enterprise union (企业工会); enterprise groups nest enterprises under them. */
  | 'ENTERPRISE'
  /** National federation (全国总工会). */
  | 'NATIONAL'
  /** Provincial federation (省总工会). */
  | 'PROVINCE'
  /** Street or town union (街道/乡镇总工会). */
  | 'STREET';

/** Result of a mutation on a Organization. */
export type OrganizationPayload = {
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** The Organization as it is after the mutation; null on failure. */
  organization?: Maybe<Organization>;
};

/** Pagination state of a connection (Relay). */
export type PageInfo = {
  /** Cursor of the last edge; pass it as `after`. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow the last edge. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items precede the first edge (true when `after` was given). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A worker: entrant, judge, model worker or craftsman. */
export type Person = Node & {
  /** Year of birth, when recorded. */
  birthYear?: Maybe<Scalars['Int']['output']>;
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Employer (an enterprise or union). */
  employer: Organization;
  /** Gender, when recorded. */
  gender?: Maybe<Gender>;
  /** Honors held, newest first. */
  honors: Array<Honor>;
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Full name as written in Chinese. */
  name: Scalars['String']['output'];
  /** Occupation or trade (工种), e.g. 焊工. */
  occupation?: Maybe<Scalars['String']['output']>;
  /** Code of the occupation in the national classification. */
  occupationCode?: Maybe<Scalars['String']['output']>;
  /** When the record last changed. */
  updatedAt: Scalars['DateTimeISO']['output'];
};

/** A page of Person items (Relay connection). */
export type PersonConnection = {
  /** The edges of this page. */
  edges: Array<PersonEdge>;
  /** The nodes of this page, without cursors. */
  nodes: Array<Person>;
  /** Pagination state. */
  pageInfo: PageInfo;
  /** How many items match in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge to a Person. */
export type PersonEdge = {
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The Person at the end of the edge. */
  node: Person;
};

/** Filters on people; all given filters must match. */
export type PersonFilter = {
  /** Employer is this organization or lies under it. */
  employerUnder?: InputMaybe<Scalars['ID']['input']>;
  /** Holds at least one honor of these kinds. */
  honorKinds?: InputMaybe<Array<HonorKind>>;
  /** Holds an honor whose title contains this text (e.g. 工匠). */
  honorTitle?: InputMaybe<Scalars['String']['input']>;
  /** Name contains this text. */
  search?: InputMaybe<Scalars['String']['input']>;
};

/** Result of a mutation on a Person. */
export type PersonPayload = {
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** The Person as it is after the mutation; null on failure. */
  person?: Maybe<Person>;
};

export type Query = {
  /** One competition, if you may see it. */
  competition?: Maybe<Competition>;
  /** Competitions you may see: the public sees all but drafts; organizers also their own drafts. */
  competitions: CompetitionConnection;
  /** Any object by its global ID (Relay). */
  node?: Maybe<Node>;
  /** Several objects by global ID (at most 100), in order. */
  nodes: Array<Maybe<Node>>;
  /** One organization by ID. Unions are public. */
  organization?: Maybe<Organization>;
  /** Unions and enterprises, filtered, in creation order. */
  organizations: OrganizationConnection;
  /** People employed under the union you manage, filtered. */
  people: PersonConnection;
  /** One person employed under a union you manage. */
  person?: Maybe<Person>;
  /** One team of an enterprise you manage. */
  team?: Maybe<Team>;
  /** One trade, if you may see its competition. */
  trade?: Maybe<Trade>;
  /** Rollups over a union you manage and everything under it; null for an unknown union. */
  unionStatistics?: Maybe<UnionStatistics>;
  /** Who the server takes the caller to be. */
  viewer: ViewerInfo;
};


export type QueryCompetitionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCompetitionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<CompetitionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryOrganizationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrganizationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<OrganizationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPeopleArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<PersonFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPersonArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTeamArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTradeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryUnionStatisticsArgs = {
  unionId: Scalars['ID']['input'];
};

/** Registers one entrant: give exactly one of person, team or enterprise. */
export type RegisterEntrantInput = {
  /** An enterprise (labor competitions only). */
  enterpriseId?: InputMaybe<Scalars['ID']['input']>;
  /** A person (individual entrant). */
  personId?: InputMaybe<Scalars['ID']['input']>;
  /** A team or crew (labor or team events). */
  teamId?: InputMaybe<Scalars['ID']['input']>;
  /** The trade. */
  tradeId: Scalars['ID']['input'];
};

/** Role of a signed-in account. Anonymous callers are the public. */
export type Role =
  /** Leads a trade’s judges (裁判长). */
  | 'CHIEF_JUDGE'
  /** Marks entrants (裁判). */
  | 'JUDGE'
  /** Manages what lies under the union the account is bound to. */
  | 'ORGANIZER'
  /** Runs the platform; manages everything. */
  | 'PLATFORM_ADMIN';

/** Enables or disables an account. */
export type SetAccountActiveInput = {
  /** Whether it may sign in. */
  active: Scalars['Boolean']['input'];
  /** The account. */
  id: Scalars['ID']['input'];
};

/** Moves an entrant to another registration state. */
export type SetEntrantStatusInput = {
  /** The entrant. */
  id: Scalars['ID']['input'];
  /** Target state; must be allowed from the current one. */
  status: EntrantStatus;
};

/** Username and password. */
export type SignInInput = {
  /** Password. */
  password: Scalars['String']['input'];
  /** Sign-in name. */
  username: Scalars['String']['input'];
};

/** Result of signing in. */
export type SignInPayload = {
  /** The account signed in. */
  account?: Maybe<Account>;
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** When the token expires. */
  expiresAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** Bearer token for the `Authorization` header. */
  token?: Maybe<Scalars['String']['output']>;
};

export type Subscription = {
  /** Lifecycle changes of one competition you may see. */
  competitionStatusChanged: CompetitionStatusEvent;
};


export type SubscriptionCompetitionStatusChangedArgs = {
  competitionId: Scalars['ID']['input'];
};

/** A team or work crew (班组) of an enterprise. */
export type Team = Node & {
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Team or crew. */
  kind: TeamKind;
  /** Its members. */
  members: Array<Person>;
  /** Name, e.g. 秦岭隧道掘进班组. */
  name: Scalars['String']['output'];
  /** Its enterprise. */
  organization: Organization;
};

/** Kind of group entrant. */
export type TeamKind =
  /** A work crew (班组). */
  | 'CREW'
  /** A team (团队). */
  | 'TEAM';

/** Result of a mutation on a Team. */
export type TeamPayload = {
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** The Team as it is after the mutation; null on failure. */
  team?: Maybe<Team>;
};

/** A trade or event (工种/赛项) of a competition. */
export type Trade = Node & {
  /** Entrants holding a place (registered, approved or checked in). */
  activeEntrantCount: Scalars['Int']['output'];
  /** Most active entrants the trade accepts. */
  capacity: Scalars['Int']['output'];
  /** The competition. */
  competition: Competition;
  /** When the record was created. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Scheduled end. */
  endsAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** Entrants, in registration order. Empty for the public until results are published. */
  entrants: EntrantConnection;
  /** Globally unique, opaque identifier. */
  id: Scalars['ID']['output'];
  /** Name, e.g. 焊工 or 电工. */
  name: Scalars['String']['output'];
  /** Occupation code in the national classification. */
  occupationCode?: Maybe<Scalars['String']['output']>;
  /** Weight of the practical part in percent (实操); theory + practical = 100. */
  practicalWeight: Scalars['Int']['output'];
  /** Scheduled start. */
  startsAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** Weight of the theory part in percent (理论). */
  theoryWeight: Scalars['Int']['output'];
  /** When the record last changed. */
  updatedAt: Scalars['DateTimeISO']['output'];
  /** Venue (赛场). */
  venue?: Maybe<Scalars['String']['output']>;
};


/** A trade or event (工种/赛项) of a competition. */
export type TradeEntrantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  statuses?: InputMaybe<Array<EntrantStatus>>;
};

/** A page of Trade items (Relay connection). */
export type TradeConnection = {
  /** The edges of this page. */
  edges: Array<TradeEdge>;
  /** The nodes of this page, without cursors. */
  nodes: Array<Trade>;
  /** Pagination state. */
  pageInfo: PageInfo;
  /** How many items match in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge to a Trade. */
export type TradeEdge = {
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The Trade at the end of the edge. */
  node: Trade;
};

/** Result of a mutation on a Trade. */
export type TradePayload = {
  /** Expected failures; empty on success. */
  errors: Array<UserError>;
  /** The Trade as it is after the mutation; null on failure. */
  trade?: Maybe<Trade>;
};

/** Moves a competition to another lifecycle state. */
export type TransitionCompetitionInput = {
  /** The competition. */
  id: Scalars['ID']['input'];
  /** Why, for the record (up to 500 characters). */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** Target state; must be allowed from the current one. */
  to: CompetitionStatus;
};

/** Rollups over a union and everything under it. */
export type UnionStatistics = {
  /** Competitions hosted in the subtree, by kind and state. */
  competitionsByKindAndStatus: Array<CompetitionCount>;
  /** Entrants of those competitions, by state. */
  entrantsByStatus: Array<EntrantCount>;
  /** Organizations in the subtree, the union included. */
  organizations: Scalars['Int']['output'];
  /** People employed in the subtree. */
  people: Scalars['Int']['output'];
  /** People employed in the subtree with honors, by kind of honor. */
  peopleWithHonorsByKind: Array<HonorCount>;
  /** Trades of competitions hosted in the subtree. */
  trades: Scalars['Int']['output'];
  /** The union at the root of the rollup. */
  union: Organization;
};

/** Changes to a competition; omitted fields stay as they are. */
export type UpdateCompetitionInput = {
  /** New description; empty clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** New last day, YYYY-MM-DD. */
  endsOn?: InputMaybe<Scalars['String']['input']>;
  /** The competition. */
  id: Scalars['ID']['input'];
  /** New name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New first day, YYYY-MM-DD. */
  startsOn?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to an organization’s names. */
export type UpdateOrganizationInput = {
  /** The organization to change. */
  id: Scalars['ID']['input'];
  /** New full name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New short name; empty clears it. */
  shortName?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a person; omitted fields stay as they are. */
export type UpdatePersonInput = {
  /** New employer (within your union). */
  employerId?: InputMaybe<Scalars['ID']['input']>;
  /** The person. */
  id: Scalars['ID']['input'];
  /** New name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New occupation; empty clears it. */
  occupation?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a trade; omitted fields stay as they are. */
export type UpdateTradeInput = {
  /** New capacity; not below the active entrants. */
  capacity?: InputMaybe<Scalars['Int']['input']>;
  /** New scheduled end. */
  endsAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** The trade. */
  id: Scalars['ID']['input'];
  /** New name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New practical weight (give both weights together). */
  practicalWeight?: InputMaybe<Scalars['Int']['input']>;
  /** New scheduled start. */
  startsAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** New theory weight (give both weights together). */
  theoryWeight?: InputMaybe<Scalars['Int']['input']>;
  /** New venue; empty clears it. */
  venue?: InputMaybe<Scalars['String']['input']>;
};

/** An expected failure of a mutation (validation or a business rule). */
export type UserError = {
  /** Stable code to switch on. */
  code: ErrorCode;
  /** Input field the error is about, as a path (e.g. `input.name`, `rows.3.employer`). */
  field?: Maybe<Scalars['String']['output']>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** The caller, as the server sees them. */
export type ViewerInfo = {
  /** The signed-in account. */
  account?: Maybe<Account>;
  /** Anonymous, a signed-in account, or an API key. */
  kind: ViewerKind;
  /** Union the caller is bound to. */
  organization?: Maybe<Organization>;
  /** Role of the signed-in account. */
  role?: Maybe<Role>;
  /** Scopes of the API key; empty for accounts. */
  scopes: Array<Scalars['String']['output']>;
};

/** How the caller authenticated. */
export type ViewerKind =
  | 'ACCOUNT'
  | 'ANONYMOUS'
  | 'API_KEY';

/** Lifecycle state; moves only along allowed transitions (see `allowedTransitions`). */
export type CompetitionStatus =
  /** Closed for good. */
  | 'ARCHIVED'
  /** Being configured; visible to organizers only. */
  | 'DRAFT'
  /** Results published (公示). */
  | 'PUBLISHED'
  /** Entrants may register. */
  | 'REGISTRATION_OPEN'
  /** The contest is under way. */
  | 'RUNNING'
  /** Scoring finished; results being checked. */
  | 'SCORING_CLOSED';

/** A new union or enterprise. */
export type CreateOrganizationInput = {
  /** Level; must be deeper than the parent’s. */
  level: OrganizationLevel;
  /** Full name (1–200 characters). */
  name: string;
  /** Parent union; omitted only by platform admins for a root. */
  parentId?: string | null | undefined;
  /** Short name (up to 100 characters). */
  shortName?: string | null | undefined;
};

/** Registration state of an entrant. */
export type EntrantStatus =
  /** Approved to compete (资格审核通过). */
  | 'APPROVED'
  /** Checked in at the venue (检录). */
  | 'CHECKED_IN'
  /** Disqualified; frees a place. */
  | 'DISQUALIFIED'
  /** Registered, awaiting approval (报名). */
  | 'REGISTERED'
  /** Withdrew; frees a place. */
  | 'WITHDRAWN';

/** Stable machine-readable code of an expected failure. */
export type ErrorCode =
  | 'CAPACITY_EXCEEDED'
  | 'COMPETITION_CLOSED'
  | 'DUPLICATE'
  | 'IMPORT_INVALID'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_HIERARCHY'
  | 'INVALID_ID'
  | 'INVALID_TRANSITION'
  | 'KIND_MISMATCH'
  | 'NOT_FOUND'
  | 'OUTSIDE_SCOPE'
  | 'OUT_OF_RANGE'
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'VALIDATION'
  | 'WEIGHTS_MUST_SUM_TO_100';

/** Moves an organization and its whole subtree under a new parent. */
export type MoveOrganizationInput = {
  /** The organization to move. */
  id: string;
  /** Its new parent. */
  newParentId: string;
};

/** Filters on the list of organizations; all given filters must match. */
export type OrganizationFilter = {
  /** Only these levels. */
  levels?: Array<OrganizationLevel> | null | undefined;
  /** Only direct children of this organization. */
  parentId?: string | null | undefined;
  /** Only roots (organizations without a parent). */
  roots?: boolean | null | undefined;
  /** Name contains this text. */
  search?: string | null | undefined;
  /** Only organizations in the subtree under this one (itself excluded). */
  under?: string | null | undefined;
};

/** Level of a union in the hierarchy (全国 → 省 → 市 → 县/区 → 街道/乡镇 → 企业). */
export type OrganizationLevel =
  /** City federation (市总工会). */
  | 'CITY'
  /** County or district federation (县/区总工会). */
  | 'DISTRICT'
  /** Enterprise union (企业工会); enterprise groups nest enterprises under them. */
  | 'ENTERPRISE'
  /** National federation (全国总工会). */
  | 'NATIONAL'
  /** Provincial federation (省总工会). */
  | 'PROVINCE'
  /** Street or town union (街道/乡镇总工会). */
  | 'STREET';

/** Changes to an organization’s names. */
export type UpdateOrganizationInput = {
  /** The organization to change. */
  id: string;
  /** New full name. */
  name?: string | null | undefined;
  /** New short name; empty clears it. */
  shortName?: string | null | undefined;
};

export type OrganizationTreeQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: OrganizationFilter | null | undefined;
}>;


export type OrganizationTreeQuery = { organizations: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, level: OrganizationLevel, depth: number, parent: { id: string, name: string } | null, ancestors: Array<{ name: string }> } }> } };

export type CreateOrganizationMutationVariables = Exact<{
  input: CreateOrganizationInput;
}>;


export type CreateOrganizationMutation = { createOrganization: { organization: { id: string, name: string, shortName: string | null, level: OrganizationLevel, depth: number, parent: { id: string } | null } | null, errors: Array<{ field: string | null, message: string, code: ErrorCode }> } };

export type UpdateOrganizationMutationVariables = Exact<{
  input: UpdateOrganizationInput;
}>;


export type UpdateOrganizationMutation = { updateOrganization: { organization: { id: string, name: string, shortName: string | null } | null, errors: Array<{ field: string | null, message: string, code: ErrorCode }> } };

export type MoveOrganizationMutationVariables = Exact<{
  input: MoveOrganizationInput;
}>;


export type MoveOrganizationMutation = { moveOrganization: { organization: { id: string, depth: number, parent: { id: string } | null, ancestors: Array<{ id: string }> } | null, errors: Array<{ field: string | null, message: string, code: ErrorCode }> } };

export type NodeByIdQueryVariables = Exact<{
  id: string;
}>;


export type NodeByIdQuery = { node:
    | { id: string }
    | { id: string }
    | { name: string, status: CompetitionStatus, id: string }
    | { id: string, entrantStatus: EntrantStatus }
    | { id: string }
    | { name: string, level: OrganizationLevel, id: string }
    | { name: string, id: string }
    | { id: string }
    | { name: string, id: string }
   | null };


export const OrganizationTreeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrganizationTree"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"OrganizationFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organizations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"depth"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ancestors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<OrganizationTreeQuery, OrganizationTreeQueryVariables>;
export const CreateOrganizationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateOrganization"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateOrganizationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createOrganization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"shortName"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"depth"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<CreateOrganizationMutation, CreateOrganizationMutationVariables>;
export const UpdateOrganizationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateOrganization"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateOrganizationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateOrganization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"shortName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateOrganizationMutation, UpdateOrganizationMutationVariables>;
export const MoveOrganizationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MoveOrganization"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MoveOrganizationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"moveOrganization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"depth"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ancestors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<MoveOrganizationMutation, MoveOrganizationMutationVariables>;
export const NodeByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Organization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Competition"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Person"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Trade"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Entrant"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"entrantStatus"},"name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<NodeByIdQuery, NodeByIdQueryVariables>;