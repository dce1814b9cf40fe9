// The datasets lth knows: file names, MD5 checksums of the published files, and download mirrors.
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';

export interface DataFile {
  /** The published file name (what to put in a data directory). */
  name: string;
  md5: string;
  /** Uncompressed equivalents accepted as well (e.g. raw IDX next to or instead of .gz). */
  alternatives?: string[];
}

export interface DatasetSpec {
  name: DatasetName;
  files: { trainImages: DataFile; trainLabels: DataFile; testImages: DataFile; testLabels: DataFile } | { archive: DataFile };
  mirrors: string[];
  /** Sub-directory of a data dir / the cache holding this dataset. */
  dir: string;
  /** Class names, index = label (as the dataset's documentation gives them). */
  classNames: string[];
  /** One example: [channels, height, width] (CIFAR-10: RGB planes). */
  exampleShape: [number, number, number];
}

const idx = (name: string, md5: string): DataFile => ({ name, md5, alternatives: [name.replace(/\.gz$/, '')] });

export const DATASETS: Record<DatasetName, DatasetSpec> = {
  mnist: {
    name: 'mnist',
    dir: 'mnist',
    exampleShape: [1, 28, 28],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    files: {
      trainImages: idx('train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'),
      trainLabels: idx('train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'),
      testImages: idx('t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'),
      testLabels: idx('t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'),
    },
    mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    dir: 'fashion-mnist',
    exampleShape: [1, 28, 28],
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    files: {
      trainImages: idx('train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'),
      trainLabels: idx('train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'),
      testImages: idx('t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'),
      testLabels: idx('t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'),
    },
    mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
  },
  cifar10: {
    name: 'cifar10',
    dir: 'cifar10',
    exampleShape: [3, 32, 32],
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    files: { archive: { name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' } },
    mirrors: ['https://www.cs.toronto.edu/~kriz/'],
  },
};
