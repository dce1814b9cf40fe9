// A small slice of real MNIST for the IMP tests: `subset` training examples (a `validationSize` part held out)
// and the first `test` test examples.
import { loadDataset } from '../../src/data/sources.js';
import { prepare, type PreparedData } from '../../src/data/prepare.js';

export async function mnistSlice(o: { validationSize: number; subset: number; seed: number; test: number }): Promise<PreparedData> {
  const ds = await loadDataset('mnist', { offline: true });
  const data = prepare(ds.train, ds.test, { validationSize: o.validationSize, subset: o.subset, seed: o.seed });
  data.test = { x: data.test.x.subarray(0, o.test * 784), y: data.test.y.subarray(0, o.test), count: o.test };
  return data;
}
