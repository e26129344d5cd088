import { type Command, Option } from 'commander';
import { AppError } from '../../shared/errors.ts';
import { LEARNED_FIELDS, formatEvalReport, formatGoldResult, formatNoveltyReport, formatTrainReport, runEval, runGoldEval, runGoldTrain, runNoveltyEval, runScoreFile, runTrain, type LearnedField } from '../../services/scorer/index.ts';

function learnedFields(value: string | undefined): LearnedField[] | undefined {
  if (value === undefined) return undefined;
  const fields = value.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of fields) if (!(LEARNED_FIELDS as readonly string[]).includes(f)) throw new AppError('INPUT_INVALID', `--learned-fields takes ${LEARNED_FIELDS.join(',')}, got ${f}`);
  return fields as LearnedField[];
}

function unitInterval(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new AppError('INPUT_INVALID', `--${name} must be between 0 and 1, got ${value}`);
  return n;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new AppError('INPUT_INVALID', `--${name} must be a positive integer, got ${value}`);
  return n;
}

export function registerScorer(program: Command): void {
  program
    .command('eval')
    .description('measure a scorer on labeled sentences: accuracy, macro-F1, per-class precision and recall, confusion matrix; or every field against a gold CSV')
    .requiredOption('--input <file>', 'labeled file (for --format gold also a folder of CSV files)')
    .addOption(
      new Option('--format <format>', "'csv' (text,label), 'fpb' (one sentence@label per line, UTF-8 or Latin-1) or 'gold' (headline plus any of topics, oil_direction, price_report, relevance, sentiment; see docs/taxonomy.md)")
        .choices(['csv', 'fpb', 'gold'])
        .default('csv'),
    )
    .addOption(new Option('--split <split>', "gold only: rows of the 'train' or 'test' split by story id, or 'all'").choices(['train', 'test', 'all']).default('all'))
    .option('--learned <file>', 'gold only: blend per-field models written by `oilwire train --format gold` with the rules')
    .option('--weight <w>', 'gold only: ensemble weight of the learned models, 0..1 (default 0.7)')
    .option('--learned-fields <list>', `gold only: the fields the learned models may change (default all: ${LEARNED_FIELDS.join(',')})`)
    .option('--novelty', "gold only: measure novelty instead (rows of one story joined, rows of different stories joined; needs the 'story' column)")
    .option('--model <model>', "'domain' (default), a model folder (the transformer alone) or ensemble:<folder> (as the service serves it)", 'domain')
    .option('--json', 'print one JSON object {accuracy, macroF1, perClass, confusion, n}')
    .addHelpText('after', '\nLabels negative|neutral|positive score sentiment; bearish|neutral|bullish score oil direction.')
    .action(async (opts: { input: string; format: 'csv' | 'fpb' | 'gold'; split: 'train' | 'test' | 'all'; model: string; json?: boolean; learned?: string; weight?: string; learnedFields?: string; novelty?: boolean }) => {
      if (opts.novelty) {
        if (opts.format !== 'gold') throw new AppError('INPUT_INVALID', '--novelty measures a gold CSV; add --format gold');
        console.log(formatNoveltyReport(await runNoveltyEval({ input: opts.input, split: opts.split }), Boolean(opts.json)));
        return;
      }
      if (opts.format === 'gold') {
        if (opts.model !== 'domain') throw new AppError('INPUT_INVALID', '--format gold measures the domain model; --model is not supported with it');
        const result = await runGoldEval({ input: opts.input, split: opts.split, learned: opts.learned, weight: unitInterval('weight', opts.weight), learnedFields: learnedFields(opts.learnedFields) });
        console.log(formatGoldResult(result, Boolean(opts.json)));
        return;
      }
      const report = await runEval({ input: opts.input, format: opts.format, model: opts.model, json: Boolean(opts.json) });
      console.log(formatEvalReport(report));
    });

  program
    .command('train')
    .description('train a compact linear classifier (words and bigrams) from text,label rows and export it as a transformers.js model folder')
    .requiredOption('--input <file>', "CSV with columns text,label (for --format gold: a gold CSV or a folder of them)")
    .requiredOption('--out <dir>', 'model folder to write (config.json, tokenizer.json, onnx/model.onnx); for --format gold one JSON file')
    .addOption(new Option('--format <format>', "'csv' (text,label: a sentiment classifier served as a transformer) or 'gold' (one model per field: topics, oil_direction, relevance, sentiment)").choices(['csv', 'gold']).default('csv'))
    .addOption(new Option('--split <split>', "gold only: train on the 'train' split (default), 'test' or 'all'").choices(['train', 'test', 'all']).default('train'))
    .option('--max-vocab <n>', 'largest vocabulary kept')
    .option('--min-count <n>', 'drop words seen fewer times')
    .addHelpText('after', '\nServe the result with scorer.transformers.path = <dir> in oilwire.config.json, or measure it with `oilwire eval --model <dir>`.')
    .action(async (opts: { input: string; out: string; maxVocab?: string; minCount?: string; format: 'csv' | 'gold'; split: 'train' | 'test' | 'all' }) => {
      if (opts.format === 'gold') {
        const r = await runGoldTrain({ input: opts.input, out: opts.out, split: opts.split });
        console.log(`trained on ${r.n} rows (split ${opts.split}): ${r.fields.join(', ')}\nmodels written to ${r.out}; measure them with \`oilwire eval --format gold --learned ${r.out}\``);
        return;
      }
      const report = await runTrain({ input: opts.input, out: opts.out, maxVocab: positiveInt('max-vocab', opts.maxVocab), minCount: positiveInt('min-count', opts.minCount) });
      console.log(formatTrainReport(report));
    });

  program
    .command('score')
    .description("score a file of headlines with the domain model: one output row per input row (topics, oil direction and strength, price_report, relevance, sentiment, entities), passing an id column through")
    .requiredOption('--input <file>', "CSV with a header, NDJSON (one object per line), or '-' for stdin")
    .option('--column <name>', 'the column (CSV) or key (NDJSON) holding the headline', 'headline')
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'csv']).default('ndjson'))
    .action(async (opts: { input: string; column: string; format: 'ndjson' | 'csv' }) => {
      process.stdout.write(await runScoreFile({ input: opts.input, column: opts.column, format: opts.format }));
    });
}
