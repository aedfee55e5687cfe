/**
 * `npm run measure:precedents`: how well and how fast the precedent library finds past comments.
 *
 * Quality (always; in memory, a few seconds): the labelled set of test/fixtures/precedents/
 * (2,400 generated comments of closed reviews, 60+ queries of six kinds, relevance by topic and
 * filters). For each query, precision@5 and recall@20 of
 * - the library's ranking (domain/search/library.ts), and the same with other term kinds
 *   (ICU words only, bigrams only) and without its phrase bonus or context field;
 * - the baseline: comments whose text contains the query string, newest first, with the same
 *   filters; and a kinder baseline that asks for each space-separated part (AND).
 * Also the task page's panel (P@5 of the five most similar comments for a fresh article of each
 * topic) and how often the checklist item read from a comment is its true one.
 *
 * Speed (`--speed`): starts a throw-away embedded store (as test/global-setup.ts does), seeds
 * 50,000 comments of closed reviews (SPEED_COMMENTS) through reviews, versions and comments,
 * indexes them with indexClosedReview, loads a PrecedentSearcher, and times searchPrecedents
 * (p50/p99 over a mix of queries with and without filters, interleaved) and the precedents panel
 * of a 30-article draft (5 similar comments per article). Also: how long a process takes to load
 * the library, from packed blocks and review by review, and where a search's time goes.
 *
 * Options: --verbose (a line per query), --speed, SPEED_COMMENTS=n, SPEED_ROUNDS=n.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CheckItem } from '../domain/model';
import { bigramsOf, wordsOf } from '../domain/search/analyse';
import { checklistItemOf } from '../domain/search/checklist';
import {
  DEFAULT_RANKING,
  periodBounds,
  PrecedentLibrary,
  precedentWords,
  type Precedent,
  type PrecedentPosition,
  type PrecedentSearch,
  type PrecedentWords,
  type RankingSettings,
} from '../domain/search/library';
import {
  indexClosedReview,
  precedentsOfReview,
  PrecedentSearcher,
  searchPrecedents,
  similarForArticle,
  similarForArticles,
  type PrecedentQuery,
} from '../features/exchange/precedents';
import jwt from 'jsonwebtoken';
import { createApp } from '../api/app';
import { connectMongo } from '../bin/connections';
import type { AppContext } from '../features/context';
import { searcherFor } from '../features/exchange/use-cases';
import { loadConfig } from '../platform/config';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { createModels, ensureIndexes } from '../store/models';
import { createPrecedentModels } from '../store/precedents';
import { generateReviews, panelArticles, storeDocs, type SeedReview } from '../test/fixtures/precedents/corpus';
import { DOMAIN_TERMS, QUERIES, type LabelledQuery, type QueryKind } from '../test/fixtures/precedents/queries';
import { percentile } from './percentile';

const QUALITY_SEED = 20261127;
const QUALITY_COMMENTS = 2400;
const verbose = process.argv.includes('--verbose');

interface Labelled {
  precedent: Precedent;
  topics: string[];
  item: CheckItem;
}

function labelledSet(reviews: readonly SeedReview[]): Labelled[] {
  return reviews.flatMap((seed) => {
    const { review, version, comments } = storeDocs(seed);
    const labels = new Map(seed.comments.map((c) => [c.id, c]));
    return precedentsOfReview(review, comments, [version]).map((precedent) => {
      const label = labels.get(precedent.commentId)!;
      return { precedent, topics: label.topics, item: label.item };
    });
  });
}

/** The comments a query should find: its topics, within its filters (the true checklist item). */
function relevantTo(query: LabelledQuery, set: readonly Labelled[]): Set<string> {
  const f = query.filters ?? {};
  const { from, to } = periodBounds(f);
  return new Set(
    set
      .filter(
        ({ precedent: p, topics, item }) =>
          topics.some((t) => query.topics.includes(t)) &&
          (f.region === undefined || p.region === f.region) &&
          (f.severity === undefined || p.severity === f.severity) &&
          (f.conclusion === undefined || p.conclusion === f.conclusion) &&
          (f.checklistItem === undefined || item === f.checklistItem) &&
          Date.parse(p.closedAt) >= from &&
          Date.parse(p.closedAt) <= to,
      )
      .map(({ precedent }) => precedent.commentId),
  );
}

