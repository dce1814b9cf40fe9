// Datasets kept on the training device for a whole run (docs/design.md §8): every split is uploaded once, and a
// step's batch is gathered on the device from its shuffled indices (only the B indices travel per step).
// On the CPU this is the same copy the host path does; on CUDA it removes the per-step upload of the batch.
import { fromArray, gatherRows, type Device, type Tensor } from '@lth/native-sparse';
import type { PreparedData, Split } from '../data/prepare.js';

/** One split on the device: x [count, ...exampleShape], y [count]. */
export interface ResidentSplit {
  readonly count: number;
  readonly x: Tensor<'f32'>;
  readonly y: Tensor<'i32'>;
}

function upload(split: Split, exampleShape: number[], device: Device): ResidentSplit {
  return {
    count: split.count,
    x: fromArray(split.x.subarray(0, split.count * exampleShape.reduce((a, b) => a * b, 1)), [split.count, ...exampleShape], { device }),
    y: fromArray(split.y.subarray(0, split.count), [split.count], { device }),
  };
}

/** train, validation and test splits of one PreparedData, on one device. */
export class ResidentData {
  readonly train: ResidentSplit;
  readonly validation: ResidentSplit;
  readonly test: ResidentSplit;
  private disposed = false;

  constructor(
    readonly data: PreparedData,
    readonly device: Device,
  ) {
    const made: ResidentSplit[] = [];
    try {
      for (const s of [data.train, data.validation, data.test]) made.push(upload(s, data.exampleShape, device));
    } catch (e) {
      for (const r of made) disposeSplit(r);
      throw e;
    }
    [this.train, this.validation, this.test] = made as [ResidentSplit, ResidentSplit, ResidentSplit];
  }

  /** The resident copy of `split` (one of this data's splits). */
  of(split: Split): ResidentSplit {
    if (split === this.data.train) return this.train;
    if (split === this.data.validation) return this.validation;
    if (split === this.data.test) return this.test;
    throw new Error('ResidentData.of: the split does not belong to this data set');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of [this.train, this.validation, this.test]) disposeSplit(s);
  }
}

function disposeSplit(s: ResidentSplit): void {
  s.x.dispose();
  s.y.dispose();
}

/** Fills batch tensors X [B, ...] and Y [B] with rows `rows` of a resident split: one index upload, two gathers. */
export class ResidentBatcher {
  private readonly index: Tensor<'i32'>;

  constructor(
    private readonly split: ResidentSplit,
    readonly batch: number,
    device: Device,
  ) {
    this.index = fromArray(new Int32Array(batch), [batch], { device });
  }

  fill(rows: Int32Array, X: Tensor<'f32'>, Y: Tensor<'i32'>): void {
    if (rows.length !== this.batch) throw new Error(`ResidentBatcher.fill: ${rows.length} rows for a batch of ${this.batch}`);
    this.index.upload(rows);
    gatherRows(this.split.x, this.index, { out: X });
    gatherRows(this.split.y, this.index, { out: Y });
  }

  dispose(): void {
    this.index.dispose();
  }
}

/** The resident copy a run uses, or null: on by default for CUDA (`request` overrides). */
export function residentFor(data: PreparedData, device: Device, request?: boolean): ResidentData | null {
  return (request ?? device === 'cuda') ? new ResidentData(data, device) : null;
}
