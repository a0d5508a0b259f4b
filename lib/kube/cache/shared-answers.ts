/**
 * Answers shared between identical requests: one computation per key and version of the state it reads, handed to
 * every request that asks while it runs and, once settled, until the state changes or the answer is `maxAgeMs` old
 * (parts of an answer, such as registry verification, may ripen without the state changing). A failed computation
 * is not kept, so the next request tries again. Keys must hold everything that makes two answers differ — in
 * pullfix the kubeconfig context (the identity) and the query.
 *
 * A request may also accept an answer made from an older version, settled or still being computed, when its
 * computation started less than `staleMs` ago: on a cluster whose kubelets retry every few seconds the version moves
 * on between any two requests, and ten clients would otherwise each start a computation of their own. Such an
 * answer misses only the changes of the last `staleMs`. Once a settled answer is half that old and the state has
 * moved on, the next request that takes it also starts the next computation, without waiting for it: clients that
 * keep asking are answered from memory and never wait on a computation.
 */
export class SharedAnswers<T> {
  private readonly entries = new Map<string, { settled: Entry<T> | null; running: Entry<T> | null }>();
  /** How many answers were computed: what sharing saves is the requests minus this. */
  computations = 0;

  constructor(
    private readonly clock: { now(): number },
    private readonly maxAgeMs: number,
  ) {}

  get(key: string, version: number, compute: () => Promise<T>, staleMs = 0): Promise<T> {
    const held = this.entries.get(key);
    const { settled = null, running = null } = held ?? {};
    if (settled && this.serves(settled, version, staleMs)) {
      const age = this.clock.now() - settled.startedAt;
      if (settled.version < version && !running && age >= staleMs / 2) this.start(key, version, compute);
      return settled.answer;
    }
    if (running && this.serves(running, version, staleMs)) return running.answer;
    return this.start(key, version, compute).answer;
  }

  /** Forgets every answer whose key starts with `prefix`: a dropped context's answers hold its state. */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private start(key: string, version: number, compute: () => Promise<T>): Entry<T> {
    this.computations += 1;
    const entry: Entry<T> = { version, startedAt: this.clock.now(), settledAt: null, answer: compute() };
    const slot = this.entries.get(key) ?? { settled: null, running: null };
    slot.running = entry;
    this.entries.set(key, slot);
    entry.answer.then(
      () => {
        entry.settledAt = this.clock.now();
        if (this.entries.get(key) !== slot) return;
        if (slot.running === entry) slot.running = null;
        if (!slot.settled || slot.settled.version <= entry.version) slot.settled = entry;
      },
      () => {
        if (this.entries.get(key) === slot && slot.running === entry) slot.running = null;
      },
    );
    return entry;
  }

  private serves(held: Entry<T>, version: number, staleMs: number): boolean {
    const now = this.clock.now();
    if (held.version === version) return held.settledAt === null || now - held.settledAt < this.maxAgeMs;
    return held.version < version && now - held.startedAt < staleMs;
  }
}

interface Entry<T> {
  version: number;
  startedAt: number;
  settledAt: number | null;
  answer: Promise<T>;
}
