import type { Command } from 'commander';
import { registerCore } from './core.ts';
import { registerStudy } from './study.ts';

/** Each command group registers itself here. */
export const COMMAND_GROUPS: ((program: Command) => void)[] = [registerCore, registerStudy];
