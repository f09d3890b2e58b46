// The layers of verifier/, lowest first: a folder imports only from folders below it (and from
// errors.ts / http.ts at the bottom). `npm run lint` runs this; break a rule and lint fails, naming
// the import. Tests may reach across (a test of run/ builds reports to assert on them); product
// code may not.
//
//   errors.ts http.ts package-root.ts   the error hierarchy and exit codes, the one HTTP client, gameday's own files
//   plan/                the plan: schema, YAML with positions, diagnostics
//   journal/             event types, append-only writer and reader, clock offset
//   alerting/            pure model of the pipeline: PromQL shape, scrape settings, routes, bounds, labels
//   observe/ load/ faults/ toolchain/ stack/   talking to the world: monitoring, k6, injectors, installs
//   analyze/             pure: journal -> verdicts, impact
//   report/              pure renderers of the analysis
//   preflight/ audit/    what `gameday check` and `gameday run` verify before anything is injected;
//                        what `gameday audit` finds in alerting rules
//   run/                 the game day: schedule, fault lifecycle, loads, reconcile, recover
//   live/                consumers of journal events: progress, gameday's own metrics
//   commands/            one file per CLI command
//   cli.ts index.ts      the command table; the library's public surface

const layers = [
  ['verifier/(errors|http|package-root)\\.ts$'],
  ['verifier/plan/'],
  ['verifier/journal/'],
  ['verifier/alerting/'],
  ['verifier/(observe|load|faults|toolchain|stack)/'],
  ['verifier/analyze/'],
  ['verifier/report/'],
  ['verifier/(preflight|audit)/'],
  ['verifier/run/'],
  ['verifier/live/'],
  ['verifier/commands/'],
  ['verifier/(cli|index)\\.ts$'],
];

const testFiles = '(\\.test\\.ts$|/testing/|/fixtures/)';

const upward = layers.flatMap(([from], index) => {
  const higher = layers.slice(index + 1).map(([path]) => path);
  if (higher.length === 0) return [];
  return [
    {
      name: `layer-${index}-imports-upward`,
      comment: `${from} is below ${higher.join(', ')}: it must not import them (see the layer list at the top of .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: from, pathNot: testFiles },
      to: { path: `(${higher.join('|')})` },
    },
  ];
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make the data flow impossible to follow; move the shared part down a layer.',
      severity: 'error',
      from: { path: '^verifier/', pathNot: testFiles },
      to: { circular: true, viaOnly: { pathNot: testFiles } },
    },
    ...upward,
    {
      name: 'index-reexports-only',
      comment: 'verifier/index.ts is the public surface: product code imports the module it needs, not the barrel.',
      severity: 'error',
      from: { path: '^verifier/', pathNot: `(${testFiles}|^verifier/index\\.ts$)` },
      to: { path: '^verifier/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|\\.tools|runs|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
