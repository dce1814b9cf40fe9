// Fully connected networks: LeNet-300-100 (784-300-100-10) and any `mlp-<h1>-<h2>-…`, ReLU hidden layers,
// optional dropout after each hidden layer.
import type { Device } from '@lth/native-sparse';
import { LayeredModel } from './convnets.js';
import { Dense, Dropout, Flatten, Sequence, type Layer } from './layers.js';

export function mlp(name: string, inputShape: number[], hidden: number[], classes: number, dropout: number, device: Device): LayeredModel {
  const sizes = [inputShape.reduce((a, b) => a * b, 1), ...hidden, classes];
  const layers: Layer[] = [new Flatten()];
  for (let i = 0; i < sizes.length - 1; i++) {
    const last = i === sizes.length - 2;
    layers.push(new Dense(`fc${i + 1}`, sizes[i]!, sizes[i + 1]!, !last, last ? 'output' : 'fc', device));
    if (!last && dropout > 0) layers.push(new Dropout(dropout, i, device));
  }
  return new LayeredModel(name, inputShape, classes, new Sequence(layers));
}
