declare module '../../shared/events/domain-events' {
  interface DomainEvents {
    /** An organization and its subtree moved under another parent: their paths changed. */
    ORGANIZATION_MOVED: { organizationId: number };
  }
}

export {};
