import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where `npm run bench` writes its figures: one object, one top-level section per part of the bench. */
export const RESULTS_FILE = 'bench/results.json';

/** Replaces one top-level section of bench/results.json, keeping the others (each part of the bench writes its own). */
export function writeResultsSection(section: string, value: unknown, file = RESULTS_FILE): void {
  let results: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) results = parsed as Record<string, unknown>;
    } catch {
      // a broken file is replaced
    }
  }
  results[section] = value;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
