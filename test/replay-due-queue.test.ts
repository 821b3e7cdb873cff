import { describe, expect, it } from "vitest";
import { monotonicClock } from "../src/client/types.ts";
import { DueQueue } from "../src/replay/due-queue.ts";

describe("due queue", () => {
  it("releases every waiter at or after its due time, in due order, whatever order they came in", async () => {
    const clock = monotonicClock();
    const queue = new DueQueue(clock);
    const t0 = clock.now();
    // Due times a few ms apart, some closer than a timer's resolution and some equal, added out of order.
    const dues = Array.from({ length: 120 }, (_, i) => t0 + 5e6 + ((i * 7919) % 120) * 400_000);
    dues.push(dues[3], dues[3]);
    const released: Array<{ due: number; at: number }> = [];
    await Promise.all(dues.map(async (due) => {
      await queue.wait(due);
      released.push({ due, at: clock.now() });
    }));
    expect(released).toHaveLength(dues.length);
    for (const r of released) expect(r.at).toBeGreaterThanOrEqual(r.due);
    const order = released.map((r) => r.due);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("a waiter due before the one the timer sleeps for re-arms it; one already due returns at once", async () => {
    const clock = monotonicClock();
    const queue = new DueQueue(clock);
    const t0 = clock.now();
    const late = queue.wait(t0 + 400e6).then(() => clock.now());
    const early = await queue.wait(t0 + 30e6).then(() => clock.now());
    expect((early - t0) / 1e6).toBeGreaterThanOrEqual(30);
    expect((early - t0) / 1e6).toBeLessThan(300);
    const before = clock.now();
    await queue.wait(before - 1);
    expect(clock.now() - before).toBeLessThan(5e6);
    expect((await late) - t0).toBeGreaterThanOrEqual(400e6);
  });

  it("due times closer together than the precise-sleep margin are each kept, also when added by a released waiter", async () => {
    const clock = monotonicClock();
    const queue = new DueQueue(clock);
    const t0 = clock.now();
    const released: Array<{ due: number; at: number }> = [];
    const waitAndNote = async (due: number) => {
      await queue.wait(due);
      released.push({ due, at: clock.now() });
    };
    // 40 waiters 50 us apart (the queue sleeps to each rather than taking a timer), and each released waiter adds
    // one due 30 us after its own: earlier than the next one the queue is sleeping toward.
    const base = t0 + 3e6;
    await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      await waitAndNote(base + i * 50_000);
      await waitAndNote(base + i * 50_000 + 30_000);
    }));
    expect(released).toHaveLength(80);
    for (const r of released) expect(r.at).toBeGreaterThanOrEqual(r.due);
    // Each of the 40 first waits released before any that was due after it (the added ones may share a release).
    const firsts = released.filter((r) => (r.due - base) % 50_000 === 0).map((r) => r.due);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  });

  it("sleeps between due times rather than keeping the CPU busy", async () => {
    const clock = monotonicClock();
    const queue = new DueQueue(clock);
    const t0 = clock.now();
    const cpu0 = process.cpuUsage();
    // Ten sessions, each waiting 20 times 25 ms apart: half a second of waiting.
    await Promise.all(Array.from({ length: 10 }, async (_, s) => {
      for (let i = 1; i <= 20; i++) await queue.wait(t0 + s * 1e6 + i * 25e6);
    }));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = (clock.now() - t0) / 1e6;
    // Turning the event loop (or spinning) until each due time costs up to a millisecond per wait: 200 ms here.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(wallMs / 5);
  });

  it("releaseAll lets everyone go at once", async () => {
    const clock = monotonicClock();
    const queue = new DueQueue(clock);
    const waits = [1, 2, 3].map((s) => queue.wait(clock.now() + s * 1e9));
    const t0 = clock.now();
    queue.releaseAll();
    await Promise.all(waits);
    expect(clock.now() - t0).toBeLessThan(100e6);
  });
});
