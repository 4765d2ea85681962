// The SMS provider the configuration names (config.ts has already refused a provider with a variable missing, and
// the console sink in production).
import { ConfigError, type Config } from '../../config';
import { aliyunSms } from './aliyun';
import { consoleSms } from './console';
import type { SmsProvider } from './provider';
import { tencentSms } from './tencent';
import { SMS_KINDS, type SmsKind } from './texts';

export { SmsSendError, type SmsMessage, type SmsProvider, type SmsProviderName } from './provider';
export { quietHoursHold } from './quiet-hours';
export { SMS_KINDS, SMS_TEXTS, renderSms, smsDeadline, smsKindForTemplate, type SmsKind } from './texts';
export { smsLogPath } from './console';

export type SmsDeps = {
  /** The console sink's terminal line (console.log unless given). */
  print?: (line: string) => void;
};

export function smsProviderFrom(config: Config, deps: SmsDeps = {}): SmsProvider {
  const need = <K extends keyof Config>(key: K): NonNullable<Config[K]> => {
    const value = config[key];
    if (value === undefined || value === null)
      throw new ConfigError(`${key}: is required with SMS_PROVIDER=${config.SMS_PROVIDER}`);
    return value as NonNullable<Config[K]>;
  };
  const templates = (): Record<SmsKind, string> => {
    const given = need('SMS_TEMPLATES');
    const missing = SMS_KINDS.filter((k) => !given[k]);
    if (missing.length > 0) throw new ConfigError(`SMS_TEMPLATES: needs a template code for ${missing.join(', ')}`);
    return given as Record<SmsKind, string>;
  };
  switch (config.SMS_PROVIDER) {
    case 'console':
      if (config.NODE_ENV === 'production') {
        throw new ConfigError('SMS_PROVIDER: the console sink is for development; set aliyun or tencent in production');
      }
      return consoleSms({ dataDir: config.DATA_DIR, print: deps.print });
    case 'aliyun':
      return aliyunSms({
        accessKeyId: need('ALIYUN_SMS_ACCESS_KEY_ID'),
        accessKeySecret: need('ALIYUN_SMS_ACCESS_KEY_SECRET'),
        endpoint: config.ALIYUN_SMS_ENDPOINT,
        signName: need('SMS_SIGN_NAME'),
        templates: templates(),
      });
    case 'tencent':
      return tencentSms({
        secretId: need('TENCENT_SMS_SECRET_ID'),
        secretKey: need('TENCENT_SMS_SECRET_KEY'),
        sdkAppId: need('TENCENT_SMS_SDK_APP_ID'),
        region: config.TENCENT_SMS_REGION,
        endpoint: config.TENCENT_SMS_ENDPOINT,
        signName: need('SMS_SIGN_NAME'),
        templates: templates(),
      });
  }
}
