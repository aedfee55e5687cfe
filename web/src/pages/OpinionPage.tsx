/** The printable 合法性审核意见书 (the browser's print-to-PDF works: see the print stylesheet). */
import { Alert, Button, Spin, Table } from 'antd';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call, type Opinion } from '../api/client';
import {
  CONCLUSION,
  CONSULTATION_STATUS,
  cstDate,
  DECISION,
  DISPOSITION,
  errorText,
  REGION,
  SEVERITY,
} from '../labels';

const RESULT: Record<string, string> = { pass: '符合', fail: '不符合', not_applicable: '不适用' };

export default function OpinionPage() {
  const { reviewId = '' } = useParams();
  const [opinion, setOpinion] = useState<Opinion>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    call(api.GET('/v1/reviews/{reviewId}/opinion', { params: { path: { reviewId } } }))
      .then((o) => {
        // The route also serves the printable page (for Accept: text/html); this asks for JSON.
        if (typeof o === 'string') throw new Error('意见书数据格式不正确');
        setOpinion(o);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [reviewId]);
  if (error) return <Alert type="error" showIcon role="alert" message={error} />;
  if (!opinion) return <Spin aria-label="加载中" />;
  return (
    <>
      <div className="no-print" style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => window.print()}>
          打印 / 另存为 PDF
        </Button>
      </div>
      <article className="opinion-sheet" data-testid="opinion">
        <h1>合法性审核意见书</h1>
        <p style={{ textAlign: 'center' }}>{opinion.number}</p>
        <p>{opinion.addressee ?? opinion.document.org}：</p>
        <p>
          你单位报送的《{opinion.document.title}》（第 {opinion.version.number} 版）收悉。本机构于{' '}
          {cstDate(opinion.dates.receivedAt)} 收到送审材料，{cstDate(opinion.dates.materialsCompleteAt)}{' '}
          材料齐全后开始审核，用时 {opinion.dates.clock.workingDaysUsed} 个工作日（法定期限{' '}
          {opinion.dates.clock.limitWorkingDays} 个工作日）。经审核，意见如下：
        </p>
        <h2 style={{ fontSize: 18 }}>一、审核要点</h2>
        <Table
          rowKey="item"
          size="small"
          pagination={false}
          dataSource={opinion.checklist}
          columns={[
            { title: '事项', dataIndex: 'label' },
            { title: '结论', dataIndex: 'result', render: (r: string) => RESULT[r] ?? r },
            { title: '说明', dataIndex: 'note' },
          ]}
        />
        <h2 style={{ fontSize: 18 }}>二、逐条意见及采纳情况</h2>
        {opinion.comments.length === 0 ? (
          <p>无。</p>
        ) : (
          <ol>
            {opinion.comments.map((c) => (
              <li key={c.id}>
                {c.article ? `第${c.article}条：` : ''}
                {c.text}（{REGION[c.author.region]}，{SEVERITY[c.severity] ?? c.severity}
                {c.basis ? `，依据${c.basis}` : ''}）
                {c.disposition &&
                  `——${DISPOSITION[c.disposition.status] ?? c.disposition.status}${c.disposition.reason ? `：${c.disposition.reason}` : ''}`}
              </li>
            ))}
          </ol>
        )}
        <h2 style={{ fontSize: 18 }}>三、协同征求意见情况</h2>
        <ul>
          {opinion.consultations.map((c) => (
            <li key={c.region}>
              {REGION[c.region]}：{DECISION[c.decision ?? ''] ?? CONSULTATION_STATUS[c.status] ?? c.status}
              {c.opinion ? `。${c.opinion}` : ''}
            </li>
          ))}
        </ul>
        <h2 style={{ fontSize: 18 }}>四、审核结论</h2>
        <p data-testid="conclusion">
          <strong>{CONCLUSION[opinion.conclusion ?? ''] ?? opinion.conclusion}</strong>。{opinion.opinion}
        </p>
        <p style={{ textAlign: 'right', marginTop: 48 }}>
          {opinion.issuer}
          <br />
          签发人：{opinion.signer?.name ?? opinion.signer?.sub ?? '—'}
          <br />
          {opinion.issuedOn}
        </p>
        {opinion.sha256 && <p style={{ fontSize: 10, color: '#595959' }}>校验值（SHA-256）：{opinion.sha256}</p>}
      </article>
    </>
  );
}
