/**
 * Answers shared between identical requests: one computation per key and version of the state it reads, handed to
 * every request that asks while it runs and, once settled, until the state changes or the answer is `maxAgeMs` old
 * (parts of an answer, such as registry verification, may ripen without the state changing). A failed computation
 * is not kept, so the next request tries again. Keys must hold everything that makes two answers differ — in
 * pullfix the kubeconfig context (the identity) and the query.
 */
export class SharedAnswers<T> {
  private readonly entries = new Map<string, { version: number; settledAt: number | null; answer: Promise<T> }>();
  /** How many answers were computed: what sharing saves is the requests minus this. */
  computations = 0;

  constructor(
    private readonly clock: { now(): number },
    private readonly maxAgeMs: number,
  ) {}

  get(key: string, version: number, compute: () => Promise<T>): Promise<T> {
    const held = this.entries.get(key);
    if (held && held.version === version && (held.settledAt === null || this.clock.now() - held.settledAt < this.maxAgeMs)) return held.answer;
    this.computations += 1;
    const entry: { version: number; settledAt: number | null; answer: Promise<T> } = { version, settledAt: null, answer: compute() };
    this.entries.set(key, entry);
    entry.answer.then(
      () => {
        entry.settledAt = this.clock.now();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.answer;
  }

  /** Forgets every answer whose key starts with `prefix`: a dropped context's answers hold its state. */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
