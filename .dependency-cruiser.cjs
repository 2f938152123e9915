/**
 * Import rules checked by `npm run deps:check` (part of `npm test`). `src/shared` is the
 * vocabulary every module uses, so it must not know any module; and no import may go round in a
 * circle, so a module's dependencies can be read one way.
 */
/**
 * Feature modules in the order they may depend on each other: a module imports only modules
 * before it. Reactions that would point the other way go through domain events
 * (src/shared/events), e.g. the leaderboard projects RESULT_INPUTS_CHANGED, a campaign's
 * honors project RESULTS_FINAL.
 */
const MODULE_LAYERS = [
  'organization',
  'person',
  'account',
  'audit',
  'competition',
  'scoring',
  'leaderboard',
  'campaign',
  'studio',
  'statistics',
  'documents',
  'webhook',
  'node',
];

const layerRules = MODULE_LAYERS.slice(0, -1).map((name, i) => ({
  name: `module-${name}-imports-only-earlier-modules`,
  severity: 'error',
  comment: `modules depend one way (${MODULE_LAYERS.join(' → ')}): ${name} may not import a later one`,
  from: { path: `^src/modules/${name}/` },
  to: { path: `^src/modules/(${MODULE_LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the load order fragile and the modules impossible to read one way.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'module-not-in-layers',
      severity: 'error',
      comment: 'a new module takes its place in MODULE_LAYERS above',
      from: { path: '^src/modules/' },
      to: { path: `^src/modules/(?!(${MODULE_LAYERS.join('|')})/)` },
    },
    {
      name: 'shared-knows-no-module',
      severity: 'error',
      comment:
        'src/shared is used by every module; modules add to it at start-up (registries, declaration merging).',
      from: { path: '^src/shared/' },
      to: { path: '^src/(modules/|loaders|schema|server|main|entities)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
