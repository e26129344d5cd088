import { wrapError } from '../../../shared/errors.ts';
import { tokenizerConfig, tokenizerJson } from '../domain/model-files.ts';

export type TokenizeFn = (texts: string[]) => number[][];

/** The same BERT tokenizer a written model folder will load, built in memory from a vocabulary. */
export async function wordTokenizer(vocab: string[], maxLength = 128): Promise<TokenizeFn> {
  try {
    const lib = await import('@huggingface/transformers');
    const tok = new lib.BertTokenizer(tokenizerJson(vocab), tokenizerConfig(maxLength));
    return (texts) => {
      const enc = tok(
        texts.map((t) => (t || ' ').slice(0, maxLength * 16)),
        { padding: false, truncation: true, max_length: maxLength, return_tensor: false },
      ) as unknown as { input_ids: (number | bigint)[][] };
      return enc.input_ids.map((row) => row.map(Number));
    };
  } catch (err) {
    throw wrapError('MODEL_LOAD_FAILED', err, 'cannot build the tokenizer');
  }
}
