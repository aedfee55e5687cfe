/**
 * The written record as printable Chinese pages, laid out per GB/T 9704-2012: the legality review
 * opinion (合法性审核意见书) and the revision letter (修改意见书), each rendered from what
 * domain/written-record.ts builds and nothing else. Every date is written as the standard writes
 * dates (2026年11月27日). Pure code: store/records.ts freezes what these return, once.
 */
import { officialDate, type Opinion, type OpinionComment, type RevisionLetter } from '../domain/written-record';
import {
  CONCLUSION_ZH,
  CONSULTATION_ZH,
  DECISION_ZH,
  DISPOSITION_ZH,
  GROUNDS_ZH,
  NO_RESPONSE_NOTE_ZH,
  REGION_ZH,
  RESULT_ZH,
  ROLE_ZH,
  SEVERITY_ZH,
  STAGE_ZH,
} from './labels';
import {
  articleLabel,
  chineseInteger,
  colophon,
  escapeHtml,
  masthead,
  named,
  note,
  ordinal,
  page,
  signature,
} from './parts';

export { escapeHtml } from './parts';

const e = escapeHtml;

/** The date of an instant, as the page writes dates. */
const on = (iso: string | undefined): string => (iso ? officialDate(iso) : '—');

const paragraph = (text: string, className?: string) => `<p${className ? ` class="${className}"` : ''}>${text}</p>`;

/** 审核依据: the laws and rules the document names as its basis, one to a line, and the drafter's note. */
function legalBasisSection(heading: string, legalBasis: readonly string[], note: string | undefined): string {
  const lines = legalBasis.length
    ? [paragraph('该文件列明的制定依据为：'), ...legalBasis.map((basis, i) => paragraph(`${i + 1}.${e(basis)}`))]
    : [paragraph('起草单位未列明制定依据。')];
  if (note) lines.push(paragraph(`起草单位关于制定依据的说明：${e(note)}`));
  return `<section class="legal-basis">\n<h2>${heading}审核依据</h2>\n${lines.join('\n')}\n</section>`;
}

/** Who made a comment, where and on which version: 河北省审核机构在协同征求意见环节对第1稿提出. */
const commentSource = (c: OpinionComment) =>
  `${REGION_ZH[c.author.region] ?? c.author.region}${ROLE_ZH[c.author.role] ?? c.author.role}在${STAGE_ZH[c.stage] ?? c.stage}环节对第${c.version}稿提出`;

/** The comments one to a paragraph, in the order the record gives them (article order). */
function commentParagraphs(comments: readonly OpinionComment[], withDisposition: boolean): string {
  if (comments.length === 0) return paragraph('无。');
  return comments
    .map((c, i) => {
      const about = c.article ? articleLabel(c.article) : '总体意见';
      const facts = [SEVERITY_ZH[c.severity] ?? c.severity, ...(c.basis ? [`依据：${c.basis}`] : []), commentSource(c)];
      const disposition =
        withDisposition && c.disposition
          ? `处理情况：${DISPOSITION_ZH[c.disposition.status] ?? c.disposition.status}${c.disposition.reason ? `，理由：${e(c.disposition.reason)}` : ''}。`
          : '';
      return `<p class="comment"${c.article ? ` data-article="${e(c.article)}"` : ''}><span class="kai">${ordinal(i + 1)}${e(about)}。</span>${e(c.text)}（${e(facts.join('；'))}）。${disposition}</p>`;
    })
    .join('\n');
}

/** The opening: what was received when, and (once accepted) under which registration number. */
function opening(o: Opinion): string {
  const kind = o.document.docType ? `${o.document.docType}，` : '';
  const accepted = o.dates.materialsCompleteAt
    ? `，${on(o.dates.materialsCompleteAt)}材料齐全后受理${o.registrationNumber ? `（登记编号：${e(o.registrationNumber)}）` : ''}`
    : '';
  const then = o.conclusion === 'returned' ? '经审查，现将有关意见函告如下：' : '经审核，现提出审核意见如下：';
  return paragraph(
    `你单位报送的《${e(o.document.title)}》（${e(kind)}第${e(o.version.number)}稿）于${on(o.dates.receivedAt)}收悉${accepted}。${then}`,
  );
}

/** 审核经过: the clock, its stops while the drafter revised, extensions, and who signed. */
function reviewCourse(o: Opinion): string {
  const lines: string[] = [];
  const { clock } = o.dates;
  lines.push(
    o.dates.materialsCompleteAt
      ? paragraph(
          `本机关于${on(o.dates.materialsCompleteAt)}开始计算审核期限，${on(o.dates.closedAt)}审核完毕，用时${e(clock.workingDaysUsed)}个工作日（审核期限${e(clock.limitWorkingDays)}个工作日，起草单位修改期间不计入）。`,
        )
      : paragraph(`本机关于${on(o.dates.closedAt)}审查完毕，未予受理，未开始计算审核期限。`),
  );
  if (o.dates.clockStops.length) {
    const stops = o.dates.clockStops.map((p) => `${on(p.stoppedAt)}至${p.resumedAt ? on(p.resumedAt) : '审核结束'}`);
    lines.push(paragraph(`因起草单位修改，审核期限中止计算${o.dates.clockStops.length}次：${stops.join('；')}。`));
  }
  for (const x of o.extensions) {
    const decided = x.status === 'approved' ? '经批准' : x.status === 'refused' ? '未获批准' : '尚未决定';
    lines.push(paragraph(`申请延长审核期限${e(x.workingDays)}个工作日（${e(x.reason)}），${decided}（${on(x.at)}）。`));
  }
  if (o.signer) lines.push(paragraph(`本意见书经审核机构负责人${named(o.signer)}签发。`));
  return lines.join('\n');
}

