/** The Chinese message catalogue (domain/messages-zh.ts): pure, no servers. */
import { exchangeNotice, type ExchangeTask } from '../domain/exchange';
import { issueMessageZh, lastDayZh, messageZh, NOTICE_ZH, RULE_ZH } from '../domain/messages-zh';

describe('messages in Chinese', () => {
  test('when a limit ends at midnight after its last working day, it reads as that day, with its weekday', () => {
    // Friday 25 December 2026 ends at 2026-12-26 00:00 China time (16:00 UTC the day before).
    expect(lastDayZh('2026-12-25T16:00:00.000Z')).toBe('12月25日（星期五）');
    expect(lastDayZh('2026-02-26T16:00:00.000Z')).toBe('2月26日（星期四）');
    expect(NOTICE_ZH.task('origin_review', '2026-12-25T16:00:00.000Z')).toBe(
      '有一项“审核”任务待办理，请于12月25日（星期五）前完成',
    );
  });

  test('when a message is English, it is said in the catalogue’s words, or its code’s; Chinese is kept', () => {
    expect(messageZh('task not found', 'not_found')).toBe('未找到，或无权查看');
    expect(messageZh('article 3 appears twice')).toBe('第3条重复');
    expect(messageZh('something nobody wrote down', 'conflict')).toBe('当前状态下不能进行此操作');
    expect(messageZh(RULE_ZH.missingNeeded, 'validation_failed')).toBe(RULE_ZH.missingNeeded);
    expect(RULE_ZH.checklistIncomplete(['form', 'fair_competition'])).toBe('请逐项填写审核要点，尚缺：形式、公平竞争');
  });

  test('when zod finds a field missing, empty, of a wrong type or unknown, it says so in Chinese', () => {
    expect(issueMessageZh({ code: 'invalid_type', input: undefined })).toBe('此项必填');
    expect(issueMessageZh({ code: 'invalid_type', input: 3 })).toBe('填写的内容类型不对');
    expect(issueMessageZh({ code: 'too_small', origin: 'string', minimum: 1 })).toBe('此项不能为空');
    expect(issueMessageZh({ code: 'too_big', origin: 'number', maximum: 10 })).toBe('不能大于10');
    expect(issueMessageZh({ code: 'unrecognized_keys' })).toBe('不允许的字段');
  });

  test("an exchange task's deadline notices name the region and the last day in Chinese", () => {
    const task: ExchangeTask = {
      id: 'topic:t1:answer:tianjin',
      subject: { type: 'topic', id: 't1' },
      kind: 'topic_answer',
      region: 'tianjin',
      role: 'reviewer',
      status: 'open',
      dueAt: '2026-12-25T16:00:00.000Z',
      remindAt: '2026-12-24T16:00:00.000Z',
      createdAt: '2026-12-01T02:00:00.000Z',
    };
    const messages = (['reminder', 'overdue', 'escalation'] as const).map(
      (t) => exchangeNotice(t, task, '共性问题').message,
    );
    expect(messages[0]).toBe('“共性问题”的研讨答复任务（天津）将于12月25日（星期五）前到期（不足一个工作日）。');
    for (const message of messages) {
      expect(message).toContain('（天津）');
      expect(message).not.toMatch(/[A-Za-z]{2,}/);
    }
  });
});
