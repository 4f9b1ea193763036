// Fills test/engine/filter/tshark-answers.json with tshark's answers for the
// filter tables (only the missing entries, or all with --all). Not a test:
//   node scripts/build.mjs && node dist/test/engine/filter/make-answers.js [--all]
import { TSHARK_TABLE } from './tshark-table';
import { LANGUAGE_TABLE } from './tshark-language';
import { answerKey, isRefusal, loadAnswers, pool, saveAnswers, tsharkVerdict } from './tshark-oracle';

async function main(): Promise<void> {
  const all = process.argv.includes('--all');
  const answers = all ? {} : loadAnswers();
  const jobs = [...TSHARK_TABLE, ...LANGUAGE_TABLE].flatMap((c) => c.files.map((file) => ({ file, filter: c.filter })))
    .filter((j) => !(answerKey(j.file, j.filter) in answers));
  let refused = 0, failed = 0;
  await pool(jobs, 2, async ({ file, filter }) => {
    try {
      const v = await tsharkVerdict(file, filter);
      if (isRefusal(v)) refused++;
      answers[answerKey(file, filter)] = v;
    } catch (e) {
      failed++;
      console.error((e as Error).message);
    }
  });
  saveAnswers(answers);
  console.log(`${jobs.length - failed} answers added (${refused} refusals), ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

void main();
