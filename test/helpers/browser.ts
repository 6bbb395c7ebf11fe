import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (apt), driven by playwright-core: playwright's own browser downloads cannot work here. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find(existsSync);

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium: install it with `apt-get install chromium` (.ci/run does)');
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** A page that remembers every console error and uncaught exception, so a test can assert there were none. */
export async function watchedPage(browser: Browser, size = { width: 1500, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}
