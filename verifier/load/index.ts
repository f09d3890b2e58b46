// The load runner: starts the trace and bursts as k6 processes and reads their results.

export {
  readBurstResult,
  readTraceResults,
  readTraceSamples,
  type TraceLatency,
  type TraceResults,
  type TraceSample,
} from './k6-results.ts';
export {
  burstVuPool,
  burstVus,
  defaultLatencyMs,
  exitProblem,
  type K6Exit,
  K6ExitError,
  type K6Process,
  type K6RunOptions,
  k6ExitCodes,
  type Spawn,
  type SpawnedProcess,
  type StartBurstOptions,
  type StartTraceOptions,
  startBurst,
  startTrace,
  segmentArgs,
  traceVusDefault,
} from './k6-runner.ts';
export { mergeBurstResults, type Release, type SegmentedBurst, type SegmentedBurstOptions, startSegmentedBurst } from './k6-segments.ts';
export { type LatencyProbe, probeLatency } from './latency.ts';
export { LoadError } from '../errors.ts';
