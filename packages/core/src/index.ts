// The lottery ticket engine (models, data, training, pruning, lottery runs, store). Built on
// @lth/native-sparse; see the core issue for its scope. Today it re-exports the engine it stands on.
export * as native from '@lth/native-sparse';
