import { log } from '../lib/log';
import { setTimeout as sleep } from 'node:timers/promises';
async function run(label: string, gap: () => Promise<unknown>, doLog: boolean) {
  const n = 2000; const t = performance.now(); const c = process.cpuUsage();
  for (let i = 0; i < n; i++) { if (doLog) log.info({ requestId: 'a419464b-7eba-490a-abb4-bc748135b2b7', actor: 'alice@example.com', webexId: 'alice', outcome: 'OK', durationMs: 15 }, 'launch'); await gap(); }
  const u = process.cpuUsage(c);
  console.error(label.padEnd(30), ((performance.now() - t) / n * 1000).toFixed(1), 'µs wall', ((u.user + u.system) / n).toFixed(1), 'µs cpu');
}
await run('no log, sleep 1ms', () => sleep(1), false);
await run('log, sleep 1ms', () => sleep(1), true);
await run('no log, immediate', () => new Promise(setImmediate), false);
await run('log, immediate', () => new Promise(setImmediate), true);