/** 审核事项: the seven items and their results; the drafter's fair-competition conclusion beside its item. */
function checklistSection(o: Opinion): string {
  const fair = o.fairCompetitionConclusion
    ? `起草单位的公平竞争审查结论：${e(o.fairCompetitionConclusion)}。`
    : undefined;
  const lines = o.checklist.map((c, i) => {
    const text = `<span class="kai">${ordinal(i + 1)}${e(c.label)}：</span>${e(RESULT_ZH[c.result] ?? c.result)}。${c.note ? `${e(c.note)}。` : ''}`;
    return c.item === 'fair_competition' && fair
      ? paragraph(`${text}<span class="fair-competition">${fair}</span>`)
      : paragraph(text);
  });
  if (lines.length === 0) lines.push(paragraph('未进行审核事项审查。'));
  if (fair && !o.checklist.some((c) => c.item === 'fair_competition')) {
    lines.push(paragraph(`<span class="fair-competition">${fair}</span>`));
  }
  return lines.join('\n');
}

/** 协同征求意见情况: each consulted region's answer, or that it did not answer in time. */
function consultationSection(o: Opinion): string {
  if (o.consultations.length === 0) return paragraph('未进行协同征求意见。');
  return o.consultations
    .map((c) => {
      const body = e(c.reviewBody);
      if (c.status === 'no_response') return paragraph(`${body}：${NO_RESPONSE_NOTE_ZH}`);
      const decision = c.decision ? (DECISION_ZH[c.decision] ?? c.decision) : CONSULTATION_ZH[c.status];
      const answered = c.respondedAt ? `（${on(c.respondedAt)}答复）` : '';
      return paragraph(`${body}：${e(decision)}${answered}。${e(c.opinion ?? '')}`);
    })
    .join('\n');
}

/** 汇总意见: how the origin body dealt with the consulted regions' comments and objections. */
function consolidationSection(o: Opinion): string {
  if (!o.consolidation) {
    return paragraph(
      o.consultations.length ? '各协同地区均无异议且未提出意见，无需汇总。' : '未进行协同征求意见，无需汇总。',
    );
  }
  const bodyOf = (region: Opinion['consultations'][number]['region']) =>
    o.consultations.find((c) => c.region === region)?.reviewBody ?? REGION_ZH[region];
  const lines = o.consolidation.opinion ? [paragraph(e(o.consolidation.opinion))] : [];
  for (const d of o.consolidation.dispositions) {
    const comment = o.comments.find((c) => c.id === d.commentId);
    // Every disposition names a comment of this review; the id is never printed.
    const about = comment ? `${comment.article ? articleLabel(comment.article) : ''}“${comment.text}”` : '该条';
    lines.push(
      paragraph(
        `对${e(bodyOf(d.region))}关于${e(about)}的意见：${e(DISPOSITION_ZH[d.status])}${d.reason ? `，理由：${e(d.reason)}` : ''}。`,
      ),
    );
  }
  return lines.length ? lines.join('\n') : paragraph('无。');
}

function conclusionText(o: Opinion): string {
  if (o.conclusion === 'returned') {
    return `${CONCLUSION_ZH.returned}${o.grounds ? `，理由：${GROUNDS_ZH[o.grounds]}` : ''}`;
  }
  return o.conclusion ? CONCLUSION_ZH[o.conclusion] : o.status === 'approved' ? '同意' : '不同意';
}

export function opinionHtml(o: Opinion): string {
  const sections: [string, string][] = [
    ['审核经过', reviewCourse(o)],
    ['审核事项', checklistSection(o)],
    ['逐条审核意见及处理情况', commentParagraphs(o.comments, true)],
    ['协同征求意见情况', consultationSection(o)],
    ['汇总意见', consolidationSection(o)],
  ];
  const numbered = (i: number) => `${chineseInteger(i + 1)}、`;
  return page(
    `${o.title} — ${o.document.title}`,
    `${masthead(o.issuer, o.number)}
<h1>${e(o.title)}</h1>
<p class="addressee">${e(o.addressee)}：</p>
${opening(o)}
${legalBasisSection(numbered(0), o.legalBasis, o.legalBasisNote)}
${sections.map(([heading, body], i) => `<section>\n<h2>${numbered(i + 1)}${heading}</h2>\n${body}\n</section>`).join('\n')}
<section>
<h2>${numbered(sections.length + 1)}审核结论</h2>
${paragraph(`审核结论：${e(conclusionText(o))}。`, 'conclusion')}
${paragraph(e(o.opinion))}
</section>
${signature(o.issuer, o.issuedOn)}
${note(o.caseOfficer, o.contactPhone)}
${colophon(o.copyTo, o.issuer, o.issuedOn)}`,
  );
}

export function revisionLetterHtml(l: RevisionLetter): string {
  return page(
    `${l.title} — ${l.document.title}`,
    `${masthead(l.issuer, l.number)}
<h1>${e(l.title)}</h1>
<p class="addressee">${e(l.addressee)}：</p>
${paragraph(`你单位报送的《${e(l.document.title)}》（第${e(l.version)}稿）经${e(STAGE_ZH[l.stage] ?? l.stage)}，需作修改。${l.opinion ? e(l.opinion) : ''}`)}
${legalBasisSection('一、', l.legalBasis, l.legalBasisNote)}
<section>
<h2>二、修改意见</h2>
${commentParagraphs(l.comments, false)}
</section>
${paragraph('请对上述意见逐条研究，并在重新报送时说明采纳情况；不予采纳的，请说明理由。修改期间，合法性审核期限中止计算。')}
${signature(l.issuer, l.issuedOn)}
${note(l.caseOfficer, l.contactPhone)}
${colophon([], l.issuer, l.issuedOn)}`,
  );
}
