// `oilwire study` lives in cli/study/ (options, headline and price files, the pipeline run, its drain signal, the report and its renderings).
export { registerStudy } from '../study/command.ts';