/** The baseline: comments (within the filters) whose text contains the query, newest first. */
function substringMatch(query: LabelledQuery, set: readonly Labelled[], allParts: boolean): string[] {
  const f = query.filters ?? {};
  const { from, to } = periodBounds(f);
  const parts = allParts ? query.q.split(/\s+/).filter(Boolean) : [query.q];
  return set
    .map(({ precedent }) => precedent)
    .filter(
      (p) =>
        parts.every((part) => p.text.includes(part)) &&
        (f.region === undefined || p.region === f.region) &&
        (f.severity === undefined || p.severity === f.severity) &&
        (f.conclusion === undefined || p.conclusion === f.conclusion) &&
        (f.checklistItem === undefined || p.checklistItem === f.checklistItem) &&
        Date.parse(p.closedAt) >= from &&
        Date.parse(p.closedAt) <= to,
    )
    .sort((a, b) => Date.parse(b.closedAt) - Date.parse(a.closedAt))
    .map((p) => p.commentId);
}

interface Scores {
  p5: number;
  r20: number;
  /** Precision at rank |relevant|: where the metrics above saturate, this still tells rankings apart. */
  rPrecision: number;
}

function score(ranked: readonly string[], relevant: ReadonlySet<string>): Scores {
  const hits = (n: number) => ranked.slice(0, n).filter((id) => relevant.has(id)).length;
  return {
    p5: hits(5) / 5,
    r20: relevant.size === 0 ? 0 : hits(20) / relevant.size,
    rPrecision: relevant.size === 0 ? 0 : hits(relevant.size) / relevant.size,
  };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const fmt = (x: number) => x.toFixed(3);

interface Variant {
  name: string;
  settings: RankingSettings;
}

const VARIANTS: Variant[] = [
  { name: 'words+bigrams (chosen)', settings: DEFAULT_RANKING },
  { name: 'ICU words only', settings: { ...DEFAULT_RANKING, terms: 'words' } },
  { name: 'bigrams only', settings: { ...DEFAULT_RANKING, terms: 'bigrams' } },
  { name: 'no phrase bonus', settings: { ...DEFAULT_RANKING, phraseBonus: 0 } },
  { name: 'no context field', settings: { ...DEFAULT_RANKING, contextWeight: 0 } },
];

/** The first `n` hits, page after page (the cursor's way, so paging is measured too). */
function searchAll(library: PrecedentLibrary, query: Omit<PrecedentSearch, 'limit' | 'after'>, n: number): string[] {
  const ids: string[] = [];
  let after: PrecedentPosition | undefined;
  do {
    const page = library.search({ ...query, limit: 100, ...(after && { after }) });
    ids.push(...page.items.map((x) => x.commentId));
    after = page.next ?? undefined;
  } while (after && ids.length < n);
  return ids.slice(0, n);
}

function buildLibrary(settings: RankingSettings, set: readonly Labelled[], words: PrecedentWords[]): PrecedentLibrary {
  const library = new PrecedentLibrary(settings);
  set.forEach(({ precedent }, i) => library.add(precedent, words[i]));
  return library;
}

function measureQuality(): void {
  const reviews = generateReviews(QUALITY_SEED, QUALITY_COMMENTS);
  const set = labelledSet(reviews);
  const started = performance.now();
  const words = set.map(({ precedent }) => precedentWords(precedent));
  const analysisMs = performance.now() - started;
  console.log(
    `labelled set: ${set.length} comments in ${reviews.length} closed reviews, ${QUERIES.length} queries ` +
      `(analysis ${analysisMs.toFixed(0)} ms, ${((set.length / analysisMs) * 1000).toFixed(0)} comments/s)`,
  );
  const relevant = QUERIES.map((q) => relevantTo(q, set));
  const sizes = relevant.map((r) => r.size);
  console.log(
    `relevant comments per query: median ${[...sizes].sort((a, b) => a - b)[sizes.length >> 1]}, ` +
      `${Math.min(...sizes)}–${Math.max(...sizes)}; recall@20 can reach at most ${fmt(mean(sizes.map((n) => Math.min(1, 20 / n))))} on average`,
  );

  type Run = { name: string; perQuery: Scores[] };
  const runs: Run[] = [];
  for (const variant of VARIANTS) {
    const library = buildLibrary(variant.settings, set, words);
    const perQuery = QUERIES.map((q, i) => {
      return score(searchAll(library, { q: q.q, ...q.filters }, Math.max(20, relevant[i].size)), relevant[i]);
    });
    runs.push({ name: variant.name, perQuery });
  }
  runs.push({
    name: 'baseline: substring',
    perQuery: QUERIES.map((q, i) => score(substringMatch(q, set, false), relevant[i])),
  });
  runs.push({
    name: 'baseline: every part (AND)',
    perQuery: QUERIES.map((q, i) => score(substringMatch(q, set, true), relevant[i])),
  });

  const kinds = [...new Set(QUERIES.map((q) => q.kind))] as QueryKind[];
  const header = ['', ...kinds.map((k) => `${k} (${QUERIES.filter((q) => q.kind === k).length})`), 'overall'];
  const titles = { p5: 'precision@5', r20: 'recall@20', rPrecision: 'R-precision (precision at rank |relevant|)' };
  for (const metric of ['p5', 'r20', 'rPrecision'] as const) {
    console.log(`\n${titles[metric]}, mean over queries:`);
    const rows = runs.map((run) => [
      run.name,
      ...kinds.map((k) => fmt(mean(run.perQuery.filter((_, i) => QUERIES[i].kind === k).map((s) => s[metric])))),
      fmt(mean(run.perQuery.map((s) => s[metric]))),
    ]);
    printTable([header, ...rows]);
  }
  const ours = runs[0].perQuery;
  const base = runs.find((r) => r.name === 'baseline: substring')!.perQuery;
  const better = ours.filter((s, i) => s.p5 > base[i].p5).length;
  const worse = ours.filter((s, i) => s.p5 < base[i].p5).length;
  console.log(
    `\nP@5 per query, chosen vs substring: better on ${better}, worse on ${worse}, equal on ${ours.length - better - worse}`,
  );

  if (verbose) {
    console.log('\nper query (chosen / substring): P@5  R@20  |relevant|');
    QUERIES.forEach((q, i) => {
      const f = q.filters ? ` ${JSON.stringify(q.filters)}` : '';
      console.log(
        `  ${q.kind.padEnd(13)} ${`${q.q}${f}`.padEnd(48)} ${fmt(ours[i].p5)}/${fmt(base[i].p5)}  ${fmt(ours[i].r20)}/${fmt(base[i].r20)}  ${relevant[i].size}`,
      );
    });
  }

  // The task page's panel: a fresh article of each topic; relevant: that topic's comments.
  console.log('\nprecedents panel: precision@5 of the 5 most similar comments, one fresh article per topic');
  const articles = panelArticles(QUALITY_SEED + 1);
  const panelRows = VARIANTS.slice(0, 3).map(({ name, settings }) => {
    const library = buildLibrary(settings, set, words);
    const p5 = articles.map(({ topic, text }) => {
      const hits = library.similar(text, 5);
      return hits.filter((h) => set[indexOf(set, h.commentId)].topics.includes(topic)).length / 5;
    });
    return [name, fmt(mean(p5))];
  });
  printTable([['', 'P@5'], ...panelRows]);

  measureSegmentation(
    set,
    VARIANTS.slice(0, 3).map(({ name, settings }) => ({ name, library: buildLibrary(settings, set, words) })),
  );

  const agree = set.filter(({ precedent, item }) => checklistItemOf(precedent) === item).length;
  console.log(`\nchecklist item read from the comment = its true item: ${fmt(agree / set.length)} of comments`);
}

/**
 * The evidence for the choice of terms, beyond the ranking figures above: whether ICU cuts a term
 * of the field the same way alone (a query) as inside a comment, how it cuts names it does not
 * know, what each kind of term costs, and how fast segmentation is.
 */
function measureSegmentation(set: readonly Labelled[], libraries: { name: string; library: PrecedentLibrary }[]): void {
  const icu = (text: string) => wordsOf(text);
  const texts = set.map(({ precedent }) => precedent.text);
  let occurrences = 0;
  let consistent = 0;
  const inconsistent = new Map<string, string>();
  for (const term of DOMAIN_TERMS) {
    const alone = icu(term);
    for (const text of texts) {
      if (!text.includes(term)) continue;
      occurrences++;
      const inside = icu(text);
      const found = inside.some((_, i) => alone.every((w, k) => inside[i + k] === w));
      if (found) consistent++;
      else if (!inconsistent.has(term))
        inconsistent.set(term, `${alone.join('/')} alone, but ${contextOf(inside, term)}`);
    }
  }
  console.log('\nsegmentation (Intl.Segmenter, ICU ' + process.versions.icu + '):');
  console.log(
    `  ${DOMAIN_TERMS.length} terms of the field, ${occurrences} occurrences in comments: ICU cut ${fmt(consistent / occurrences)} ` +
      'of them as it cuts the term alone (bigrams match all of them by construction)',
  );
  for (const [term, how] of inconsistent) console.log(`    ${term}: ${how}`);
  const unknown = ['通武廊', '联防联控', '进京证', '雄安新区', '非首都功能', '保证金', '溯及既往'];
  console.log(`  ICU's cuts of some terms: ${unknown.map((t) => icu(t).join('/')).join('  ')}`);
  const characters = texts.reduce((n, t) => n + t.length, 0);
  let started = performance.now();
  for (const text of texts) icu(text);
  const icuSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  for (const text of texts) bigramsOf(text);
  const bigramSeconds = (performance.now() - started) / 1000;
  console.log(
    `  speed: ICU words ${(characters / icuSeconds / 1e6).toFixed(2)}, bigrams ${(characters / bigramSeconds / 1e6).toFixed(2)} million characters a second`,
  );
  console.log('  index size over the labelled set (distinct terms / postings):');
  for (const { name, library } of libraries) {
    const { words, bigrams } = library.stats();
    console.log(
      `    ${name.padEnd(24)} words ${words.terms} / ${words.postings}, bigrams ${bigrams.terms} / ${bigrams.postings}`,
    );
  }
}

/** The words around where a term was, for showing how ICU cut it there. */
function contextOf(words: string[], term: string): string {
  const joined = words.join('/');
  const first = Array.from(term)[0];
  const at = Math.max(0, joined.indexOf(first));
  return `in a comment: …${joined.slice(Math.max(0, at - 6), at + term.length * 2 + 4)}…`;
}

const positions = new Map<readonly Labelled[], Map<string, number>>();
function indexOf(set: readonly Labelled[], commentId: string): number {
  let map = positions.get(set);
  if (!map) positions.set(set, (map = new Map(set.map(({ precedent }, i) => [precedent.commentId, i]))));
  return map.get(commentId)!;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => width(r[c]))));
  for (const row of rows) console.log('  ' + row.map((cell, c) => pad(cell, widths[c], c > 0)).join('  '));
}
/** Display width: a Han character takes two columns. */
const width = (s: string) => Array.from(s).reduce((w, ch) => w + (/\p{Script=Han}/u.test(ch) ? 2 : 1), 0);
const pad = (s: string, w: number, right: boolean) =>
  right ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s));

