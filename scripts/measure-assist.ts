/**
 * `npm run measure:assist [-- <set.json>] [--errors=dev|holdout|all]`: how well the built-in
 * assistive-review rules do on a labelled set of clauses, and how fast they check a draft.
 *
 * 1. Quality: every item of the set (default test/fixtures/assist/clauses.json) is checked (a
 *    `text` as one clause without the whole-document rules, `articles` as a whole document); the
 *    categories flagged are compared with the expected ones. Prints precision and recall per
 *    category and overall (micro-averaged), for the `dev` part, the `holdout` part and all.
 *    `--errors=dev` lists the misses and false alarms of that part (never look at holdout's while
 *    writing rules).
 * 2. Speed: a 100-article draft (articles of about 150 characters joined from the set's
 *    clauses), checked RUNS times (default 500)
 *    after a warm-up; prints p50, p99 and max of the wall time, the mean CPU time per check (which
 *    waiting for a core on a shared machine does not inflate), and how long compiling the set takes.
 *
 * Set format: { checkedOn?, items: [{ id, split?, expected: [category], text | articles, legalBasis? }] }.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ASSIST_CATEGORIES, builtinRuleSet, checkArticles, ruleSet, type AssistCategory } from '../domain/assist';
import { percentile } from './percentile';

interface Item {
  id: string;
  split?: string;
  expected: AssistCategory[];
  text?: string;
  articles?: string[];
  legalBasis?: string[];
}

interface LabelledSet {
  checkedOn?: string;
  items: Item[];
}

const args = process.argv.slice(2);
const setPath = args.find((a) => !a.startsWith('--')) ?? path.join(__dirname, '../test/fixtures/assist/clauses.json');
const errorsFor = args.find((a) => a.startsWith('--errors='))?.slice('--errors='.length);
const RUNS = Number(process.env.RUNS ?? 500);

const labelled = JSON.parse(readFileSync(setPath, 'utf8')) as LabelledSet;
const unknown = labelled.items.filter((i) =>
  i.expected.some((c) => !(ASSIST_CATEGORIES as readonly string[]).includes(c)),
);
if (unknown.length) {
  console.error(
    `unknown categories in ${unknown.map((i) => i.id).join(', ')}; expected one of ${ASSIST_CATEGORIES.join(', ')}`,
  );
  process.exit(1);
}
const set = builtinRuleSet();

function flaggedCategories(item: Item): Set<AssistCategory> {
  const articles = (item.articles ?? [item.text ?? '']).map((text, i) => ({ number: String(i + 1), text }));
  const result = checkArticles(
    set,
    { articles, legalBasis: item.legalBasis },
    { checkedOn: labelled.checkedOn, wholeDocument: item.articles !== undefined },
  );
  return new Set(result.flags.map((f) => f.category));
}

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

function evaluate(items: Item[]): { perCategory: Map<AssistCategory, Tally>; errors: string[]; exact: number } {
  const perCategory = new Map(ASSIST_CATEGORIES.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  const errors: string[] = [];
  let exact = 0;
  for (const item of items) {
    const got = flaggedCategories(item);
    const want = new Set(item.expected);
    let right = true;
    for (const c of ASSIST_CATEGORIES) {
      const tally = perCategory.get(c)!;
      if (got.has(c) && want.has(c)) tally.tp++;
      else if (got.has(c)) {
        tally.fp++;
        right = false;
        errors.push(`  FP ${c.padEnd(19)} ${item.id} ${item.text ?? item.articles?.join(' / ')}`);
      } else if (want.has(c)) {
        tally.fn++;
        right = false;
        errors.push(`  FN ${c.padEnd(19)} ${item.id} ${item.text ?? item.articles?.join(' / ')}`);
      }
    }
    if (right) exact++;
  }
  return { perCategory, errors, exact };
}

const ratio = (num: number, den: number) => (den === 0 ? '   —' : (num / den).toFixed(2));

function printTable(title: string, items: Item[]): void {
  const { perCategory, errors, exact } = evaluate(items);
  const negatives = items.filter((i) => i.expected.length === 0).length;
  console.log(`\n${title}: ${items.length} items (${negatives} should raise no flag), ${exact} exactly right`);
  console.log('category             expected   TP   FP   FN  precision  recall');
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const [c, t] of perCategory) {
    total.tp += t.tp;
    total.fp += t.fp;
    total.fn += t.fn;
    console.log(
      `${c.padEnd(20)} ${String(t.tp + t.fn).padStart(8)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}  ${ratio(t.tp, t.tp + t.fp).padStart(9)}  ${ratio(t.tp, t.tp + t.fn).padStart(6)}`,
    );
  }
  console.log(
    `${'overall (micro)'.padEnd(20)} ${String(total.tp + total.fn).padStart(8)} ${String(total.tp).padStart(4)} ${String(total.fp).padStart(4)} ${String(total.fn).padStart(4)}  ${ratio(total.tp, total.tp + total.fp).padStart(9)}  ${ratio(total.tp, total.tp + total.fn).padStart(6)}`,
  );
  if (errorsFor && (errorsFor === 'all' || title.startsWith(errorsFor))) console.log(errors.join('\n'));
}

function measureSpeed(): void {
  // Articles of about 150 characters, as real drafts have: consecutive clauses of the set joined.
  const clauses = labelled.items.flatMap((i) => (i.text ? [i.text] : (i.articles ?? [])));
  let next = 0;
  const articles = Array.from({ length: 100 }, (_, i) => {
    let text = '';
    while (text.length < 150) text += clauses[next++ % clauses.length];
    return { number: String(i + 1), text };
  });
  const input = {
    articles,
    legalBasis: ['《中华人民共和国行政许可法》', '《中华人民共和国合同法》', '《某某市停车管理条例》'],
  };
  const options = { checkedOn: labelled.checkedOn ?? '2026-12-04' };
  const chars = articles.reduce((n, a) => n + a.text.length, 0);
  for (let i = 0; i < 50; i++) checkArticles(set, input, options);
  const times: number[] = [];
  let flags = 0;
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    flags = checkArticles(set, input, options).flags.length;
    times.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuBefore);
  times.sort((a, b) => a - b);
  console.log(
    `\nspeed: a 100-article draft (${chars} characters, ${set.rules.length} rules, ${flags} flags), ${RUNS} runs: ` +
      `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`,
  );
  // Wall time includes waiting for a core on a shared machine; CPU time per check does not.
  console.log(
    `CPU time per check (user + system, mean over the runs): ${((cpu.user + cpu.system) / 1000 / RUNS).toFixed(2)} ms`,
  );
  const compiles: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    ruleSet();
    compiles.push(performance.now() - start);
  }
  compiles.sort((a, b) => a - b);
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} (shared; figures rise with load)`,
  );
  console.log(
    `compiling the built-in set (done once per process or per guideline change): p50 ${percentile(compiles, 50).toFixed(2)} ms`,
  );
}

console.log(
  `set: ${path.relative(process.cwd(), setPath)}; rules ${set.rulesVersion}; checked on ${labelled.checkedOn ?? '(no date)'}`,
);
const splits = [...new Set(labelled.items.map((i) => i.split).filter((s): s is string => s !== undefined))];
for (const split of splits)
  printTable(
    split,
    labelled.items.filter((i) => i.split === split),
  );
printTable('all', labelled.items);
measureSpeed();
