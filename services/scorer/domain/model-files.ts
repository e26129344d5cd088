/**
 * The Hugging Face folder layout for oilwire's linear models: a WordPiece vocabulary of
 * whole words (anything else is [UNK]), the BERT normalizer and pre-tokenizer, and a
 * `bert` config so `AutoModelForSequenceClassification` and `pipeline()` load it.
 */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;

const PRE_TOKEN = /[^\s\p{P}\p{S}]+|[\p{P}\p{S}]/gu;

/** Close to BERT's basic tokenizer (lowercase, accents stripped, punctuation split); it only decides which words enter the vocabulary. */
export function pretokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{Mn}/gu, '')
      .match(PRE_TOKEN) ?? []
  );
}

/** Specials first, then words by descending count, ties alphabetical: the same data gives the same ids. */
export function buildVocab(texts: string[], options: { maxSize?: number; minCount?: number } = {}): string[] {
  const maxSize = options.maxSize ?? 20_000;
  const minCount = options.minCount ?? 1;
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of pretokenize(t)) if (w.length <= 100) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.entries()]
    .filter(([w, c]) => c >= minCount && !(SPECIAL_TOKENS as readonly string[]).includes(w) && !w.startsWith('##'))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, Math.max(0, maxSize - SPECIAL_TOKENS.length))
    .map(([w]) => w);
  return [...SPECIAL_TOKENS, ...words];
}

export function tokenizerJson(vocab: string[]): Record<string, unknown> {
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const cls = { id: '[CLS]', ids: [CLS_ID], tokens: ['[CLS]'] };
  const sep = { id: '[SEP]', ids: [SEP_ID], tokens: ['[SEP]'] };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t, i) => special(t, i)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': cls, '[SEP]': sep },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
    },
  };
}

export function tokenizerConfig(maxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxLength,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
}

export function modelConfig(labels: string[], vocabSize: number, meta: Record<string, unknown>): Record<string, unknown> {
  return {
    model_type: 'bert',
    architectures: ['BertForSequenceClassification'],
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    vocab_size: vocabSize,
    max_position_embeddings: 512,
    problem_type: 'single_label_classification',
    'transformers.js_config': { dtype: 'fp32' },
    oilwire: meta,
  };
}
