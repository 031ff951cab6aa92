import { describe, expect, it } from 'vitest';
import { processSlot } from './slot';

describe('processSlot', () => {
  it('is one value per name for the whole process, however many modules ask', () => {
    const a = processSlot<{ n: number }>('slot-test');
    const b = processSlot<{ n: number }>('slot-test');
    const made = a.getOrCreate(() => ({ n: 1 }));
    expect(b.getOrCreate(() => ({ n: 2 }))).toBe(made);
    expect(processSlot<{ n: number }>('another').get()).toBeUndefined();
  });

  it('forgets a value set to undefined, so the next use makes it again', () => {
    const slot = processSlot<number>('slot-test-reset');
    slot.set(7);
    expect(slot.get()).toBe(7);
    slot.set(undefined);
    expect(slot.getOrCreate(() => 8)).toBe(8);
  });
});
