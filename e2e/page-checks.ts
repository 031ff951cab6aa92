import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Zero serious or critical axe violations on the page as it is now. */
export async function expectNoSeriousViolations(page: Page, state: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`),
    state,
  ).toEqual([]);
}

/** Nothing wider than the viewport: no sideways scrolling at this width. */
export async function expectNoHorizontalScroll(page: Page, state: string): Promise<void> {
  const { overflow, widest } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // the innermost elements that stick out, to say what to fix
    const out = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1 || el.scrollWidth > el.clientWidth + 1);
    return {
      overflow: document.documentElement.scrollWidth - width,
      widest: out.slice(-5).map((el) => `${el.tagName.toLowerCase()}.${String(el.className)}: ${(el.textContent ?? '').slice(0, 40)}`),
    };
  });
  expect(overflow, `${state}: ${widest.join(' | ')}`).toBeLessThanOrEqual(1);
}
