// The evaluation of a resolved case: the resident's own in the app, or the one the supervising committee records
// from a 回访 (phone or visit) — the same fields, which the API names alike, in the recorder's words.
import { Form, Input, Radio, Typography } from 'antd';
import { useI18n } from '../i18n';
import { Plain } from './Plain';

/** The resident's evaluation; `callback`: the same, recorded by the supervising committee from a 回访. */
/** `follower`: a co-complainant, who may say the case is not solved but leaves settling it to its complainant. */
export function EvaluateFields({ callback = false, follower = false }: { callback?: boolean; follower?: boolean }) {
  const { t } = useI18n();
  const label = {
    satisfaction: t(callback ? 'action.callbackSatisfaction' : 'action.satisfaction'),
    solved: t(callback ? 'action.callbackSolved' : 'action.solved'),
    comment: t(callback ? 'action.callbackComment' : 'action.comment'),
  };
  return (
    <>
      <Form.Item
        name="satisfaction"
        label={label.satisfaction}
        rules={[{ required: true, message: label.satisfaction }]}
      >
        <Plain>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((s) => ({
              value: s,
              label: t(`satisfaction.${s}`),
            }))}
          />
        </Plain>
      </Form.Item>
      <Form.Item name="solved" label={label.solved} rules={[{ required: true, message: label.solved }]}>
        <Plain>
          <Radio.Group
            options={[
              { value: true, label: t('action.solvedYes') },
              { value: false, label: t('action.solvedNo') },
            ]}
          />
        </Plain>
      </Form.Item>
      <Form.Item name="comment" label={label.comment}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Typography.Paragraph type="secondary">
        {t(callback ? 'action.callbackHint' : follower ? 'action.followerEvaluateHint' : 'action.evaluateHint')}
      </Typography.Paragraph>
    </>
  );
}

/** How the committee reached the resident for 回访. */
export function ChannelField() {
  const { t } = useI18n();
  return (
    <Form.Item
      name="channel"
      label={t('action.channel')}
      rules={[{ required: true, message: t('action.channelRequired') }]}
    >
      <Plain>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={(['phone', 'visit'] as const).map((ch) => ({ value: ch, label: t(`action.channel.${ch}`) }))}
        />
      </Plain>
    </Form.Item>
  );
}
