// node:test reporter that tallies leaf tests (suites excluded) and writes the
// totals as JSON; scripts/test.mjs prints the closing summary line from it.
export default async function* reporter(source) {
  const t = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const d = ev.data;
    if (d.details?.type === 'suite') continue;
    if (d.skip !== undefined && d.skip !== false) {
      t.skipped++;
      t.skips.push(`${d.name}: ${typeof d.skip === 'string' ? d.skip : 'skipped'}`);
    } else if (d.todo !== undefined && d.todo !== false) t.skipped++;
    else if (ev.type === 'test:pass') t.passed++;
    else { t.failed++; t.failures.push(`${d.file ?? ''} › ${d.name}`); }
  }
  yield JSON.stringify(t);
}
