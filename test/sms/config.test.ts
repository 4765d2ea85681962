// SMS configuration: production refuses the console sink; a provider with a variable missing stops start-up with a
// line naming it; smsProviderFrom picks what SMS_PROVIDER names.
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { smsProviderFrom } from '../../services/sms';
import { runScript } from '../helpers/processes';
import { TEMPLATES } from './stand-in';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(32),
  DATABASE_URL: 'postgres://a:b@localhost/db',
  TEMPORAL_ADDRESS: 'localhost:7233',
};
const ALIYUN = {
  SMS_PROVIDER: 'aliyun',
  SMS_SIGN_NAME: '红色管家',
  SMS_TEMPLATES: JSON.stringify(TEMPLATES),
  ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI-id',
  ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
};
const TENCENT = {
  SMS_PROVIDER: 'tencent',
  SMS_SIGN_NAME: '红色管家',
  SMS_TEMPLATES: JSON.stringify(TEMPLATES),
  TENCENT_SMS_SECRET_ID: 'AKID',
  TENCENT_SMS_SECRET_KEY: 'key',
  TENCENT_SMS_SDK_APP_ID: '1400006666',
};
const CONSOLE_REFUSED = 'SMS_PROVIDER: the console sink is for development; set aliyun or tencent in production';

test('the console sink is the default outside production, and production refuses it with one line', () => {
  expect(loadConfig({}).SMS_PROVIDER).toBe('console');
  expect(smsProviderFrom(loadConfig({ DATA_DIR: os.tmpdir() })).name).toBe('console');
  expect(() => loadConfig(PRODUCTION)).toThrow(new ConfigError(`Invalid configuration: ${CONSOLE_REFUSED}`));
  expect(() => loadConfig({ ...PRODUCTION, SMS_PROVIDER: 'console' })).toThrow(
    new ConfigError(`Invalid configuration: ${CONSOLE_REFUSED}`),
  );
  // Built from a config that skipped the schema's check, the factory refuses it too.
  expect(() => smsProviderFrom({ ...loadConfig({}), NODE_ENV: 'production' })).toThrow(
    new ConfigError(CONSOLE_REFUSED),
  );
});

test('production with a provider and its variables loads, and the provider is the one named', () => {
  expect(smsProviderFrom(loadConfig({ ...PRODUCTION, ...ALIYUN })).name).toBe('aliyun');
  expect(smsProviderFrom(loadConfig({ ...PRODUCTION, ...TENCENT })).name).toBe('tencent');
  const c = loadConfig({ ...PRODUCTION, ...TENCENT });
  expect({ endpoint: c.TENCENT_SMS_ENDPOINT, region: c.TENCENT_SMS_REGION, aliyun: c.ALIYUN_SMS_ENDPOINT }).toEqual({
    endpoint: 'sms.tencentcloudapi.com',
    region: 'ap-guangzhou',
    aliyun: 'dysmsapi.aliyuncs.com',
  });
});

test('each variable the chosen provider lacks is named', () => {
  expect(() => loadConfig({ SMS_PROVIDER: 'aliyun' })).toThrow(
    new ConfigError(
      'Invalid configuration: SMS_SIGN_NAME: is required with SMS_PROVIDER=aliyun; SMS_TEMPLATES: is required with SMS_PROVIDER=aliyun; ALIYUN_SMS_ACCESS_KEY_ID: is required with SMS_PROVIDER=aliyun; ALIYUN_SMS_ACCESS_KEY_SECRET: is required with SMS_PROVIDER=aliyun',
    ),
  );
  const { TENCENT_SMS_SDK_APP_ID: _omitted, ...noAppId } = TENCENT;
  expect(() => loadConfig(noAppId)).toThrow(
    new ConfigError('Invalid configuration: TENCENT_SMS_SDK_APP_ID: is required with SMS_PROVIDER=tencent'),
  );
  expect(() => loadConfig({ SMS_PROVIDER: 'twilio' })).toThrow(/^Invalid configuration: SMS_PROVIDER: /);
});

test('SMS_TEMPLATES: every kind needs a template code; malformed JSON or an unknown kind is named', () => {
  const { case_closed: _c, case_paused: _p, ...partial } = TEMPLATES;
  expect(() => loadConfig({ ...ALIYUN, SMS_TEMPLATES: JSON.stringify(partial) })).toThrow(
    new ConfigError('Invalid configuration: SMS_TEMPLATES: needs a template code for case_paused, case_closed'),
  );
  expect(() => loadConfig({ ...ALIYUN, SMS_TEMPLATES: '{sign_in_code: SMS_1}' })).toThrow(
    /^Invalid configuration: SMS_TEMPLATES: must be a JSON object/,
  );
  expect(() => loadConfig({ ...ALIYUN, SMS_TEMPLATES: '["SMS_1"]' })).toThrow(
    /^Invalid configuration: SMS_TEMPLATES: must be a JSON object/,
  );
  expect(() => loadConfig({ ...ALIYUN, SMS_TEMPLATES: JSON.stringify({ ...TEMPLATES, marketing: 'SMS_9' }) })).toThrow(
    /^Invalid configuration: SMS_TEMPLATES: marketing is not a message kind/,
  );
  expect(() => loadConfig({ ...ALIYUN, SMS_TEMPLATES: JSON.stringify({ ...TEMPLATES, case_closed: 7 }) })).toThrow(
    /^Invalid configuration: SMS_TEMPLATES: case_closed is not a message kind with a template code/,
  );
  // The console sink needs none, but a malformed value is still refused rather than ignored.
  expect(() => loadConfig({ SMS_TEMPLATES: 'nope' })).toThrow(/SMS_TEMPLATES: must be a JSON object/);
});

test('endpoints: plain http (a local stand-in) is refused in production; a Tencent endpoint must name the sms service', () => {
  expect(loadConfig({ ...ALIYUN, ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:8080' }).ALIYUN_SMS_ENDPOINT).toBe(
    'http://127.0.0.1:8080',
  );
  expect(() => loadConfig({ ...PRODUCTION, ...ALIYUN, ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:8080' })).toThrow(
    new ConfigError(
      "Invalid configuration: ALIYUN_SMS_ENDPOINT: plain http is for a local stand-in; give the provider's HTTPS host in production",
    ),
  );
  expect(() => loadConfig({ ...TENCENT, TENCENT_SMS_ENDPOINT: '127.0.0.1:8080' })).toThrow(
    new ConfigError('Invalid configuration: TENCENT_SMS_ENDPOINT: must start with sms. (e.g. sms.tencentcloudapi.com)'),
  );
  expect(
    loadConfig({ ...TENCENT, TENCENT_SMS_ENDPOINT: 'sms.ap-guangzhou.tencentcloudapi.com' }).TENCENT_SMS_ENDPOINT,
  ).toBe('sms.ap-guangzhou.tencentcloudapi.com');
  expect(() => loadConfig({ ALIYUN_SMS_ENDPOINT: 'https://evil.example/path?x' })).toThrow(
    /^Invalid configuration: ALIYUN_SMS_ENDPOINT: must be a host name/,
  );
});

test('the API in production with the console sink refuses to start with that one line', async () => {
  const child = runScript('api/server.ts', { ...PRODUCTION, DATA_DIR: path.join(os.tmpdir(), 'rs-sms-api') });
  expect(await child.exited).toBe(1);
  expect(child.output().trim()).toBe(`Invalid configuration: ${CONSOLE_REFUSED}`);
});
