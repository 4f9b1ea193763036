// Fills test/engine/filter/tshark-answers.json with tshark's answers for the filter
// table (only the missing entries, or all with --all). Not a test:
//   node scripts/build.mjs && node dist/test/engine/filter/make-answers.js [--all]
import { TSHARK_TABLE } from './tshark-table';
import { answerKey, loadAnswers, pool, saveAnswers, tsharkFrames } from './tshark-oracle';

async function main(): Promise<void> {
  const all = process.argv.includes('--all');
  const answers = all ? {} : loadAnswers();
  const jobs = TSHARK_TABLE.flatMap((c) => c.files.map((file) => ({ file, filter: c.filter })))
    .filter((j) => !(answerKey(j.file, j.filter) in answers));
  let failed = 0;
  await pool(jobs, 2, async ({ file, filter }) => {
    try {
      answers[answerKey(file, filter)] = await tsharkFrames(file, filter);
    } catch (e) {
      failed++;
      console.error(`${file}: ${filter}: ${(e as Error).message}`);
    }
  });
  saveAnswers(answers);
  console.log(`${jobs.length - failed} answers added, ${failed} refused by tshark`);
  process.exitCode = failed ? 1 : 0;
}

void main();
