import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wrapError } from '../../../shared/errors.ts';
import { toOnnxBytes, type LinearModel } from '../domain/linear-model.ts';
import { modelConfig, tokenizerConfig, tokenizerJson } from '../domain/model-files.ts';

export interface ModelFolderSpec {
  vocab: string[];
  model: LinearModel;
  maxLength?: number;
  meta?: Record<string, unknown>;
}

/** Writes a model folder in the Hugging Face layout that transformers.js loads offline. */
export async function writeModelFolder(dir: string, spec: ModelFolderSpec): Promise<string[]> {
  const maxLength = spec.maxLength ?? 128;
  const files: [string, string | Uint8Array][] = [
    ['config.json', JSON.stringify(modelConfig(spec.model.labels, spec.vocab.length, { kind: 'linear-bow', bigramBuckets: spec.model.bigramBuckets, ...spec.meta }), null, 2)],
    ['tokenizer.json', JSON.stringify(tokenizerJson(spec.vocab))],
    ['tokenizer_config.json', JSON.stringify(tokenizerConfig(maxLength), null, 2)],
    ['onnx/model.onnx', toOnnxBytes(spec.model)],
  ];
  try {
    await mkdir(join(dir, 'onnx'), { recursive: true });
    for (const [name, data] of files) await writeFile(join(dir, name), data);
  } catch (err) {
    throw wrapError('INTERNAL', err, `cannot write model folder ${dir}`);
  }
  return files.map(([name]) => join(dir, name));
}
