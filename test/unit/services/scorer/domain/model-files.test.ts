import { describe, expect, it } from 'vitest';
import { buildVocab, CLS_ID, modelConfig, pretokenize, SEP_ID, SPECIAL_TOKENS, tokenizerConfig, tokenizerJson, UNK_ID } from '../../../../../services/scorer/domain/model-files.ts';

// The files are read by Hugging Face's tokenizers and transformers.js: every field is pinned, since a
// field that is wrong or missing fails only there (the integration tests load one model), not here.
describe('model files: the specials', () => {
  it('puts the specials first, with the ids the post-processor names', () => {
    expect(SPECIAL_TOKENS).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect([SPECIAL_TOKENS[UNK_ID], SPECIAL_TOKENS[CLS_ID], SPECIAL_TOKENS[SEP_ID]]).toEqual(['[UNK]', '[CLS]', '[SEP]']);
  });
});

describe('pretokenize: the words that may enter the vocabulary', () => {
  it('lower-cases, strips accents, splits punctuation and symbols one by one and drops spaces', () => {
    expect(pretokenize('Café CRÈME')).toEqual(['cafe', 'creme']);
    expect(pretokenize('Oil, up 5%!')).toEqual(['oil', ',', 'up', '5', '%', '!']);
    expect(pretokenize('$80\tBrent\n--')).toEqual(['$', '80', 'brent', '-', '-']);
    expect(pretokenize('')).toEqual([]);
    expect(pretokenize('   ')).toEqual([]);
  });
});

describe('buildVocab: the same data gives the same ids', () => {
  it('orders words by descending count, ties alphabetically, after the specials', () => {
    expect(buildVocab(['b a c', 'c b', 'c'])).toEqual([...SPECIAL_TOKENS, 'c', 'b', 'a']);
    expect(buildVocab(['zeta alpha mid', 'mid alpha zeta'])).toEqual([...SPECIAL_TOKENS, 'alpha', 'mid', 'zeta']);
    expect(buildVocab([])).toEqual([...SPECIAL_TOKENS]);
  });

  it('keeps words seen at least minCount times (1 by default)', () => {
    expect(buildVocab(['a b b c c c'], { minCount: 2 })).toEqual([...SPECIAL_TOKENS, 'c', 'b']);
    expect(buildVocab(['a b b c c c'], { minCount: 3 })).toEqual([...SPECIAL_TOKENS, 'c']);
    expect(buildVocab(['a'])).toEqual([...SPECIAL_TOKENS, 'a']);
  });

  it('holds the whole vocabulary, specials included, to maxSize (20,000 by default)', () => {
    expect(buildVocab(['a b b c c c'], { maxSize: 7 })).toEqual([...SPECIAL_TOKENS, 'c', 'b']);
    expect(buildVocab(['a b b c c c'], { maxSize: 5 })).toEqual([...SPECIAL_TOKENS]);
    expect(buildVocab(['a b b c c c'], { maxSize: 2 })).toEqual([...SPECIAL_TOKENS]);
    const many = Array.from({ length: 20_100 }, (_, i) => `w${i}`).join(' ');
    expect(buildVocab([many])).toHaveLength(20_000);
  });

  it('leaves out words over 100 characters; a special or a "##" piece never reaches the counts', () => {
    // Brackets and "#" are punctuation, split off by pretokenize: the filter on specials and "##" is only a guard.
    expect(buildVocab(['x [PAD] x'])).toEqual([...SPECIAL_TOKENS, 'x', '[', ']', 'pad']);
    expect(buildVocab(['a'.repeat(100), 'b'.repeat(101)])).toEqual([...SPECIAL_TOKENS, 'a'.repeat(100)]);
  });
});

describe('tokenizer.json, tokenizer_config.json, config.json', () => {
  it('writes the WordPiece tokenizer with the BERT normalizer, pre-tokenizer and [CLS] A [SEP] template', () => {
    const vocab = [...SPECIAL_TOKENS, 'oil'];
    const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    expect(tokenizerJson(vocab)).toEqual({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special('[PAD]', 0), special('[UNK]', 1), special('[CLS]', 2), special('[SEP]', 3), special('[MASK]', 4)],
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
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, '[MASK]': 4, oil: 5 } },
    });
  });

  it('writes the tokenizer config with its maximum length', () => {
    expect(tokenizerConfig(128)).toEqual({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 128, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]', clean_up_tokenization_spaces: true });
  });

  it('writes a bert sequence-classification config with both label maps, the vocabulary size and oilwire\'s own fields', () => {
    expect(modelConfig(['negative', 'neutral', 'positive'], 6, { trained: 'test' })).toEqual({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      id2label: { '0': 'negative', '1': 'neutral', '2': 'positive' },
      label2id: { negative: 0, neutral: 1, positive: 2 },
      vocab_size: 6,
      max_position_embeddings: 512,
      problem_type: 'single_label_classification',
      'transformers.js_config': { dtype: 'fp32' },
      oilwire: { trained: 'test' },
    });
  });
});
