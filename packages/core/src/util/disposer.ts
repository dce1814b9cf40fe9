// Native resources taken in order and freed in reverse: at the end of their scope, or at once when a later
// allocation fails (so a failed setup does not leave device memory to the garbage collector).
export interface Disposable {
  dispose(): void;
}

export class Disposer {
  private readonly owned: Disposable[] = [];

  /** Take `t`; returns it. */
  own<T extends Disposable>(t: T): T {
    this.owned.push(t);
    return t;
  }

  /** Build with `make`, owning what it takes; if it throws, free what it took and rethrow. */
  build<R>(make: (own: <T extends Disposable>(t: T) => T) => R): R {
    try {
      return make((t) => this.own(t));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** Free everything taken, last first. */
  dispose(): void {
    for (const o of this.owned.splice(0).reverse()) o.dispose();
  }
}
