import type { Command } from 'commander';
import { registerCore } from './core.ts';
import { registerDevBroker } from './dev-broker.ts';
import { registerDlq } from './dlq.ts';
import { registerScorer } from './scorer.ts';
import { registerFeeds } from './feeds.ts';
import { registerPrices } from './prices.ts';
import { registerStudy } from './study.ts';

/** Each command group registers itself here. */
export const COMMAND_GROUPS: ((program: Command) => void)[] = [registerCore, registerDevBroker, registerScorer, registerFeeds, registerPrices, registerStudy, registerDlq];
