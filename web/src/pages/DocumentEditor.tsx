/**
 * Creating a draft, or a new version of one (`/documents/:id/edit`): title, type, the articles one
 * by one (added, removed, moved), the legal basis and the materials. 合法性预检 checks the text as
 * it stands (POST /v1/assist/check) and shows the flags beside each article: advice before
 * submitting, which never stops a save or a submission.
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import { FlagList, MarkedText, type Flag } from '../assist';
import { RefusalAlert, showRefusal } from '../forms';
import { articleZh, MATERIAL } from '../labels';

interface DraftForm {
  title: string;
  docType?: string;
  summary?: string;
  articles: { number: string; text: string }[];
  legalBasis: string[];
  materials: Record<string, string | undefined>;
}

const OPTIONAL_MATERIALS = [
  'legalBasisNote',
  'consultationRecord',
  'fairCompetitionConclusion',
  'draftingUnitLegalOpinion',
  'other',
];

/** Articles are numbered in order: "1", "2", … */
const renumber = (articles: DraftForm['articles']) => articles.map((a, i) => ({ ...a, number: String(i + 1) }));

export default function DocumentEditor() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [form] = Form.useForm<DraftForm>();
  const [refusal, setRefusal] = useState<ReturnType<typeof showRefusal>>();
  const [saving, setSaving] = useState(false);
  const [loading, setLoading] = useState(Boolean(id));
  // The last pre-check: the articles as checked, and their flags.
  const [precheck, setPrecheck] = useState<{ articles: DraftForm['articles']; flags: Flag[] }>();
  const [checking, setChecking] = useState(false);

  useEffect(() => {
    if (!id) return;
    void (async () => {
      const doc = await call(api.GET('/v1/documents/{id}', { params: { path: { id } } }));
      const version = await call(
        api.GET('/v1/documents/{id}/versions/{version}', {
          params: { path: { id, version: String(doc.currentVersion) } },
        }),
      );
      form.setFieldsValue({
        title: version.title ?? doc.title,
        docType: doc.docType,
        summary: doc.summary,
        articles: version.articles ?? [],
        legalBasis: version.legalBasis ?? [],
        // The texts the form edits (other materials are kept as given, and may be anything).
        materials: Object.fromEntries(
          Object.entries(version.materials ?? {}).filter((m): m is [string, string] => typeof m[1] === 'string'),
        ),
      });
    })()
      .catch((err: unknown) => setRefusal(showRefusal(undefined, err)))
      .finally(() => setLoading(false));
  }, [id, form]);

  const save = async (values: DraftForm) => {
    setSaving(true);
    setRefusal(undefined);
    const materials = Object.fromEntries(
      Object.entries(values.materials ?? {}).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
    ) as { draftingExplanation: string };
    const body = {
      title: values.title,
      ...(values.docType ? { docType: values.docType } : {}),
      ...(values.summary ? { summary: values.summary } : {}),
      articles: renumber(values.articles ?? []),
      legalBasis: (values.legalBasis ?? []).filter((b) => b && b.trim()),
      materials,
    };
    try {
      if (id) {
        await call(api.POST('/v1/documents/{id}/versions', { params: { path: { id } }, body }));
        navigate(`/documents/${id}`);
      } else {
        const created = await call(api.POST('/v1/documents', { body }));
        navigate(`/documents/${created.id}`);
      }
    } catch (err) {
      setRefusal(showRefusal(form, err));
    } finally {
      setSaving(false);
    }
  };

  const check = async () => {
    setChecking(true);
    setRefusal(undefined);
    const values = form.getFieldsValue(true) as DraftForm;
    const articles = renumber(values.articles ?? []).map((a) => ({ number: a.number, text: a.text ?? '' }));
    const legalBasis = (values.legalBasis ?? []).filter((b) => b && b.trim());
    try {
      const result = await call(api.POST('/v1/assist/check', { body: { articles, legalBasis } }));
      setPrecheck({ articles, flags: result.flags });
    } catch (err) {
      setRefusal(showRefusal(undefined, err));
    } finally {
      setChecking(false);
    }
  };

  if (loading) return <Spin aria-label="加载中" />;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          {id ? '修改草案（形成新版本）' : '新建草案'}
        </Typography.Title>
      }
    >
      <RefusalAlert refusal={refusal} />
      <Form<DraftForm>
        form={form}
        layout="vertical"
        initialValues={{ articles: [{ number: '1', text: '' }], legalBasis: [''], materials: {} }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item label="标题" name="title" rules={[{ required: true, message: '请填写标题' }]}>
          <Input />
        </Form.Item>
        <Form.Item label="文件类型" name="docType">
          <Input placeholder="如：规范性文件、实施办法" />
        </Form.Item>
        <Form.Item label="内容摘要" name="summary">
          <Input.TextArea rows={2} />
        </Form.Item>
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          条文
        </Typography.Title>
        <Form.List name="articles">
          {(fields, { add, remove, move }) => (
            <>
              {fields.map((field, index) => {
                const article = articleZh(String(index + 1));
                return (
                  <Space key={field.key} align="start" style={{ display: 'flex' }}>
                    <span style={{ display: 'inline-block', width: 56, paddingTop: 6 }}>{article}</span>
                    <Form.Item
                      name={[field.name, 'text']}
                      rules={[{ required: true, message: '请填写条文内容' }]}
                      // Narrower than 640 px on a tablet, so the row's three buttons stay on screen.
                      style={{ width: 'min(640px, calc(100vw - 290px))' }}
                    >
                      <Input.TextArea rows={2} aria-label={`${article}内容`} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'number']} hidden>
                      <Input />
                    </Form.Item>
                    <Button
                      icon={<ArrowUpOutlined />}
                      aria-label={`${article}上移`}
                      disabled={index === 0}
                      onClick={() => move(index, index - 1)}
                    />
                    <Button
                      icon={<ArrowDownOutlined />}
                      aria-label={`${article}下移`}
                      disabled={index === fields.length - 1}
                      onClick={() => move(index, index + 1)}
                    />
                    <Button
                      icon={<DeleteOutlined />}
                      aria-label={`删除${article}`}
                      disabled={fields.length === 1}
                      onClick={() => remove(field.name)}
                    />
                  </Space>
                );
              })}
              <Button icon={<PlusOutlined />} onClick={() => add({ number: String(fields.length + 1), text: '' })}>
                添加条文
              </Button>
            </>
          )}
        </Form.List>
        <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
          制定依据
        </Typography.Title>
        <Form.List name="legalBasis">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={field.name} style={{ width: 'min(640px, calc(100vw - 170px))' }}>
                    <Input aria-label={`制定依据${index + 1}`} placeholder="如：《中华人民共和国道路运输条例》" />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={`删除制定依据${index + 1}`}
                    onClick={() => remove(index)}
                  />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add('')}>
                添加制定依据
              </Button>
            </>
          )}
        </Form.List>
        <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
          送审材料
        </Typography.Title>
        <Form.Item
          label={MATERIAL.draftingExplanation}
          name={['materials', 'draftingExplanation']}
          rules={[{ required: true, message: '起草说明为必备材料' }]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        {OPTIONAL_MATERIALS.map((kind) => (
          <Form.Item key={kind} label={MATERIAL[kind]} name={['materials', kind]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        ))}
        <Space>
          <Button type="primary" htmlType="submit" loading={saving}>
            {id ? '保存为新版本' : '保存草案'}
          </Button>
          <Button loading={checking} onClick={() => void check()}>
            合法性预检
          </Button>
        </Space>
      </Form>
      {precheck && (
        <Card size="small" type="inner" title="合法性预检结果" style={{ marginTop: 16 }} data-testid="precheck">
          <Alert
            type={precheck.flags.length > 0 ? 'warning' : 'success'}
            showIcon
            style={{ marginBottom: 8 }}
            message={
              precheck.flags.length > 0
                ? `发现 ${precheck.flags.length} 处提示，请逐条核对；提示仅供参考，不影响保存和提交。`
                : '未发现提示。预检仅覆盖常见问题，不代替合法性审核。'
            }
          />
          {precheck.articles
            .filter((a) => precheck.flags.some((f) => f.article === a.number))
            .map((a) => {
              const own = precheck.flags.filter((f) => f.article === a.number);
              return (
                <div key={a.number} data-testid="precheck-article">
                  <strong>{articleZh(a.number)}</strong> <MarkedText text={a.text} flags={own} />
                  <FlagList flags={own} />
                </div>
              );
            })}
        </Card>
      )}
    </Card>
  );
}
