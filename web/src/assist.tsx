/**
 * Assistive-review flags (合法性预检) as the console shows them: an article's text with the matched
 * words marked (the explanation and basis on hover), and the list of its flags with what a person
 * may do about each. A flag is a hint for a person; it decides nothing.
 */
import { Space, Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { Schemas } from './api/client';
import { FLAG_CATEGORY, SEVERITY } from './labels';

export type Flag = Schemas['Flag'];

/** Where a flag stands: one flag per rule and article. */
export const flagKey = (flag: Pick<Flag, 'ruleId' | 'article'>) => `${flag.ruleId}|${flag.article}`;

/** `《行政处罚法》第十六条；…`: the basis as a comment cites it. */
export function basisText(flag: Flag): string {
  return flag.basis.map((b) => `${b.law.includes('《') ? b.law : `《${b.law}》`}${b.article}`).join('；');
}

/** What a hover shows: why the words are suspect, and the law it rests on. */
function FlagNote({ flag }: { flag: Flag }) {
  return (
    <div className="flag-note">
      <div>
        {FLAG_CATEGORY[flag.category]}：{flag.explanation}
      </div>
      <div>依据：{basisText(flag)}</div>
    </div>
  );
}

/**
 * An article's text with the words its flags matched marked; hovering a mark shows what each flag
 * covering it says. (Offsets are UTF-16, as JavaScript strings count.)
 */
export function MarkedText({ text, flags }: { text: string; flags: Flag[] }) {
  const marked = flags.filter((f) => f.match.end > f.match.start);
  if (marked.length === 0) return <>{text}</>;
  const cuts = [...new Set([0, text.length, ...marked.flatMap((f) => [f.match.start, f.match.end])])]
    .filter((n) => n >= 0 && n <= text.length)
    .sort((a, b) => a - b);
  const parts: ReactNode[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const covering = marked.filter((f) => f.match.start <= start && f.match.end >= end);
    const piece = text.slice(start, end);
    parts.push(
      covering.length === 0 ? (
        piece
      ) : (
        <Tooltip
          key={start}
          title={
            <Space direction="vertical" size={4}>
              {covering.map((f) => (
                <FlagNote key={flagKey(f)} flag={f} />
              ))}
            </Space>
          }
        >
          <mark className="flag-mark" data-testid="flag-mark">
            {piece}
          </mark>
        </Tooltip>
      ),
    );
  }
  return <>{parts}</>;
}

/**
 * The flags of one article: category, the words, the suggested severity and the basis (the
 * explanation on hover), with `actions` (buttons) for each where a person may act on them.
 */
export function FlagList({
  flags,
  actions,
  extra,
  dismissed,
}: {
  flags: Flag[];
  actions?: (flag: Flag) => ReactNode;
  extra?: (flag: Flag) => ReactNode;
  dismissed?: (flag: Flag) => boolean;
}) {
  if (flags.length === 0) return null;
  return (
    <ul className="flag-list" aria-label="合法性预检提示">
      {flags.map((flag) => (
        <li
          key={flagKey(flag)}
          data-testid="flag"
          data-rule={flag.ruleId}
          className={dismissed?.(flag) ? 'dismissed' : undefined}
        >
          <Tooltip title={<FlagNote flag={flag} />}>
            <span>
              <Tag className="flag-tag">{FLAG_CATEGORY[flag.category]}</Tag>
              {flag.match.text ? `“${flag.match.text}”` : ''}
              <Typography.Text type="secondary">
                （建议意见性质：{SEVERITY[flag.severity]}；依据：{basisText(flag)}）
              </Typography.Text>
            </span>
          </Tooltip>
          {actions && <span className="flag-actions">{actions(flag)}</span>}
          {extra?.(flag)}
        </li>
      ))}
    </ul>
  );
}