// ——— Speed ———

const SPEED_COMMENTS = Number(process.env.SPEED_COMMENTS ?? 50_000);
const SPEED_ROUNDS = Number(process.env.SPEED_ROUNDS ?? 5);

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** The speed mix: every labelled query with its filters, and each again without them. */
function speedQueries(): PrecedentQuery[] {
  const withFilters = QUERIES.map((q) => ({ q: q.q, ...q.filters }));
  const plain = QUERIES.filter((q) => q.filters).map((q) => ({ q: q.q }));
  const browse: PrecedentQuery[] = [{}, { region: 'tianjin' }, { severity: 'blocking', from: '2025-01-01' }];
  return [...withFilters, ...plain, ...browse];
}

async function measureSpeed(): Promise<void> {
  console.log(
    `\nspeed (load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores)`,
  );
  const { ferretdb } = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-precedents-'));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  const store = await startEmbeddedStore({ ferretdbPath: ferretdb, dataDir: dir, durable: false });
  const mongo = await connectMongo(`${store.uri}/measure`);
  try {
    const models = { ...createModels(mongo), ...createPrecedentModels(mongo) };
    await ensureIndexes(createModels(mongo));
    await models.Precedent.createIndexes();

    let started = performance.now();
    const reviews = generateReviews(7, SPEED_COMMENTS);
    const docs = reviews.map(storeDocs);
    for (let i = 0; i < docs.length; i += 500) {
      const batch = docs.slice(i, i + 500);
      await models.Review.collection.insertMany(batch.map((d) => d.review) as never[]);
      await models.Version.collection.insertMany(batch.map((d) => d.version) as never[]);
      await models.Comment.collection.insertMany(batch.flatMap((d) => d.comments) as never[]);
    }
    console.log(
      `\nseeded ${SPEED_COMMENTS} comments of ${reviews.length} closed reviews in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    started = performance.now();
    const indexTimes: number[] = [];
    const CONCURRENCY = 4;
    for (let i = 0; i < reviews.length; i += CONCURRENCY) {
      await Promise.all(
        reviews.slice(i, i + CONCURRENCY).map(async (r) => {
          const t = performance.now();
          const outcome = await indexClosedReview(models, r.reviewId);
          if (outcome !== 'indexed') throw new Error(`${r.reviewId}: ${outcome}`);
          indexTimes.push(performance.now() - t);
        }),
      );
      if (i % 2000 === 0 && i > 0) process.stdout.write(`  indexed ${i} reviews\r`);
    }
    const indexSeconds = (performance.now() - started) / 1000;
    console.log(
      `indexed them with indexClosedReview (${CONCURRENCY} at once) in ${indexSeconds.toFixed(1)} s: ` +
        `per review p50 ${ms(percentile(indexTimes, 50))}, p99 ${ms(percentile(indexTimes, 99))}`,
    );
    const stats = (await mongo.db!.command({ collStats: 'precedents' })) as { size?: number };
    if (stats.size) console.log(`precedents collection, as the store reports it: ${(stats.size / 1e6).toFixed(1)} MB`);

    const memory = () => {
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    // A process starting: once from the packed blocks the indexing wrote, once review by review
    // (as before packing; that read packs them again).
    let searcher = new PrecedentSearcher(models);
    for (const how of ['from packed blocks', 'review by review']) {
      if (how === 'review by review') await models.PrecedentBlock.deleteMany({});
      const before = memory();
      started = performance.now();
      const cpu = process.cpuUsage();
      searcher = new PrecedentSearcher(models);
      await searcher.refresh();
      const seconds = (performance.now() - started) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      const grown = memory() - before;
      console.log(
        `a new process's first load, ${how}: ${searcher.library.size} comments in ${seconds.toFixed(1)} s ` +
          `(this process's CPU ${((user + system) / 1e6).toFixed(1)} s)` +
          (gcExposed ? `, memory (heap and typed arrays) +${(grown / 1e6).toFixed(0)} MB` : ''),
      );
    }
    if (!gcExposed) console.log('  (NODE_OPTIONS=--expose-gc to see the memory it takes)');

    const queries = speedQueries();
    const times: number[] = [];
    const filtered: number[] = [];
    const unfiltered: number[] = [];
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      for (let i = 0; i < queries.length; i++) {
        const query = queries[(i + round * 7) % queries.length];
        const t = performance.now();
        const page = await searchPrecedents(searcher, { ...query, limit: 20 });
        const elapsed = performance.now() - t;
        times.push(elapsed);
        (Object.keys(query).some((k) => k !== 'q') ? filtered : unfiltered).push(elapsed);
        if (round === 0 && page.items.length === 0 && query.q) console.log(`  (no hit for ${query.q})`);
      }
    }
    console.log(
      `\nsearchPrecedents over ${searcher.library.size} comments, ${times.length} searches (${SPEED_ROUNDS} rounds of ${queries.length}):`,
    );
    printTable([
      ['', 'n', 'p50', 'p99', 'max'],
      ['all', String(times.length), ms(percentile(times, 50)), ms(percentile(times, 99)), ms(Math.max(...times))],
      ...[
        ['with filters', filtered],
        ['text only', unfiltered],
      ].map(([name, xs]) => {
        const t = xs as number[];
        return [name as string, String(t.length), ms(percentile(t, 50)), ms(percentile(t, 99)), ms(Math.max(...t))];
      }),
    ]);

    // Where a search's time goes: the look at the store for anything new, and the ranking in memory.
    const probe: number[] = [];
    const inMemory: number[] = [];
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      for (const query of queries) {
        let t = performance.now();
        await searcher.refresh();
        probe.push(performance.now() - t);
        t = performance.now();
        searcher.library.search({ ...query, limit: 20 });
        inMemory.push(performance.now() - t);
      }
    }
    printTable([
      ['of which', 'p50', 'p99'],
      ['look for new reviews', ms(percentile(probe, 50)), ms(percentile(probe, 99))],
      ['rank in memory', ms(percentile(inMemory, 50)), ms(percentile(inMemory, 99))],
    ]);

    // The panel of a 30-article draft: 5 similar comments for each article, asked article by
    // article (GET /v1/tasks/:taskId/precedents?article=) or all at once.
    const draft = panelArticles(99)
      .slice(0, 30)
      .map((a, i) => ({ number: String(i + 1), text: a.text }));
    const oneByOne: number[] = [];
    const atOnce: number[] = [];
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      let t = performance.now();
      for (const article of draft) await similarForArticle(searcher, article.text, 5);
      oneByOne.push(performance.now() - t);
      t = performance.now();
      await similarForArticles(searcher, draft, 5);
      atOnce.push(performance.now() - t);
    }
    console.log(`\nprecedents panel of a 30-article draft, 5 similar comments each (${SPEED_ROUNDS} rounds):`);
    printTable([
      ['', 'median', 'max'],
      ['30 × similarForArticle', ms(percentile(oneByOne, 50)), ms(Math.max(...oneByOne))],
      ['similarForArticles', ms(percentile(atOnce, 50)), ms(Math.max(...atOnce))],
    ]);

    await measureOverHttp(models, queries, draft);

    // What a search costs when something new was indexed since: the catch-up read.
    const extra = generateReviews(8, 50).map(storeDocs);
    await models.Review.collection.insertMany(extra.map((d) => d.review) as never[]);
    await models.Version.collection.insertMany(extra.map((d) => d.version) as never[]);
    await models.Comment.collection.insertMany(extra.flatMap((d) => d.comments) as never[]);
    for (const d of extra.slice(0, 1)) await indexClosedReview(models, d.review._id);
    const t = performance.now();
    await searchPrecedents(searcher, { q: '补贴 本地注册企业' });
    console.log(`a search right after one more review was indexed (catch-up included): ${ms(performance.now() - t)}`);
  } finally {
    await mongo.close();
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same searches through the API (`GET /v1/precedents?q=`, a reviewer's token, a real HTTP
 * server on loopback), and the task page's panel as the console asks for it: one
 * `GET /v1/tasks/:taskId/precedents?article=` per article of a 30-article draft, six at a time.
 * The API's own searcher is loaded first, as a process warms it at start-up (not timed).
 */
async function measureOverHttp(
  models: ReturnType<typeof createModels>,
  queries: PrecedentQuery[],
  draft: { number: string; text: string }[],
): Promise<void> {
  const secret = 'measure-secret-that-is-at-least-32-bytes-long';
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      AUTH_JWT_SECRET: secret,
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      REQUEST_SIGNING_KEYS: 'm-1:measure-request-signing-key-at-least-32-bytes',
      TEMPORAL_PAYLOAD_KEYS: 'm-1:dGVzdC1wYXlsb2FkLWtleS0zMi1ieXRlcy1sb25nISE=',
    },
    'component',
  );
  // The precedent routes never reach Temporal.
  const ctx = {
    config,
    models,
    temporal: undefined,
    signingKeys: undefined,
    now: () => new Date(),
  } as unknown as AppContext;
  const app = createApp({
    app: ctx,
    readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    consoleDir: '',
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const token = jwt.sign({ sub: 'measure-reviewer', region: 'beijing', roles: ['reviewer'] }, secret, {
    expiresIn: '2h',
  });
  const getJson = async (pathAndQuery: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`${pathAndQuery}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  try {
    let t = performance.now();
    // Warmed as a process would at start-up: loading 50,000 comments outlasts a request's budget.
    await searcherFor(ctx).refresh();
    console.log(`\nover HTTP: the API's searcher loaded the library in ${ms(performance.now() - t)}`);
    const times: number[] = [];
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      for (let i = 0; i < queries.length; i++) {
        const query = queries[(i + round * 7) % queries.length];
        const params = new URLSearchParams({ limit: '20' });
        for (const [k, v] of Object.entries(query))
          if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
        t = performance.now();
        await getJson(`/v1/precedents?${params.toString()}`);
        times.push(performance.now() - t);
      }
    }
    // A task of an open review on a 30-article draft, as the panel reads it.
    const documentId = 'measure-doc';
    await models.Version.create({
      _id: `${documentId}:v1`,
      documentId,
      version: 1,
      title: '测量用草案',
      articles: draft,
      legalBasis: [],
      materials: {},
      urgent: false,
      createdBy: { sub: 'measure' },
      createdAt: new Date(),
    });
    await models.Task.create({
      _id: 'measure-task',
      reviewId: 'measure-review',
      documentId,
      kind: 'origin_review',
      region: 'beijing',
      role: 'reviewer',
      status: 'open',
      version: 1,
      dueAt: null,
      createdAt: new Date().toISOString(),
      lastSeq: 1,
      month: new Date().toISOString().slice(0, 7),
    });
    const panels: number[] = [];
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      t = performance.now();
      for (let i = 0; i < draft.length; i += 6) {
        await Promise.all(
          draft.slice(i, i + 6).map((a) => getJson(`/v1/tasks/measure-task/precedents?article=${a.number}`)),
        );
      }
      panels.push(performance.now() - t);
    }
    console.log(`over HTTP (GET /v1/precedents, ${times.length} searches; the panel, ${SPEED_ROUNDS} rounds):`);
    printTable([
      ['', 'p50', 'p99', 'max'],
      ['GET /v1/precedents?q=', ms(percentile(times, 50)), ms(percentile(times, 99)), ms(Math.max(...times))],
      ['panel: 30 × GET …/precedents?article=', ms(percentile(panels, 50)), '', ms(Math.max(...panels))],
    ]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function main(): Promise<void> {
  measureQuality();
  if (process.argv.includes('--speed')) await measureSpeed();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
