// Entry of the feed-parsing worker thread (see rss-parser-feed-parser.ts): TypeScript through tsx, as in the main thread.
import { register } from 'tsx/esm/api';

register();
const { runTask } = await import('./rss-parser-feed-parser.ts');
export default runTask;
