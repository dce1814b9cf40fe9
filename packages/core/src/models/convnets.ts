// Convolutional networks for 32×32 inputs: the paper's Conv-2/4/6 (ICLR 2019 v5, Figure 1: 3×3 convs,
// padding 1, ReLU, 2×2 max pool after each pair; FC 256-256-10), the 2018 draft's Conv-2 (5×5, FC 384-192)
// and Conv-4 (unpadded 3×3 convs), VGG-11/16/19 for CIFAR (3×3 conv + batch norm + ReLU, 2×2 pools, 2×2 average pool, FC 10;
// as open_lth), and ResNet-20 for CIFAR (16, 3×[16,16], 3×[32,32], 3×[64,64], global average pool, FC 10).
import type { Device } from '@lth/native-sparse';
import {
  AvgPool,
  BasicBlock,
  BatchNorm,
  Conv2d,
  Dense,
  Dropout,
  Flatten,
  GlobalAvgPool,
  MaxPool,
  ReLU,
  Sequence,
  type Layer,
} from './layers.js';
import type { DenseLayer } from './dense-layer.js';
import type { F32, Model, Param } from './types.js';

export class LayeredModel implements Model {
  readonly params: Param[];
  constructor(
    readonly name: string,
    readonly inputShape: number[],
    readonly classes: number,
    readonly net: Sequence,
  ) {
    this.params = net.params;
  }
  forward(x: F32, train: boolean): F32 {
    return this.net.forward(x, train);
  }
  backward(dlogits: F32): void {
    this.net.backward(dlogits, false);
  }
  denseLayers(): DenseLayer[] {
    return this.net.layers.filter((l): l is Dense => l instanceof Dense).map((l) => l.inner);
  }
  get dropouts(): Dropout[] {
    return this.net.layers.filter((l): l is Dropout => l instanceof Dropout);
  }
  positionDropout(seed: number, iteration: number): void {
    for (const d of this.dropouts) d.position(seed, iteration);
  }
  buffers() {
    return this.net.buffers();
  }
  dispose() {
    this.net.dispose();
  }
}

type Spec = Array<number | 'M'>;

/** conv(3×3 or k×k)+ReLU blocks with max pools, then fully connected layers; 'same' padding unless `padded` is false. */
function plainConvNet(
  name: string,
  input: number[],
  classes: number,
  spec: Spec,
  k: number,
  fc: number[],
  dropout: number,
  device: Device,
  padded = true,
): LayeredModel {
  const [C, H, W] = input as [number, number, number];
  const layers: Layer[] = [];
  let c = C;
  let h = H;
  let w = W;
  let i = 0;
  for (const s of spec) {
    if (s === 'M') {
      layers.push(new MaxPool(2, device));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    } else {
      const pad = padded ? (k - 1) / 2 : 0;
      layers.push(new Conv2d(`conv${++i}`, c, s, k, 1, pad, true, device), new ReLU(device));
      c = s;
      h = h + 2 * pad - k + 1;
      w = w + 2 * pad - k + 1;
    }
  }
  layers.push(new Flatten());
  const sizes = [c * h * w, ...fc, classes];
  for (let j = 0; j < sizes.length - 1; j++) {
    const last = j === sizes.length - 2;
    layers.push(new Dense(`fc${j + 1}`, sizes[j]!, sizes[j + 1]!, !last, last ? 'output' : 'fc', device));
    if (!last && dropout > 0) layers.push(new Dropout(dropout, j, device));
  }
  return new LayeredModel(name, input, classes, new Sequence(layers));
}

const VGG: Record<string, Spec> = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512],
};

function vgg(name: string, input: number[], classes: number, device: Device): LayeredModel {
  const layers: Layer[] = [];
  let c = input[0]!;
  let i = 0;
  for (const s of VGG[name]!) {
    if (s === 'M') layers.push(new MaxPool(2, device));
    else {
      i++;
      layers.push(new Conv2d(`conv${i}`, c, s, 3, 1, 1, false, device), new BatchNorm(`bn${i}`, s, device), new ReLU(device));
      c = s;
    }
  }
  layers.push(new AvgPool(2, device), new Flatten(), new Dense('fc', c, classes, false, 'output', device));
  return new LayeredModel(name, input, classes, new Sequence(layers));
}

function resnet20(input: number[], classes: number, device: Device): LayeredModel {
  const layers: Layer[] = [new Conv2d('conv', input[0]!, 16, 3, 1, 1, false, device), new BatchNorm('bn', 16, device), new ReLU(device)];
  let c = 16;
  [16, 32, 64].forEach((width, stage) => {
    for (let b = 0; b < 3; b++) {
      layers.push(new BasicBlock(`block${stage + 1}.${b + 1}`, c, width, stage > 0 && b === 0 ? 2 : 1, device));
      c = width;
    }
  });
  layers.push(new GlobalAvgPool(device), new Dense('fc', c, classes, false, 'output', device));
  return new LayeredModel('resnet20', input, classes, new Sequence(layers));
}

export function createConvNet(name: string, input: number[], classes: number, dropout: number, device: Device): LayeredModel | null {
  switch (name) {
    case 'conv2':
      return plainConvNet(name, input, classes, [64, 64, 'M'], 3, [256, 256], dropout, device);
    case 'conv4':
      return plainConvNet(name, input, classes, [64, 64, 'M', 128, 128, 'M'], 3, [256, 256], dropout, device);
    case 'conv6':
      return plainConvNet(name, input, classes, [64, 64, 'M', 128, 128, 'M', 256, 256, 'M'], 3, [256, 256], dropout, device);
    case 'conv2-2018':
      return plainConvNet(name, input, classes, [64, 'M', 64, 'M'], 5, [384, 192], dropout, device);
    // The draft's table (1.15M weights, 260K of them conv) implies unpadded 3×3 convs: 32→30→28→14→12→10→5.
    case 'conv4-2018':
      return plainConvNet(name, input, classes, [64, 64, 'M', 128, 128, 'M'], 3, [256, 256], dropout, device, false);
    case 'vgg11':
    case 'vgg16':
    case 'vgg19':
      return vgg(name, input, classes, device);
    case 'resnet20':
      return resnet20(input, classes, device);
    default:
      return null;
  }
}
