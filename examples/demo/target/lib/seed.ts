// The keys the demo serves from the start: the burst reads burst-0..99, the trace writes trace-0..19.
export function seedEntries(): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (let i = 0; i < 100; i++) entries.push([`burst-${i}`, `seed-burst-${i}`]);
  for (let i = 0; i < 20; i++) entries.push([`trace-${i}`, `seed-trace-${i}`]);
  return entries;
}
