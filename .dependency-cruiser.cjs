/**
 * Import rules checked by `npm run deps:check` (part of `npm test`). `src/shared` is the
 * vocabulary every module uses, so it must not know any module; and no import may go round in a
 * circle, so a module's dependencies can be read one way.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the load order fragile and the modules impossible to read one way.',
      from: { path: '^src/' },
      to: { circular: true },
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
