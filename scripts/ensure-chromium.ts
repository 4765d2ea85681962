// `npm test` needs Debian's Chromium for the browser tests (test/web). On a fresh machine where we are root, it is
// installed from Debian's packages (with CJK fonts, so screenshots show Chinese); anywhere else the run stops here
// with the command to run. The browser tests themselves fail, never skip, when it is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function main(): void {
  if (fs.existsSync(CHROMIUM)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !fs.existsSync('/usr/bin/apt-get')) {
    console.error(
      `Chromium is missing at ${CHROMIUM}. Install it: sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk`,
    );
    process.exit(1);
  }
  console.error('chromium: installing Debian packages chromium and fonts-noto-cjk for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
}

main();
