/**
 * The house's import rules (docs/architecture.md), checked by `npm run lint:imports` in `npm test`:
 * - lib/ is layered: a folder imports only folders of lower layers (and itself), never a sibling;
 * - no import circles;
 * - outside a folder, only its front door (index.ts) is imported; tests may reach inside;
 * - test doubles (lib/testing) are imported only by tests and the e2e servers.
 * Type-only imports count (tsPreCompilationDeps): a type is part of a module's dependencies too.
 */

// Lowest first. `config`, `log` and `metrics` are single files; the rest are folders.
const LAYERS = [
  ['log', 'process'],
  ['db', 'http'],
  ['webex'],
  ['saml', 'webex-rest', 'secrets', 'metrics'],
  ['audit'],
  ['identity'],
  ['credentials'],
  ['mappings'],
  ['launch', 'meetings'],
  ['sign-out'],
  ['config'],
  ['server'],
];

const TESTS = '\\.(test|spec)\\.tsx?$';
const unit = (name) => `^lib/${name}(\\.ts$|/)`;

const layerRules = LAYERS.flatMap((layer, rank) =>
  layer.flatMap((name) => {
    const notBelow = LAYERS.slice(rank)
      .flat()
      .filter((other) => other !== name);
    if (notBelow.length === 0) return [];
    return {
      name: `layer-${name}`,
      comment: `lib/${name} imports only lower layers: not ${notBelow.join(', ')}`,
      severity: 'error',
      from: { path: unit(name), pathNot: TESTS },
      to: { path: notBelow.map(unit).join('|') },
    };
  }),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import circle means two modules are one concern, or one of them is in the wrong layer',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'front-door-only',
      comment: 'outside a lib folder, import it through its index.ts (tests may reach inside)',
      severity: 'error',
      from: { path: '^(app|scripts|e2e|lib/([^/]+))/|^(proxy|instrumentation)\\.ts$', pathNot: TESTS },
      to: { path: '^lib/[^/]+/', pathNot: ['^lib/[^/]+/index\\.ts$', '^lib/$2/', '^lib/testing/'] },
    },
    {
      name: 'test-doubles-only-in-tests',
      comment: 'lib/testing holds test doubles: production code never imports them',
      severity: 'error',
      from: { path: '^(app|scripts|lib)/|^(proxy|instrumentation)\\.ts$', pathNot: [TESTS, '^lib/testing/'] },
      to: { path: '^lib/testing/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.next|node_modules|data|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
