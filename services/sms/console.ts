// The development sink (SMS_PROVIDER=console, the default outside production; production refuses it): each message is
// appended to DATA_DIR/sms.log as one JSON line {to, template, params, text, at} — the development inbox, where a
// developer reads a sign-in code — and announced on the terminal. A code never reaches the terminal: the terminal and
// its log files are shared and kept, the inbox is private to the data folder (mode 0600).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkMessage, SmsSendError, type SmsMessage, type SmsProvider } from './provider';
import { renderSms, SECRET_PARAMS, SMS_TEXTS } from './texts';

export type ConsoleSmsOptions = {
  dataDir: string;
  /** Where the terminal line goes; console.log unless given. */
  print?: (line: string) => void;
  clock?: () => Date;
};

export const smsLogPath = (dataDir: string): string => path.join(dataDir, 'sms.log');

/** 138****0001: enough for a developer to tell two test phones apart. */
const maskPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

export function consoleSms(options: ConsoleSmsOptions): SmsProvider {
  const file = smsLogPath(options.dataDir);
  const print = options.print ?? ((line: string) => console.log(line));
  const clock = options.clock ?? (() => new Date());
  let ready: Promise<void> | undefined;
  // An inbox left by an older run with wider permissions is narrowed once; new ones are created 0600.
  const prepare = async () => {
    await fs.mkdir(options.dataDir, { recursive: true });
    const handle = await fs.open(file, 'a', 0o600);
    try {
      await handle.chmod(0o600);
    } finally {
      await handle.close();
    }
  };

  return {
    name: 'console',
    async send(msg: SmsMessage) {
      checkMessage('console', msg);
      const names = SMS_TEXTS[msg.kind].params;
      const params = Object.fromEntries(names.map((n) => [n, msg.params[n]]));
      const text = renderSms(msg.kind, params);
      const line = JSON.stringify({ to: msg.to, template: msg.kind, params, text, at: clock().toISOString() });
      try {
        ready ??= prepare();
        await ready;
        // One write with O_APPEND: lines from concurrent senders do not interleave.
        await fs.appendFile(file, `${line}\n`, { mode: 0o600 });
      } catch (err) {
        ready = undefined;
        throw new SmsSendError('console', 'write_failed', true, (err as NodeJS.ErrnoException).code ?? 'error');
      }
      const hidden = names.some((n) => SECRET_PARAMS.includes(n));
      const shown = hidden
        ? `${renderSms(msg.kind, { ...params, ...Object.fromEntries(SECRET_PARAMS.map((n) => [n, '******'])) })} (code written to ${file})`
        : text;
      print(`[sms] to ${maskPhone(msg.to)} ${msg.kind}: ${shown}`);
      return { providerMessageId: `console-${randomUUID()}` };
    },
  };
}
