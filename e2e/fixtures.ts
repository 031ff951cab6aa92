import { test as base } from '@playwright/test';
import { captureResponses } from './capture';

/** Playwright's test, with every portal answer of the default context captured for the secrets sweep. */
export const test = base.extend<{ capture: void }>({
  capture: [
    async ({ context }, use) => {
      captureResponses(context);
      await use();
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
